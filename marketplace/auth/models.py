"""Account tables: users, their log-in sessions, and the attempts and mail requests that
throttling counts."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.audit_trail import Actor
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class Role(enum.StrEnum):
    CREATOR = "creator"
    BRAND = "brand"
    STAFF = "staff"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('creator', 'brand', 'staff')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(16))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    # The log-in session this object was loaded for (auth.sessions sets it); not a column.
    session_key = None

    def get_id(self) -> str:
        """What Flask-Login stores in the session and the remember cookie: the key of a
        server-side session record, so deleting the record ends that log-in everywhere."""
        if not self.session_key:
            raise RuntimeError("open a session (auth.sessions.open_session) before login_user")
        return self.session_key

    # UserMixin compares get_id(); users are the same user whichever session loaded them.
    def __eq__(self, other):
        if isinstance(other, User):
            return self.id is not None and self.id == other.id
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def trail_actor(self) -> Actor:
        return Actor("user", self.id, self.display_name, is_staff=self.is_staff)

    @property
    def is_creator(self) -> bool:
        return self.role == Role.CREATOR

    @property
    def is_brand(self) -> bool:
        return self.role == Role.BRAND

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role} {self.email}>"


class UserSession(db.Model):
    """One log-in on one device. The browser holds the key (in its session or remember
    cookie); we keep only its SHA-256, so a copy of the table logs nobody in."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class LoginAttempt(db.Model):
    """A log-in (or current-password check) that was tried and has not succeeded, kept for
    the throttling window so it counts across web workers. Written before the password is
    checked, so parallel attempts see each other (auth.throttle)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailRequest(db.Model):
    """A password-reset or email-confirmation mail asked for, whether or not an account has
    that address: counted per address so nobody can flood an inbox, and recorded alike for
    unknown addresses so the reset page behaves the same either way."""

    __tablename__ = "mail_requests"
    __table_args__ = (
        CheckConstraint("kind IN ('reset', 'verify')", name="kind_known"),
        Index("ix_mail_requests_email_at", "email", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
