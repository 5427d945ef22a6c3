"""Filings (报备): commercial notes tied to an order and a brand, with public receipts."""
from flask import Blueprint

bp = Blueprint("filings", __name__)

from marketplace.filings import routes  # noqa: E402,F401  (register views)
