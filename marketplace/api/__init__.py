"""The JSON API under /api/v1 and its OpenAPI document.

Each area's API views register here and describe themselves with ``openapi.document``,
so ``/api/v1/openapi.json`` always lists every endpoint. A view that changes something
hands its one service call to :func:`respond`.
"""
from typing import Any, Callable

from flask import Blueprint

from marketplace.errors import json_error
from marketplace.extensions import csrf
from marketplace.transaction import run

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # machine clients authenticate with bearer tokens, not cookies


def respond(action: Callable[[], Any], render: Callable[[Any], Any]):
    """One API action, one transaction: ``render(result)`` after the commit, or the refusal
    as JSON with its status (409 conflict, 422 invalid, 403 not allowed, 404 not found)."""
    outcome = run(action)
    if not outcome:
        return json_error(outcome.error)
    return render(outcome.value)


from marketplace.api import briefs, document, feed, metrics, search  # noqa: E402,F401
