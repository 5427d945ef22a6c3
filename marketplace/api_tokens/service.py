"""API token rules: created by staff or from the CLI, shown once, stored hashed, revocable,
last use recorded. Every creation and revocation is in the audit trail, whoever did it.

The secret is random (256 bits), so a fast hash is enough: there is nothing to brute-force.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from marketplace import clock
from marketplace.api_tokens.models import ApiToken
from marketplace.audit_trail import command_line, entries_about, record, record_staff_action
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.extensions import db
from marketplace.web import after_response

# A token id is a database integer; longer digit runs are not ours (and would overflow).
_MAX_ID_DIGITS = 18


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, created_by=None) -> tuple[ApiToken, str]:
    """A new token and its plain text, which is never stored and so shown only this once.
    ``created_by`` is the staff user, or None from the command line."""
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
    record(created_by or command_line(), "api_token.create", "api_token", token.id, name=name)
    return token, f"pappus_{token.id}_{secret}"


def revoke_token(token: ApiToken, revoked_by=None, reason: str = "") -> None:
    """Revoke a token: by staff on the tokens page (a reason is required), or from the
    command line (``revoked_by`` None)."""
    if token.revoked_at is not None:
        raise Conflict(_("This token is already revoked."))
    if revoked_by is not None:
        record_staff_action(revoked_by, "api_token.revoke", "api_token", token.id, reason, name=token.name)
    else:
        record(command_line(), "api_token.revoke", "api_token", token.id, reason=reason, name=token.name)
    token.revoked_at = clock.now()
    db.session.flush()


def load_token(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("There is no API token %(id)s.", id=token_id))
    return token


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                             ApiToken.created_at.desc())))


def token_history(limit: int = 50) -> list:
    """What was done to any token (created, revoked), by whom, newest first."""
    return entries_about("api_token", limit)


def authenticate(header: str | None) -> ApiToken | None:
    """The active token a ``Authorization: Bearer ...`` header names, or None."""
    scheme, _sep, value = (header or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    prefix, _s1, rest = value.strip().partition("_")
    token_id, _s2, secret = rest.partition("_")
    if prefix != "pappus" or not token_id.isdigit() or len(token_id) > _MAX_ID_DIGITS or not secret:
        return None
    token = db.session.get(ApiToken, int(token_id))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    return token


# A token's last use is kept to the minute: reads never wait on (or contend for) a write.
USE_RECORD_INTERVAL = timedelta(minutes=1)


def record_use(token: ApiToken) -> None:
    """Note the token's last use, at most once a minute, after the response has gone out
    (outside a request: at once), in a transaction of its own: the request's own
    transaction stays one unit of work, a read stays a read, and nothing the request
    loaded is expired. The update is conditional, so workers racing write it once."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < USE_RECORD_INTERVAL:
        return
    token_id, cutoff = token.id, now - USE_RECORD_INTERVAL

    def write() -> None:
        with db.engine.begin() as conn:
            conn.execute(update(ApiToken).where(
                ApiToken.id == token_id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= cutoff),
            ).values(last_used_at=now))

    after_response(write)
