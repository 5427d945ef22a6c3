"""Finding an account by its email address, and the one canonical form of an address.

Below both ``service`` (sign-up, log-in) and ``recovery`` (reset, confirmation), which use it.
"""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.errors import Invalid
from marketplace.extensions import db


def normalize_email(raw: str) -> str:
    """A canonical, lower-case address, or :class:`Invalid` saying what is wrong with it."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Enter a valid email address, like name@example.com."), field="email")
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))
