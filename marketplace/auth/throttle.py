"""Throttling of password guesses: per account, and per network address at a much higher limit.

An attempt is *reserved* before the password is checked: a row is written and committed on
its own connection, then counted. Every reservation's count runs after its own commit, so
it sees every reservation committed before it: of any number of attempts arriving at once,
at most the limit find themselves within it and go on to check a password; the rest are
refused without hashing. (Checking first and recording after let 40 parallel wrong log-ins
test 16-19 passwords against a limit of 5.)

The reservation commits on its own because it must outlive the caller's transaction, which
rolls back when the password is wrong, and must be visible to parallel requests while the
password is being checked. A success removes the account's attempts.
"""
from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from marketplace import clock
from marketplace.auth.models import LoginAttempt
from marketplace.errors import DomainError
from marketplace.extensions import db


class Throttled(DomainError):
    status = 429

    def __init__(self, seconds: int, per_address: bool = False):
        self.seconds = seconds
        if per_address:
            reason = _("Too many failed log-ins from your network. Try again in %(n)d seconds.",
                       n=seconds)
        else:
            reason = _("Too many failed log-ins. Try again in %(n)d seconds.", n=seconds)
        super().__init__(reason)


def _limits() -> tuple[int, int, timedelta]:
    config = current_app.config
    return (config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            timedelta(seconds=config["LOGIN_WINDOW_SECONDS"]))


def _refusal(conn, email: str, address: str, allowed_extra: int) -> Throttled | None:
    """A refusal when the account or the address has more than its limit minus
    ``allowed_extra`` attempts in the window, saying when the oldest counted one ages out."""
    per_account, per_address, window = _limits()
    now = clock.now()
    since = now - window
    for column, value, limit, is_address in ((LoginAttempt.email, email, per_account, False),
                                             (LoginAttempt.address, address, per_address, True)):
        recent = conn.scalars(
            select(LoginAttempt.at).where(column == value, LoginAttempt.at > since)
            .order_by(LoginAttempt.at.desc()).limit(limit + allowed_extra)).all()
        if len(recent) > limit - 1 + allowed_extra:
            # Allowed again once the limit-th most recent attempt leaves the window.
            oldest_counted = recent[limit - 1]
            wait = max(1, math.ceil((oldest_counted + window - now).total_seconds()))
            return Throttled(wait, per_address=is_address)
    return None


def reserve(email: str, address: str) -> None:
    """Claim one password check for this account and address, or raise :class:`Throttled`.

    Commits on its own connection (see the module docstring); the caller's transaction is
    untouched. Call it before the caller writes anything: SQLite allows one writer at a time."""
    _per_account, _per_address, window = _limits()
    with db.engine.begin() as conn:
        refusal = _refusal(conn, email, address, allowed_extra=0)  # cheap early refusal
        if refusal:
            raise refusal
        conn.execute(delete(LoginAttempt).where(LoginAttempt.at <= clock.now() - window))
        attempt_id = conn.execute(insert(LoginAttempt).values(
            email=email, address=address, at=clock.now())).inserted_primary_key[0]
    with db.engine.begin() as conn:
        refusal = _refusal(conn, email, address, allowed_extra=1)
        if refusal:
            # Over the limit by a parallel attempt: give the slot back, so refused
            # attempts never lengthen the pause.
            conn.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
            raise refusal


def succeeded(email: str) -> None:
    """The account's password was right: its failures no longer count. Flushes (the
    caller's transaction commits it with the log-in)."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.flush()
