"""Staff pages: verify brands, correct creators' reach, file and de-index notes, API tokens.

The log of what staff did is the audit trail (:mod:`marketplace.audit_trail`), below every area."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from marketplace.staff import routes  # noqa: E402,F401
