"""Search: the analyzer, the two backends, the index kept in step after commit, the page."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from marketplace.search import routes, sync  # noqa: E402,F401  (views and index listeners)
