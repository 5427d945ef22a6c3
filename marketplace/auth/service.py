"""Account rules: who may sign up, log in, change a password; throttling of failed log-ins.

Functions flush, never commit: the view or CLI command that calls them commits once.
"""
from __future__ import annotations

import math
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace import clock
from marketplace.auth.models import LoginAttempt, Role, User
from marketplace.errors import DomainError, Invalid, Problems
from marketplace.extensions import db

SELF_SERVICE_ROLES = (Role.CREATOR, Role.BRAND)


class Throttled(DomainError):
    status = 429

    def __init__(self, seconds: int):
        self.seconds = seconds
        super().__init__(
            _("Too many failed log-ins. Try again in %(n)d seconds.", n=seconds)
        )


def normalize_email(raw: str) -> str:
    """A canonical, lower-case address, or :class:`Invalid` saying what is wrong with it."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Enter a valid email address, like name@example.com."), field="email")
    return result.normalized.lower()


def hash_password(password: str) -> str:
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def check_password_rules(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise Invalid(
            _("Use at least %(n)d characters for your password.", n=minimum), field=field
        )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def account_problems(email: str, password: str, display_name: str) -> Problems:
    """Every rule a new account's values break, by field (the sign-up form shows them all)."""
    found = Problems()
    normalized = found.check(normalize_email, email)
    if normalized is not None and find_user_by_email(normalized) is not None:
        found.add("email", _("An account with this email already exists. Log in instead?"))
    found.check(check_password_rules, password)
    if not (display_name or "").strip():
        found.add("display_name", _("Tell us the name to show on Pappus."))
    return found


def signup_problems(email: str, password: str, display_name: str, role: str) -> Problems:
    found = Problems()
    if role not in SELF_SERVICE_ROLES:
        found.add("role", _("Choose whether you are a creator or a brand."))
    found.update((k, v) for k, v in account_problems(email, password, display_name).items() if k not in found)
    return found


def create_user(email: str, password: str, display_name: str, role: Role) -> User:
    account_problems(email, password, display_name).raise_first()
    email = normalize_email(email)
    display_name = display_name.strip()
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name,
        role=Role(role),
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, password: str, display_name: str, role: str) -> User:
    """Self-service sign-up; staff accounts come only from ``flask users create-staff``."""
    signup_problems(email, password, display_name, role).raise_first()
    return create_user(email, password, display_name, Role(role))


def _failures_since(email: str, address: str):
    since = clock.now() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    return since, [
        select(LoginAttempt.at).where(LoginAttempt.email == email, LoginAttempt.at > since),
        select(LoginAttempt.at).where(LoginAttempt.address == address, LoginAttempt.at > since),
    ]


def seconds_until_allowed(email: str, address: str) -> int:
    """0 when a log-in may be tried; else how long until the oldest counted failure ages out."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    _since, queries = _failures_since(email, address)
    wait = 0
    for query in queries:
        recent = db.session.scalars(query.order_by(LoginAttempt.at.desc()).limit(limit)).all()
        if len(recent) >= limit:
            # Allowed again once the limit-th most recent failure leaves the window.
            remaining = (recent[-1] + window - clock.now()).total_seconds()
            wait = max(wait, math.ceil(remaining))
    return max(wait, 0)


def _record_failure(email: str, address: str) -> None:
    since, _queries = _failures_since(email, address)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at <= since))
    db.session.add(LoginAttempt(email=email, address=address, at=clock.now()))
    db.session.flush()


# Checked against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("pappus-timing-equaliser", method="scrypt:16384:8:1")


def authenticate(email: str, password: str, address: str) -> User:
    """The user these credentials belong to, or a refusal. Failures are recorded (flushed)."""
    email = (email or "").strip().lower()
    address = address or "unknown"
    wait = seconds_until_allowed(email, address)
    if wait:
        raise Throttled(wait)
    user = find_user_by_email(email)
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not ok:
        _record_failure(email, address)
        raise Invalid(_("That email and password do not match an account."))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid(_("Your current password is not right."), field="current_password")
    check_password_rules(new, field="new_password")
    user.password_hash = hash_password(new)
    user.rotate_sessions()
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("That language is not available."))
    user.locale = locale
    db.session.flush()


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>:<nonce>"``; a stale nonce means logged out."""
    user_id, _sep, nonce = (session_id or "").partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce:
        return None
    return user


def count_users_by_role() -> dict[str, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    return {role: n for role, n in rows}
