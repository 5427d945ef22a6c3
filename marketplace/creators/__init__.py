"""Creators: profiles, price cards, feed-reported stats, public pages, eligibility."""
from flask import Blueprint

from marketplace.creators import formatting
from marketplace.money import format_money

bp = Blueprint("creators", __name__)
bp.add_app_template_filter(format_money, "money")
bp.add_app_template_filter(formatting.bps, "bps")
bp.add_app_template_filter(formatting.count, "count")
bp.add_app_template_filter(formatting.day, "day")

from marketplace.creators import routes  # noqa: E402,F401
