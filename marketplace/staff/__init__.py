"""Staff tools and the log of every staff action (who, what, when, why)."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from marketplace.staff import routes  # noqa: E402,F401
