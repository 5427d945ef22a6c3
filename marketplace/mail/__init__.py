"""Mail: messages that services queue inside a transaction go out once it commits.

Services call :func:`queue_mail` (never SMTP directly): a rolled-back action sends nothing,
and a mail that cannot be delivered is logged without undoing the action. :func:`deliver`
sends one message (a plain dict, so a work queue can store it) through SMTP, or writes it to
the log when ``PAPPUS_MAIL_HOST`` is empty (development). :func:`render` builds a message's
text and HTML from templates in the recipient's language; :func:`external_url` links back.
"""
from marketplace.mail.after_commit import queue_mail, wait_for_deliveries
from marketplace.mail.compose import recipient_locale, render
from marketplace.mail.delivery import build_message, deliver
from marketplace.mail.links import external_url

__all__ = ["queue_mail", "deliver", "build_message", "render", "recipient_locale",
           "wait_for_deliveries", "external_url"]
