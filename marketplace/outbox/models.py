"""The outbox table: one row per piece of after-commit work not yet done."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db

PENDING, RUNNING, FAILED = "pending", "running", "failed"


class OutboxItem(db.Model):
    __tablename__ = "outbox_items"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'running', 'failed')", name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_items_due", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))  # e.g. "search.reindex", "uploads.remove"
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Not before this time (the backoff after a failed attempt).
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When a process took it; a "running" item far older than this lost its process.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
