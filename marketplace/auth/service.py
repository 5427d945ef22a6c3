"""Account rules: who may sign up, log in, change a password, pick a language.

Functions flush, never commit: the view or CLI command that calls them commits once. The
one exception is the throttle's reservation (``auth.throttle``), which must commit on its
own before a password is checked. Sessions live in ``auth.sessions``; password reset and
email confirmation in ``auth.recovery``.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import clock
from marketplace.auth import passwords, recovery, sessions, throttle
from marketplace.auth.lookup import find_user_by_email, normalize_email  # noqa: F401  (callers use service)
from marketplace.auth.models import Role, User
from marketplace.auth.passwords import hash_password  # noqa: F401  (demo seeders hash once)
from marketplace.errors import Invalid, Problems
from marketplace.extensions import db
from marketplace.transaction import refuse_duplicates

SELF_SERVICE_ROLES = (Role.CREATOR, Role.BRAND)


def _email_taken() -> Invalid:
    return Invalid(_("An account with this email already exists. Log in instead?"), field="email")


def account_problems(email: str, password: str, display_name: str) -> Problems:
    """Every rule a new account's values break, by field (the sign-up form shows them all)."""
    found = Problems()
    normalized = found.check(normalize_email, email)
    if normalized is not None and find_user_by_email(normalized) is not None:
        found.add("email", _email_taken().reason)
    found.check(passwords.check_rules, password)
    if not (display_name or "").strip():
        found.add("display_name", _("Tell us the name to show on Pappus."))
    return found


def signup_problems(email: str, password: str, display_name: str, role: str) -> Problems:
    found = Problems()
    if role not in SELF_SERVICE_ROLES:
        found.add("role", _("Choose whether you are a creator or a brand."))
    found.update((k, v) for k, v in account_problems(email, password, display_name).items() if k not in found)
    return found


def create_user(email: str, password: str, display_name: str, role: Role, *,
                verified: bool = False, locale: str | None = None) -> User:
    """A new account. ``verified``: its email address is known to be right (staff created by
    an operator, demo accounts); self-service accounts confirm theirs by mail."""
    account_problems(email, password, display_name).raise_first()
    email = normalize_email(email)
    display_name = display_name.strip()
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name,
        role=Role(role),
        locale=locale if locale in current_app.config["LANGUAGES"] else None,
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


# Two sign-ups with one email at once: the second commit hits the unique constraint.
refuse_duplicates("uq_users_email", _email_taken)


def sign_up(email: str, password: str, display_name: str, role: str, *,
            locale: str | None = None, user_agent: str = "") -> User:
    """Self-service sign-up: the account, a mail with a link to confirm the address, and a
    log-in on this device (``user.session_key``). Staff come only from
    ``flask users create-staff``."""
    signup_problems(email, password, display_name, role).raise_first()
    user = create_user(email, password, display_name, Role(role), locale=locale)
    recovery.send_verification(user)
    sessions.open_session(user, user_agent)
    return user


def _throttle_key(email: str) -> str:
    # As typed (no account may exist), bounded to the column and free of NUL, which
    # PostgreSQL text refuses.
    return (email or "").replace("\x00", "").strip().lower()[:254]


def log_in(email: str, password: str, address: str, user_agent: str = "") -> User:
    """The user these credentials belong to, with a new session on this device
    (``user.session_key``); or a refusal (:class:`Throttled`, :class:`Invalid`).
    Every attempt is reserved before the password is checked (``auth.throttle``)."""
    email = _throttle_key(email)
    throttle.reserve(email, (address or "unknown")[:64])
    user = find_user_by_email(email)
    if not passwords.matches(user.password_hash if user else None, password):
        raise Invalid(_("That email and password do not match an account."))
    throttle.succeeded(email)
    sessions.open_session(user, user_agent)
    return user


def change_password(user: User, current: str, new: str, address: str) -> None:
    """A new password, after the current one, checked and throttled like a log-in. Every
    other device is logged out; this one (``user.session_key``) stays in."""
    passwords.check_rules(new, field="new_password")  # before any hashing: cheap refusals first
    throttle.reserve(_throttle_key(user.email), (address or "unknown")[:64])
    if not passwords.matches(user.password_hash, current):
        raise Invalid(_("Your current password is not right."), field="current_password")
    throttle.succeeded(_throttle_key(user.email))
    user.password_hash = hash_password(new)
    sessions.end_all_sessions(user, keep=user.session_key)
    db.session.flush()


def log_out(user: User) -> None:
    sessions.end_session(user.session_key)


def log_out_everywhere(user: User) -> None:
    sessions.end_all_sessions(user)


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise Invalid(_("That language is not available."))
    user.locale = locale
    db.session.flush()


def count_users_by_role() -> dict[str, int]:
    rows = db.session.execute(select(User.role, func.count()).group_by(User.role)).all()
    return {role: n for role, n in rows}
