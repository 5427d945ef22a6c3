"""Links by mail: confirming an email address, and resetting a forgotten password.

Links carry a signed, timestamped token (itsdangerous, timed by ``marketplace.clock``).
A reset token also carries a fingerprint of the password hash it was issued against, so it
works once: the new password changes the hash. Asking for a reset looks and costs the same
whether or not an account has the address. Each address gets at most
``ACCOUNT_MAILS_PER_HOUR`` mails of a kind, so nobody can flood someone's inbox.
"""
from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, select

from marketplace import clock, mail
from marketplace.auth import passwords, sessions, throttle
from marketplace.auth.lookup import find_user_by_email, normalize_email
from marketplace.auth.models import MailRequest, User
from marketplace.errors import Conflict, Invalid, NotAllowed
from marketplace.extensions import db

RESET = "reset"
VERIFY = "verify"
_SALTS = {RESET: "pappus.password-reset", VERIFY: "pappus.email-verify"}
_MAX_TOKEN_CHARS = 400


class _ClockSigner(TimestampSigner):
    """Timestamps from ``marketplace.clock``, so tests move time instead of sleeping."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _serializer(kind: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALTS[kind], signer=_ClockSigner)


def _max_age(kind: str) -> int:
    config = current_app.config
    if kind == RESET:
        return config["PASSWORD_RESET_MINUTES"] * 60
    return config["EMAIL_VERIFY_DAYS"] * 86400


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _load(kind: str, token: str) -> list | None:
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    try:
        payload = _serializer(kind).loads(token, max_age=_max_age(kind))
    except BadData:  # tampered, expired or malformed: all the same to the user
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    return payload


# ---- how many mails an address may be sent -------------------------------------------------

def _mail_wait_seconds(kind: str, email: str) -> int:
    """0 when another mail of this kind may go to ``email``; else seconds until it may."""
    limit = current_app.config["ACCOUNT_MAILS_PER_HOUR"]
    since = clock.now() - timedelta(hours=1)
    recent = db.session.scalars(
        select(MailRequest.at).where(MailRequest.kind == kind, MailRequest.email == email,
                                     MailRequest.at > since)
        .order_by(MailRequest.at.desc()).limit(limit)).all()
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + timedelta(hours=1) - clock.now()).total_seconds()))


def _record_mail_request(kind: str, email: str) -> None:
    db.session.execute(delete(MailRequest).where(
        MailRequest.at <= clock.now() - timedelta(hours=1)))
    db.session.add(MailRequest(kind=kind, email=email, at=clock.now()))
    db.session.flush()


# ---- email confirmation --------------------------------------------------------------------

def _verification_mail(user: User, token: str) -> dict:
    link = mail.external_url("auth.confirm_email", token=token)
    return mail.render("auth/mail/verify", mail.recipient_locale(user),
                       _l("Confirm your email address for Pappus"),
                       user=user, link=link, days=current_app.config["EMAIL_VERIFY_DAYS"])


def send_verification(user: User) -> None:
    """Mail ``user`` a link that confirms their address (sent when the transaction commits)."""
    token = _serializer(VERIFY).dumps([user.id, user.email])
    _record_mail_request(VERIFY, user.email)
    mail.queue_mail(user.email, **_verification_mail(user, token))


def resend_verification(user: User) -> None:
    """Another confirmation link, unless the address is confirmed or has had its share."""
    if user.is_verified:
        raise Conflict(_("Your email address is already confirmed."))
    wait = _mail_wait_seconds(VERIFY, user.email)
    if wait:
        raise NotAllowed(_("We have sent you %(n)d links in the last hour. Check your inbox (and "
                           "spam folder), or ask again in %(minutes)d minutes.",
                           n=current_app.config["ACCOUNT_MAILS_PER_HOUR"],
                           minutes=math.ceil(wait / 60)))
    send_verification(user)


def confirm_email(token: str) -> User:
    """Mark the address in ``token`` confirmed (again is fine), or refuse an unusable link."""
    payload = _load(VERIFY, token)
    user = db.session.get(User, payload[0]) if payload else None
    if user is None or user.email != payload[1]:
        raise Invalid(_("This confirmation link does not work: it may have expired. Log in and "
                        "send a new one from your account page."))
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        db.session.flush()
    return user


# ---- password reset ------------------------------------------------------------------------

def reset_minutes() -> int:
    return current_app.config["PASSWORD_RESET_MINUTES"]


def _reset_mail(user: User | None, token: str, locale: str) -> dict:
    link = mail.external_url("auth.reset_password", token=token)
    return mail.render("auth/mail/reset", locale, _l("Reset your Pappus password"),
                       user=user, link=link, minutes=current_app.config["PASSWORD_RESET_MINUTES"])


def request_password_reset(raw_email: str) -> None:
    """Mail a reset link if an account has this address. The caller cannot tell whether one
    does: the same row is written, the same mail rendered, and the same page shown either way."""
    email = normalize_email(raw_email)
    if _mail_wait_seconds(RESET, email):
        return
    _record_mail_request(RESET, email)
    user = find_user_by_email(email)
    if user is None:
        # As much work as a real request (token, rendering), so timing does not tell.
        _reset_mail(None, _serializer(RESET).dumps([0, "0" * 16]), mail.recipient_locale())
        return
    token = _serializer(RESET).dumps([user.id, _password_fingerprint(user)])
    mail.queue_mail(user.email, **_reset_mail(user, token, mail.recipient_locale(user)))


def user_for_reset(token: str) -> User:
    """The account a reset link is for, or :class:`Invalid` when it has expired or was used."""
    payload = _load(RESET, token)
    user = db.session.get(User, payload[0]) if payload else None
    if user is None or _password_fingerprint(user) != payload[1]:
        raise Invalid(_("This reset link has expired or has already been used. Ask for a new one "
                        "below."))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link. The link stops working, every session of the
    account ends, its failed log-ins are forgotten, and its address counts as confirmed
    (the link reached it)."""
    user = user_for_reset(token)
    passwords.check_rules(new_password)
    user.password_hash = passwords.hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
    sessions.end_all_sessions(user)
    throttle.succeeded(user.email)
    db.session.flush()
    return user
