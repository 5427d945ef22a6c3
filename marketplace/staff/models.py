"""The staff action log: one row per change a staff member makes to anything."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class StaffAction(db.Model):
    __tablename__ = "staff_actions"
    __table_args__ = (Index("ix_staff_actions_subject", "subject_type", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))  # e.g. "brand.verify", "note.deindex"
    subject_type: Mapped[str] = mapped_column(String(32))  # e.g. "brand", "creator", "note"
    subject_id: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSON, default=dict)  # before/after values
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    actor: Mapped[User] = relationship(lazy="joined")
