"""Server-side log-in sessions: a record per device, checked as the user is loaded.

The browser's session and remember cookies carry a random key; the table keeps its SHA-256.
Loading the signed-in user is one indexed join on that hash (the same single query a plain
user load would be), so a copied cookie stops working the moment its record is deleted: at
log-out, "log out everywhere", a password change (other devices) or a password reset (all).
Records older than ``SESSION_MAX_DAYS`` no longer load, and are pruned at the next log-in.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from marketplace import clock
from marketplace.auth.models import User, UserSession
from marketplace.extensions import db


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _oldest_valid():
    return clock.now() - timedelta(days=current_app.config["SESSION_MAX_DAYS"])


def open_session(user: User, user_agent: str = "") -> str:
    """Start a log-in for ``user`` on one device and return its key (also set on the user,
    so ``login_user`` stores it). Flushes."""
    key = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.created_at <= _oldest_valid()))
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(key),
                               user_agent=(user_agent or "")[:200], created_at=clock.now()))
    db.session.flush()
    user.session_key = key
    return key


def load_user(key: str) -> User | None:
    """Flask-Login's loader: the user whose live session has this key, else ``None`` (logged out)."""
    if not key or len(key) > 100:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.key_hash == _digest(key), UserSession.created_at > _oldest_valid()))
    if user is not None:
        user.session_key = key
    return user


def end_session(key: str | None) -> None:
    """Log out one device: its cookies, and every copy of them, stop working."""
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _digest(key)))
        db.session.flush()


def end_all_sessions(user: User, keep: str | None = None) -> None:
    """Log ``user`` out everywhere, except the session with key ``keep`` when given."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.key_hash != _digest(keep))
    db.session.execute(query)
    db.session.flush()


def sessions_of(user: User) -> list[UserSession]:
    """The user's live log-ins, newest first (for the account page)."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id,
                                  UserSession.created_at > _oldest_valid())
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def is_current(record: UserSession, user: User) -> bool:
    return bool(user.session_key) and record.key_hash == _digest(user.session_key)


# Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari", Android says "Linux".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_device(user_agent: str) -> tuple[str | None, str | None]:
    """(browser, system) named from a User-Agent header, each ``None`` when unrecognised."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    return browser, system
