"""The notifications table: one row per thing a user was told."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The page (newest first) and the navigation's unread count both read this index.
        Index("ix_notifications_user_read", "user_id", "read_at", "id"),
        Index("ix_notifications_user_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))  # a code in kinds.KINDS
    # The sentence's values, kept raw (money as cents and currency) so it is written in the
    # reader's language when shown.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(300))  # a path on this site, e.g. /orders/7
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
