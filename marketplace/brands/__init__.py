"""Brands: company profiles and staff verification."""
from flask import Blueprint

bp = Blueprint("brands", __name__)

from marketplace.brands import routes  # noqa: E402,F401
