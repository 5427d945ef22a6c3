"""Telling users things: :func:`notify` (a row now, a mail after the commit), the page's
list, the navigation's unread count, and marking read.

``notify`` only adds to the caller's transaction: the row and the mail's outbox item commit
with the caller's change or vanish with it. The mail is written in the recipient's own
language (their saved choice, else the site default; never the language of whoever caused
it) and delivered by the outbox after the commit; a delivery that fails is logged and retried
there, and never undoes the caller's change.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace import clock, mail
from marketplace.auth.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.money import format_money
from marketplace.notifications import kinds
from marketplace.notifications.models import Notification

log = logging.getLogger(__name__)


class _Blank(dict):
    """Fills a placeholder a row lacks with a dash instead of failing (old rows, new kinds)."""

    def __missing__(self, key):
        return "—"


def _stored(value):
    """A value as kept in the params JSON: money as cents and currency, the rest as is."""
    if hasattr(value, "cents") and hasattr(value, "currency"):
        return kinds.money_value(value.cents, value.currency)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _shown(value) -> str:
    if isinstance(value, dict) and set(value) == {"cents", "currency"}:
        return format_money(value["cents"], value["currency"])
    return "" if value is None else str(value)


def language_of(user: User) -> str:
    """The recipient's language: their saved choice, else the site's default."""
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def sentence(notification: Notification) -> str:
    """The notification's sentence in the current language (the page's, or a forced one)."""
    return _fill(kinds.get(notification.kind).sentence, notification.params)


def subject(notification: Notification) -> str:
    return _fill(kinds.get(notification.kind).subject, notification.params)


def _fill(text, params: dict) -> str:
    try:
        return str(text) % _Blank({k: _shown(v) for k, v in (params or {}).items()})
    except (TypeError, ValueError):  # a translation with a broken placeholder
        return str(text)


def _absolute(link: str | None) -> str | None:
    if not link:
        return None
    base = current_app.config["BASE_URL"].rstrip("/")
    if base:
        return base + link
    if has_request_context():
        return request.host_url.rstrip("/") + link
    return link


def notify(user: User, kind: str, *, link: str | None = None, **values) -> Notification:
    """Tell ``user`` about something: a ``kind`` from ``kinds.KINDS`` filled with ``values``
    (text, numbers, or ``Money``), linking to ``link`` (a path such as ``/orders/7``).

    Adds the row to the caller's transaction (commit is the caller's) and queues a mail in
    the recipient's language, sent after the commit by the outbox. Raises LookupError for an
    unknown kind (a programming error); never raises because of the mail."""
    kinds.get(kind)
    notification = Notification(user_id=user.id, kind=kind, link=link,
                                params={k: _stored(v) for k, v in values.items()}, created_at=clock.now())
    db.session.add(notification)
    db.session.flush()
    try:
        _queue_mail(user, notification)
    except Exception:  # the row stays; the mail is not worth the caller's change
        log.exception("notification %s (%s) to user %s: the mail could not be queued",
                      notification.id, kind, user.id)
    return notification


def _queue_mail(user: User, notification: Notification) -> None:
    locale = language_of(user)
    with force_locale(locale):
        message = mail.render("notifications/mail", locale, lambda: subject(notification),
                              user=user, sentence=sentence(notification), link=_absolute(notification.link))
    mail.queue_mail(user.email, message["subject"], message["text"], message["html"])


# ---- the page and the navigation ------------------------------------------------------------

@dataclass
class NotificationPage:
    items: list[Notification]
    page: int
    per_page: int
    has_more: bool


def page_for(user: User, page: int = 1) -> NotificationPage:
    """The user's notifications, newest first, one page (one query; one row more tells
    whether an older page exists)."""
    per_page = current_app.config["NOTIFICATIONS_PER_PAGE"]
    page = max(1, page)
    rows = list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).offset((page - 1) * per_page).limit(per_page + 1)))
    return NotificationPage(rows[:per_page], page, per_page, len(rows) > per_page)


def unread_count(user_id: int) -> int:
    """How many the user has not read: one count on the (user_id, read_at) index."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is fine); anyone else's is "not found"."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("There is no such notification."))
    db.session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.read_at.is_(None))
        .values(read_at=clock.now()).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(notification)
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now()).execution_options(synchronize_session=False))
    return result.rowcount

