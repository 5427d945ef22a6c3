"""Small helpers every area's views share."""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

from flask import after_this_request, current_app, flash, has_request_context
from flask_wtf import FlaskForm

from marketplace.errors import DomainError
from marketplace.transaction import Outcome, run


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a service's refusal where the user will read it: on its field, else as a flash."""
    if form is not None and error.fields:
        for name, reason in error.fields.items():
            field = getattr(form, name, None)
            if field is None:
                flash(reason, "error")
            else:
                field.errors = [*field.errors, reason]
        return
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = [*field.errors, error.reason]
    else:
        flash(error.reason, "error")


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths, so ``?next=`` cannot send a user to another site."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def perform(action: Callable[[], Any], form: FlaskForm | None = None) -> Outcome:
    """One user action, one transaction (:func:`marketplace.transaction.run`): call the service
    and commit; or, when it is refused, keep nothing it flushed and show the reason (on the
    form's field when the refusal names one, else as a flash message)."""
    outcome = run(action)
    if not outcome:
        show_error(form, outcome.error)
    return outcome


def act(form: FlaskForm, action: Callable[[], Any], done: str | Callable[[Any], str]) -> Outcome | None:
    """A button on an object's page whose route redirects back to that page: check the posted
    form, :func:`perform` the action and flash ``done`` (or ``done(value)``, for a message that
    names what the action made). The page it returns to does not show this form's fields, so a
    field error or a refusal is flashed too: the user is never sent back without a word."""
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return None
    outcome = perform(action)
    if outcome:
        flash(done(outcome.value) if callable(done) else done, "success")
    return outcome


def after_response(work: Callable[[], None]) -> None:
    """Run ``work`` once the server has sent this request's response (when it closes it), in
    an app context of its own; outside a request, at once. For bookkeeping a reader need
    not wait for, such as an API token's last use. A failure is logged, never shown."""
    if not has_request_context():
        work()
        return
    app = current_app._get_current_object()

    def run_after() -> None:
        with app.app_context():
            try:
                work()
            except Exception:  # the response is gone; there is no one to tell but the log
                app.logger.exception("work after the response failed")

    @after_this_request
    def attach(response):
        response.call_on_close(run_after)
        return response
