"""Accounts: sign-up, log-in with throttling, server-side sessions, password change and reset,
email confirmation, staff from the CLI."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from marketplace.auth import cli, recovery_routes, routes  # noqa: E402,F401  (views, commands)
