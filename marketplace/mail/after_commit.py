"""The hand-off behind :func:`queue_mail`: a ``mail.send`` item in the durable outbox.

The item is written in the same transaction as the action that sends the mail, so a rollback
sends nothing and a crash right after the commit delays the mail until the next sweep instead
of losing it. It is delivered on a background thread after the commit, so a slow or failing
SMTP server neither delays the response nor undoes the action, and a response takes as long
whether or not a mail was sent (the reset page must not reveal which addresses have
accounts). A delivery that fails is logged and retried by the outbox with backoff.
"""
from __future__ import annotations

from flask import current_app

from marketplace import outbox
from marketplace.mail.delivery import deliver

SEND = "mail.send"


def queue_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """Send this mail once the current transaction commits (never if it rolls back)."""
    outbox.add(SEND, {"to": to, "subject": subject, "text": text, "html": html})


@outbox.handler(SEND, background=True)
def _send(message: dict) -> None:
    try:
        deliver(message)
    except Exception:
        current_app.logger.exception("mail %r to %s was not delivered; it will be retried",
                                     message["subject"], message["to"])
        raise  # the outbox keeps the item and tries again later


def wait_for_deliveries(timeout: float = 10.0) -> None:
    """Block until every mail handed to a delivery thread has been tried (tests, CLI exit)."""
    outbox.wait_for_background(timeout)
