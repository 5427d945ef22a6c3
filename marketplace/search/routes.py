"""The search page."""
from flask import render_template, request

from marketplace.access import PUBLIC, audience
from marketplace.search import bp, service


def read_query_args(args) -> dict:
    """The search parameters the page and the API share."""
    return {
        "query": args.get("q", ""),
        "tag": args.get("tag") or None,
        "sponsored": args.get("sponsored", "") if args.get("sponsored") in ("only", "hide") else "",
        "page": max(args.get("page", 1, type=int) or 1, 1),
    }


@bp.route("/search")
@audience(PUBLIC)
def search():
    params = read_query_args(request.args)
    results = service.search(**params) if params["query"].strip() else None
    return render_template("search/results.html", results=results, params=params)
