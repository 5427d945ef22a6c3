"""Account tables: users and the log-in attempts that throttling counts."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.audit_trail import Actor
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class Role(enum.StrEnum):
    CREATOR = "creator"
    BRAND = "brand"
    STAFF = "staff"


def _new_nonce() -> str:
    return secrets.token_hex(8)


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
    # Part of the session id: rotating it on password change logs out every other session
    # and invalidates "remember me" cookies issued before.
    session_nonce: Mapped[str] = mapped_column(String(32), default=_new_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def rotate_sessions(self) -> None:
        self.session_nonce = _new_nonce()

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


class LoginAttempt(db.Model):
    """A failed log-in, kept briefly so throttling works across web workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
