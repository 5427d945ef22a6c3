"""Brand tables. A brand profile belongs to exactly one user with the brand role."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.db_types import UTCDateTime, Versioned
from marketplace.extensions import db


class BrandProfile(Versioned, db.Model):
    __tablename__ = "brand_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    company_name: Mapped[str] = mapped_column(String(120))
    website: Mapped[str] = mapped_column(String(255), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Other names the brand goes by (product lines, Chinese names, old names), which the
    # undisclosed-ad detector also looks for; staff edit them.
    aliases: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # Audit standing, kept by the cases area: live violation points, and the end of the
    # block on opening briefs that reaching BRAND_VIOLATION_LIMIT starts.
    violation_points: Mapped[int] = mapped_column(default=0, server_default="0")
    briefs_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def is_blocked_from_briefs(self, at: datetime | None = None) -> bool:
        return self.briefs_blocked_until is not None and self.briefs_blocked_until > (at or clock.now())
