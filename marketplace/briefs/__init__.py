"""Briefs: a brand's campaign (what, for whom, for how much, by when) and its life as
draft, open and closed."""
from flask import Blueprint

bp = Blueprint("briefs", __name__)

from marketplace.briefs import routes  # noqa: E402,F401
