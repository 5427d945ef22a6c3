"""Creator tables. A creator profile belongs to exactly one user with the creator role.

Reach (followers, engagement, audience) is denormalised onto the profile because matching
ranks 100,000 creators in one indexed query; every value carries its "as of" time and its
source, and only the data feed or staff write it (``creators.stats``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, String, Text, and_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.db_types import CategoryMask, UTCDateTime, Versioned, split_codes
from marketplace.extensions import db


class CreatorProfile(CategoryMask, Versioned, db.Model):
    __tablename__ = "creator_profiles"
    __table_args__ = (
        CheckConstraint("follower_count >= 0", name="followers_not_negative"),
        CheckConstraint("engagement_bps >= 0", name="engagement_not_negative"),
        CheckConstraint("image_quote_cents IS NULL OR image_quote_cents > 0", name="image_quote_positive"),
        CheckConstraint("video_quote_cents IS NULL OR video_quote_cents > 0", name="video_quote_positive"),
        Index("ix_creator_profiles_region", "region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    handle: Mapped[str] = mapped_column(String(32), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_filename: Mapped[str | None] = mapped_column(String(64))
    # Bit i set = config.CATEGORIES[i]; the taxonomy is append-only for this reason.
    categories_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    region: Mapped[str] = mapped_column(String(32), default="")
    languages: Mapped[str] = mapped_column(String(64), default="")  # comma-separated codes

    # Price card: integer cents in one ISO currency; NULL quote = format switched off.
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    image_quote_cents: Mapped[int | None] = mapped_column(BigInteger)
    video_quote_cents: Mapped[int | None] = mapped_column(BigInteger)
    accepting_orders: Mapped[bool] = mapped_column(Boolean, default=False)

    # Reach, from the data feed or staff only.
    follower_count: Mapped[int] = mapped_column(BigInteger, default=0)
    followers_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followers_source: Mapped[str] = mapped_column(String(16), default="")  # "feed" | "staff"
    engagement_bps: Mapped[int] = mapped_column(default=0)  # 345 = 3.45%
    engagement_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[dict] = mapped_column(JSON, default=dict)  # {"age": {}, "gender": {}, "regions": {}}
    audience_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The audience's three largest regions, copied out of ``audience`` so SQL can score fit.
    audience_region_1: Mapped[str] = mapped_column(String(32), default="")
    audience_share_1: Mapped[int] = mapped_column(default=0)  # percent
    audience_region_2: Mapped[str] = mapped_column(String(32), default="")
    audience_share_2: Mapped[int] = mapped_column(default=0)
    audience_region_3: Mapped[str] = mapped_column(String(32), default="")
    audience_share_3: Mapped[int] = mapped_column(default=0)

    # Order history, kept by the orders area; used by ranking (on-time record, strikes).
    orders_completed: Mapped[int] = mapped_column(default=0)
    orders_on_time: Mapped[int] = mapped_column(default=0)
    strike_count: Mapped[int] = mapped_column(default=0)

    # Readiness to be paid, set by the payments area (connected account, identity check).
    payouts_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    identity_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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

    @property
    def language_list(self) -> list[str]:
        return split_codes(self.languages)

    def quote_for(self, deliverable: str) -> int | None:
        return self.image_quote_cents if deliverable == "image" else self.video_quote_cents

    @property
    def on_time_percent(self) -> int | None:
        if not self.orders_completed:
            return None
        return round(100 * self.orders_on_time / self.orders_completed)


def quote_column(deliverable: str):
    """The price-card column for a deliverable, in SQL (``CreatorProfile.quote_for`` in Python)."""
    return CreatorProfile.video_quote_cents if deliverable == "video" else CreatorProfile.image_quote_cents


# Matching ranks 100,000 creators per request. This partial index holds only creators who
# are ready to take orders, with every column the eligibility filter and the score read, so
# the ranking query scans one narrow index instead of the wide table (benchmarks/matching.py:
# about 5x faster on SQLite). The query repeats the WHERE terms, which lets the planner use it.
_READY = and_(CreatorProfile.accepting_orders.is_(True), CreatorProfile.followers_as_of.is_not(None),
              CreatorProfile.payouts_ready_at.is_not(None), CreatorProfile.identity_confirmed_at.is_not(None),
              CreatorProfile.banned_at.is_(None))
Index(
    "ix_creator_profiles_ready_to_match",
    CreatorProfile.categories_mask, CreatorProfile.follower_count, CreatorProfile.suspended_until,
    CreatorProfile.currency, CreatorProfile.image_quote_cents, CreatorProfile.video_quote_cents,
    CreatorProfile.engagement_bps, CreatorProfile.audience_region_1, CreatorProfile.audience_share_1,
    CreatorProfile.audience_region_2, CreatorProfile.audience_share_2, CreatorProfile.audience_region_3,
    CreatorProfile.audience_share_3, CreatorProfile.orders_completed, CreatorProfile.orders_on_time,
    CreatorProfile.strike_count, CreatorProfile.region,
    sqlite_where=_READY, postgresql_where=_READY,
    # PostgreSQL's index-only scans need the id too (SQLite's index holds the rowid, the id).
    postgresql_include=["id"],
)

# Columns holding what the services never write but the columns allow (negative strikes or
# shares, shares over 100%, more on-time orders than orders): a creator like this could score
# past a part's usual maximum, so the pruned ranking (matching.service) always ranks them too.
# Written once, as SQL, so the query repeats this index's WHERE exactly and PostgreSQL can
# prove the index serves it (the index holds no row when the data is as the services write it).
UNUSUAL_FOR_MATCHING = ("strike_count < 0 OR audience_share_1 < 0 OR audience_share_2 < 0 OR audience_share_3 < 0 "
                        "OR audience_share_1 + audience_share_2 + audience_share_3 > 100 "
                        "OR orders_on_time > orders_completed")
Index("ix_creator_profiles_unusual", CreatorProfile.id,
      sqlite_where=text(UNUSUAL_FOR_MATCHING), postgresql_where=text(UNUSUAL_FOR_MATCHING))
