"""Accounts: sign-up, log-in with throttling, log-out, password change, staff from the CLI."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from marketplace.auth import cli, routes  # noqa: E402,F401  (register views and commands)
