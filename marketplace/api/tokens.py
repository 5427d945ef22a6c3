"""API tokens for machine clients (the data feed): created by staff, shown once, stored
hashed, revocable, last use recorded; and the ``require_token`` guard for API views.

A token is ``pappus_<id>_<secret>``; only a SHA-256 of the secret is stored. The secret is
random (256 bits), so a fast hash is enough: there is nothing to brute-force.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from functools import wraps
from typing import Callable

import click
from flask import g, jsonify, request
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.auth.models import User
from marketplace.db_types import UTCDateTime
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db

DATA_FEED = "data_feed"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None = CLI
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, created_by: User | None = None) -> tuple[ApiToken, str]:
    """A new token and its plain text, which is never stored and so shown only this once."""
    name = (name or "").strip()
    if not name:
        raise Invalid(_("Name the token after the client that will use it."), field="name")
    if len(name) > 80:
        raise Invalid(_("Keep the name under 80 characters."), field="name")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(name=name, secret_hash=_digest(secret), created_at=clock.now(),
                     created_by_id=created_by.id if created_by else None)
    db.session.add(token)
    db.session.flush()
    if created_by is not None:
        from marketplace.staff.service import record

        # The log keeps one language, whoever reads it later: no translation here.
        record(created_by, "api_token.create", "api_token", token.id, f"Created token {name}")
    return token, f"pappus_{token.id}_{secret}"


def revoke_token(token: ApiToken, revoked_by: User | None = None, reason: str = "") -> None:
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."))
    if revoked_by is not None:
        from marketplace.staff.service import record

        record(revoked_by, "api_token.revoke", "api_token", token.id, reason, name=token.name)
    token.revoked_at = clock.now()
    db.session.flush()


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                             ApiToken.created_at.desc())))


def token_history(limit: int = 50) -> list:
    """Staff actions on any token (created, revoked), newest first, for the tokens page."""
    from marketplace.staff.models import StaffAction

    return list(db.session.scalars(select(StaffAction).where(StaffAction.subject_type == "api_token")
                                   .order_by(StaffAction.at.desc(), StaffAction.id.desc()).limit(limit)))


def authenticate(header: str | None) -> ApiToken | None:
    """The active token a ``Authorization: Bearer ...`` header names, or None."""
    scheme, _sep, value = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    prefix, _s1, rest = value.strip().partition("_")
    token_id, _s2, secret = rest.partition("_")
    if prefix != "pappus" or not token_id.isdigit() or not secret:
        return None
    token = db.session.get(ApiToken, int(token_id))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    return token


def _unauthorized():
    response = jsonify(error=_("Send a valid API token: Authorization: Bearer <token>."))
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="pappus"'
    return response


def require_token(view: Callable) -> Callable:
    """Machine-only views: a valid, unrevoked bearer token or 401. Records the token's use."""

    @wraps(view)
    def guarded(*args, **kwargs):
        token = authenticate(request.headers.get("Authorization"))
        if token is None:
            return _unauthorized()
        token.last_used_at = clock.now()
        g.api_token = token
        return view(*args, **kwargs)

    guarded.audience = frozenset({DATA_FEED})
    return guarded


def token_or_session(*roles: str) -> Callable:
    """API views open to a bearer token or to a signed-in user of one of ``roles``.

    Cookies alone never reach state-changing API views: only GET views use this guard.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            header = request.headers.get("Authorization")
            if header:
                token = authenticate(header)
                if token is None:
                    return _unauthorized()
                token.last_used_at = clock.now()
                g.api_token = token
            elif not current_user.is_authenticated:
                return _unauthorized()
            elif current_user.role not in roles:
                return jsonify(error=_("Your account cannot use this endpoint.")), 403
            else:
                g.api_token = None
            return view(*args, **kwargs)

        guarded.audience = frozenset({DATA_FEED, *roles})
        return guarded

    return decorate


api_tokens_cli = AppGroup("api-tokens", help="API tokens for the data feed.")


@api_tokens_cli.command("create")
@click.argument("name")
def create_command(name: str) -> None:
    """Create a token called NAME and print it (shown only once)."""
    token, plain = create_token(name)
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) — store it now, it is not shown again:")
    click.echo(plain)


@api_tokens_cli.command("list")
def list_command() -> None:
    """List tokens: id, name, created, last used, revoked."""
    for token in list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        click.echo(f"{token.id:>4}  {token.name:<30} {token.created_at:%Y-%m-%d}  {used:<16}  {state}")


@api_tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No token {token_id}.")
    revoke_token(token)
    db.session.commit()
    click.echo(f"Revoked token {token.id} ({token.name}).")
