"""The queue behind :func:`queue_mail`: held on the database session, sent after commit.

Messages wait in ``session.info`` until the transaction commits, then go out on a background
thread, so a slow or failing SMTP server neither delays the response nor undoes the action,
and the response takes as long whether or not a mail was sent (the reset page must not
reveal which addresses have accounts). A rollback drops them. Not durable: a crash right
after the commit loses the mail; a transactional outbox will take over the hand-off, calling
the same :func:`marketplace.mail.delivery.deliver` per message.
"""
from __future__ import annotations

import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db

_PENDING = "pappus.mail.pending"
_in_flight: set[threading.Thread] = set()
_lock = threading.Lock()


def queue_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send this mail once the current transaction commits (never if it rolls back)."""
    message = {"to": to, "subject": subject, "text": text, "html": html}
    db.session.info.setdefault(_PENDING, []).append(message)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session):
    messages = session.info.pop(_PENDING, None)
    if messages and has_app_context():
        _start(current_app._get_current_object(), messages)


@event.listens_for(Session, "after_transaction_end")
def _drop_unsent(session, transaction):
    # after_commit has already taken the messages of a committed transaction; whatever is
    # left when the outermost transaction ends was rolled back (or the session closed).
    # Mail queued inside a savepoint that rolls back is kept until the outer transaction ends.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _start(app: Flask, messages: list[dict]) -> None:
    thread = threading.Thread(target=_deliver_all, args=(app, messages), name="pappus-mail")
    with _lock:
        _in_flight.add(thread)
    thread.start()


def _deliver_all(app: Flask, messages: list[dict]) -> None:
    from marketplace.mail.delivery import deliver

    try:
        with app.app_context():
            for message in messages:
                try:
                    deliver(message)
                except Exception:  # the action is committed; a lost mail is logged, not raised
                    app.logger.exception("mail %r to %s was not delivered",
                                         message["subject"], message["to"])
    finally:
        with _lock:
            _in_flight.discard(threading.current_thread())


def wait_for_deliveries(timeout: float = 10.0) -> None:
    """Block until every mail handed to a delivery thread has been tried (tests, CLI exit)."""
    with _lock:
        threads = list(_in_flight)
    for thread in threads:
        thread.join(timeout)
