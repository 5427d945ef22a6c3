"""Sending one message: SMTP with the configured security, or the log in development."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app

from marketplace import clock

SECURITY_MODES = ("starttls", "ssl", "none")


def build_message(message: dict, sender: str) -> EmailMessage:
    """An RFC 5322 message: plain text, plus an HTML alternative when the dict has one.
    Header values with line breaks are refused by the email package (no header injection)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message["to"]
    mail["Subject"] = message["subject"]
    mail["Date"] = format_datetime(clock.now())
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message["text"])
    if message.get("html"):
        mail.add_alternative(message["html"], subtype="html")
    return mail


def deliver(message: dict) -> None:
    """Send ``{"to", "subject", "text", "html"}`` now. Raises when the server refuses or
    cannot be reached, so a caller that can retry (an outbox) knows it failed."""
    config = current_app.config
    mail = build_message(message, config["MAIL_FROM"])
    host = config["MAIL_HOST"]
    if not host:
        current_app.logger.warning(
            "Mail not sent (PAPPUS_MAIL_HOST is empty); it would have been:\n"
            "To: %s\nSubject: %s\n\n%s", message["to"], message["subject"], message["text"])
        return
    security = config["MAIL_SECURITY"].lower()
    if security not in SECURITY_MODES:
        raise ValueError(f"PAPPUS_MAIL_SECURITY must be one of {SECURITY_MODES}, got {security!r}")
    port, timeout = config["MAIL_PORT"], config["MAIL_TIMEOUT_SECONDS"]
    if security == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        server.send_message(mail)
