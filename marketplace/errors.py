"""Domain errors and how they reach a user.

Services raise :class:`DomainError` subclasses with a human reason. Pages flash the reason
(or attach it to a form field); the JSON API returns it with the matching status
(:func:`json_error`, the one place that shape is built); the CLI prints it on one line.
"""
from __future__ import annotations

import io

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict

from marketplace.extensions import db


class DomainError(Exception):
    """A rule refused the action. ``reason`` is shown to the user as is; ``field`` names the
    form field it is about, ``fields`` gives one reason per field when several are wrong."""

    status = 400

    def __init__(self, reason: str, field: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.fields = fields


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    """No such object, or none this viewer may know about (drafts, others' private notes)."""

    status = 404


class Conflict(DomainError):
    """The object is not in a state that allows this (someone else may have got there first)."""

    status = 409


class Changed(Conflict):
    """Someone saved the object after this form was opened; the form shows the current values."""

    def __init__(self, reason: str | None = None):
        super().__init__(reason or str(_l("Someone else changed this while you were editing it. "
                                          "The form now shows the current version; check it and "
                                          "save again.")))


class Invalid(DomainError):
    status = 422


class Problems(dict):
    """Every rule some input breaks, ``{field: reason}`` (the first reason per field), in the
    order the rules were checked.

    A service checks all its fields into one of these, so a form can show every problem
    beside its field in one round trip (``marketplace.form_rules``); callers that want a single
    refusal (the API, the CLI, jobs) call ``raise_first()``. Each rule stays written once.
    """

    def check(self, rule, *args, **kwargs):
        """Run one rule: its result, or None after keeping the ``Invalid`` it raised."""
        try:
            return rule(*args, **kwargs)
        except Invalid as error:
            self.add(error.field or "", error.reason)
            return None

    def add(self, field: str, reason: str) -> None:
        self.setdefault(field, reason)

    def raise_first(self) -> None:
        for field, reason in self.items():
            raise Invalid(reason, field=field or None)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(error: DomainError):
    """A refusal as the API answers it: ``{"error": reason, "fields": {...}}`` and its status."""
    body = {"error": error.reason}
    if error.fields:
        body["fields"] = dict(error.fields)
    elif error.field:
        body["fields"] = {error.field: error.reason}
    return jsonify(body), error.status


def register_error_handlers(app: Flask) -> None:
    def page(status: int, template: str, **context):
        if wants_json():
            return jsonify(error=context.get("message") or str(status)), status
        return render_template(template, **context), status

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        """A refusal no view caught (a loader's "not found", a refused GET)."""
        db.session.rollback()
        if wants_json():
            return json_error(error)
        if isinstance(error, NotFound):
            return render_template("errors/404.html"), 404
        return render_template("errors/_error.html", code=error.status, heading=error.reason,
                               explanation=""), error.status

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, "errors/403.html")

    @app.errorhandler(404)
    def not_found(error):
        return page(404, "errors/404.html")

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, "errors/405.html")

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return page(400, "errors/csrf.html", message=error.description)

    @app.errorhandler(413)
    def too_large(error):
        # The page renders forms (the language switch), and a form reads the request's form
        # data: that would parse the refused body again and fail inside this handler.
        empty = ImmutableMultiDict()
        request.__dict__.update(form=empty, files=empty, stream=io.BytesIO(b""))
        request._cached_data = b""
        return page(413, "errors/413.html")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page(500, "errors/500.html")
