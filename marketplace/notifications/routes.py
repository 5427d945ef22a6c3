"""The notifications page (newest first, paged), marking read, and the navigation's count."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from marketplace.access import SIGNED_IN, audience
from marketplace.extensions import db
from marketplace.forms import PostOnlyForm
from marketplace.notifications import service
from marketplace.web import perform, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def unread_in_navigation():
    """``unread_notifications()`` for the signed-in navigation: one count query, run only
    when the template asks (pages for visitors never do)."""
    cache: dict[str, int] = {}

    def unread() -> int:
        if not current_user.is_authenticated:
            return 0
        if "n" not in cache:
            try:
                cache["n"] = service.unread_count(current_user.id)
            except SQLAlchemyError:  # the error page of a broken database still renders
                db.session.rollback()
                cache["n"] = 0
        return cache["n"]

    return {"unread_notifications": unread}


@bp.route("/")
@audience(SIGNED_IN)
def index():
    page = service.page_for(current_user, request.args.get("page", 1, type=int) or 1)
    return render_template("notifications/index.html", page=page, sentence=service.sentence,
                           form=PostOnlyForm())


@bp.route("/<int:notification_id>/read", methods=["POST"])
@audience(SIGNED_IN)
def mark_read(notification_id: int):
    back = url_for("notifications.index")
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    outcome = perform(lambda: service.mark_read(current_user, notification_id))
    if outcome and request.form.get("open") and outcome.value.link:
        return redirect(safe_next(outcome.value.link, back))
    return redirect(safe_next(request.form.get("next"), back))


@bp.route("/read-all", methods=["POST"])
@audience(SIGNED_IN)
def mark_all_read():
    if not PostOnlyForm().validate_on_submit():
        abort(400)
    perform(lambda: service.mark_all_read(current_user))
    return redirect(url_for("notifications.index"))
