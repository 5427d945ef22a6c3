"""The JSON API under /api/v1 and its OpenAPI document.

Each area's API views register here and describe themselves with ``openapi.document``,
so ``/api/v1/openapi.json`` always lists every endpoint.
"""
from flask import Blueprint

from marketplace.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # machine clients authenticate with bearer tokens, not cookies

from marketplace.api import briefs, feed, routes, search  # noqa: E402,F401
