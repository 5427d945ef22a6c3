"""Creators: profiles, price cards, feed-reported stats, public pages, eligibility."""
from flask import Blueprint

bp = Blueprint("creators", __name__)

from marketplace.creators import routes  # noqa: E402,F401
