"""Creators: profiles, price cards, feed-reported stats, public pages, eligibility."""
from flask import Blueprint

from marketplace.creators import formatting

bp = Blueprint("creators", __name__)
bp.add_app_template_filter(formatting.money, "money")
bp.add_app_template_filter(formatting.bps, "bps")
bp.add_app_template_filter(formatting.count, "count")
bp.add_app_template_filter(formatting.day, "day")

from marketplace.creators import routes  # noqa: E402,F401
