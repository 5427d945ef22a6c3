"""Notes: creators publish, edit and delete posts with images; public pages and the home feed."""
from flask import Blueprint

bp = Blueprint("notes", __name__)

from marketplace.notes import routes  # noqa: E402,F401  (register views)
