"""The audit trail table: one row per recorded action, appended and never edited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class TrailEntry(db.Model):
    __tablename__ = "audit_trail"
    __table_args__ = (
        Index("ix_audit_trail_subject", "subject_type", "subject_id", "at"),
        Index("ix_audit_trail_actor", "actor_type", "actor_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Who: "user", "api_token", "cli", "scheduler", "detector"; the user's or token's id; and
    # how they were called at the time (a later rename must not rewrite the history).
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(120))
    # What: an action code ("brand.verify") and its parameters, for a translated sentence.
    action: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # To which object.
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    # Why, in the actor's words (required for staff changes).
    reason: Mapped[str] = mapped_column(Text, default="")
