"""The brief table. Money is integer cents with an ISO currency; dates are aware UTC."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.brands.models import BrandProfile
from marketplace.db_types import CategoryMask, UTCDateTime, Versioned, split_codes
from marketplace.extensions import db


class BriefState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Brief(CategoryMask, Versioned, db.Model):
    __tablename__ = "briefs"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'open', 'closed')", name="state_known"),
        CheckConstraint("deliverable IN ('image', 'video')", name="deliverable_known"),
        CheckConstraint("fee_mode IN ('fixed', 'quote')", name="fee_mode_known"),
        CheckConstraint("fee_mode = 'quote' OR fee_cents > 0", name="fixed_fee_positive"),
        CheckConstraint("slots > 0", name="slots_positive"),
        CheckConstraint("metrics_window_days > 0", name="metrics_window_positive"),
        CheckConstraint("bonus_per_1k_reads_cents IS NULL OR bonus_per_1k_reads_cents > 0",
                        name="bonus_positive"),
        Index("ix_briefs_state_apply_by", "state", "apply_by"),
        Index("ix_briefs_brand_state", "brand_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_profiles.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default=BriefState.DRAFT)
    title: Mapped[str] = mapped_column(String(120))
    product: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    must_include: Mapped[str] = mapped_column(Text, default="")  # one point per line
    must_avoid: Mapped[str] = mapped_column(Text, default="")
    categories_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    deliverable: Mapped[str] = mapped_column(String(8), default="image")
    fee_mode: Mapped[str] = mapped_column(String(8), default="fixed")  # "quote" = creator's quote
    fee_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    slots: Mapped[int] = mapped_column(default=1)
    min_followers: Mapped[int] = mapped_column(BigInteger, default=0)
    regions: Mapped[str] = mapped_column(String(255), default="")  # comma-separated codes
    apply_by: Mapped[datetime] = mapped_column(UTCDateTime)
    draft_due: Mapped[datetime] = mapped_column(UTCDateTime)
    publish_by: Mapped[datetime] = mapped_column(UTCDateTime)
    metrics_window_days: Mapped[int] = mapped_column(default=7)
    protection_days: Mapped[int] = mapped_column(default=30)
    bonus_per_1k_reads_cents: Mapped[int | None] = mapped_column(BigInteger)
    bonus_cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    brand: Mapped[BrandProfile] = relationship(lazy="joined")

    @property
    def region_list(self) -> list[str]:
        return split_codes(self.regions)

    @property
    def must_include_list(self) -> list[str]:
        return [line.strip() for line in (self.must_include or "").splitlines() if line.strip()]

    @property
    def must_avoid_list(self) -> list[str]:
        return [line.strip() for line in (self.must_avoid or "").splitlines() if line.strip()]

    @property
    def is_draft(self) -> bool:
        return self.state == BriefState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == BriefState.OPEN
