"""The search page, and the home feed the landing page shows (read from the index)."""
from flask import Blueprint, render_template, request

from marketplace.access import PUBLIC, audience
from marketplace.search import service

bp = Blueprint("search", __name__)


@bp.app_context_processor
def feed_helpers():
    """The home page shows the feed; it asks for it lazily so other pages pay nothing."""
    return {"home_feed": service.recent_feed}


@bp.route("/search")
@audience(PUBLIC)
def search():
    params = service.params_from(request.args)
    results = service.search(**params) if params["query"].strip() else None
    return render_template("search/results.html", results=results, params=params)
