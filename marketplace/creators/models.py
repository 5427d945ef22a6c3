"""Creator tables. A creator profile belongs to exactly one user with the creator role."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class CreatorProfile(db.Model):
    __tablename__ = "creator_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    # Marketplace standing, set by staff and the audit strike ladder.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    banned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.user.display_name

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    def is_suspended(self, at: datetime | None = None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (at or clock.now())
