"""The ledger: the one module that owns money records (double entry, append-only).

``service`` is the API every other area calls (top-ups, holds, releases, refunds,
settlements, payouts, reversals, balances); ``books`` is the booking core under it;
``verify`` checks the books; ``routes`` are the staff pages under /staff/ledger.
"""
from flask import Blueprint

bp = Blueprint("ledger", __name__, url_prefix="/staff/ledger")

from marketplace.ledger import guard, routes  # noqa: E402,F401  (guard: triggers on create_all)
