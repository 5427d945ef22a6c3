"""A real SMTP server on loopback that keeps every message it receives (aiosmtpd), for
tests of mail: the app sends through smtplib exactly as it would in production."""
from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def to(self) -> str:
        return self.message["To"]

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str | None:
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else None


class SmtpSink:
    def __init__(self):
        self.messages: list[Received] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.original_content or envelope.content,
                                          policy=email.policy.default)
        with self._changed:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpSink":
        with socket.socket() as probe:  # a free loopback port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Received]:
        """The messages, once at least ``count`` have arrived (fails after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} mail(s), got {len(self.messages)}")
                self._changed.wait(left)
            return list(self.messages)

    def settings(self) -> dict:
        """App config that sends mail here."""
        return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SECURITY": "none",
                "MAIL_USERNAME": "", "MAIL_PASSWORD": ""}
