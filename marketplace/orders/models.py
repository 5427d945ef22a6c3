"""Order tables: the order, its events (the timeline), and its draft versions.

Money is integer minor units with an ISO currency. ``state`` changes only through the
conditional updates in ``orders.service``; ``due_at`` is the current state's deadline
(``states.DEADLINES``), stored so a sweep finds due orders with one indexed query.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.brands.models import BrandProfile
from marketplace.briefs.models import Brief
from marketplace.creators.models import CreatorProfile
from marketplace.db_types import UTCDateTime, split_codes
from marketplace.extensions import db
from marketplace.orders.states import FINAL, State

_STATES = ", ".join(f"'{s.value}'" for s in State)
_FINAL_FAILED = "state NOT IN ('declined', 'withdrawn', 'expired', 'cancelled')"


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state_known"),
        CheckConstraint("way_in IN ('invite', 'apply')", name="way_in_known"),
        CheckConstraint("fee_cents > 0", name="fee_positive"),
        CheckConstraint("service_fee_cents >= 0", name="service_fee_not_negative"),
        CheckConstraint("quote_cents IS NULL OR quote_cents > 0", name="quote_positive"),
        CheckConstraint("revision_count >= 0", name="revisions_not_negative"),
        CheckConstraint("state != 'published' OR note_id IS NOT NULL", name="published_has_note"),
        # One live order per creator and brief; a declined or cancelled one may be tried again.
        Index("uq_orders_live_brief_creator", "brief_id", "creator_id", unique=True,
              sqlite_where=text(_FINAL_FAILED), postgresql_where=text(_FINAL_FAILED)),
        Index("ix_orders_state_due_at", "state", "due_at"),
        Index("ix_orders_brand_state", "brand_id", "state"),
        Index("ix_orders_creator_state", "creator_id", "state"),
        Index("ix_orders_brief_state", "brief_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)  # shown to people, on filings
    brief_id: Mapped[int] = mapped_column(ForeignKey("briefs.id", ondelete="RESTRICT"))
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="RESTRICT"))
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_profiles.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(20))
    way_in: Mapped[str] = mapped_column(String(8))  # "invite" (custom) or "apply" (recruitment)
    # What the brand pays: the creator's fee plus the service fee, fixed when the order starts.
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    service_fee_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    quote_cents: Mapped[int | None] = mapped_column(BigInteger)  # the creator's quote, "quote" briefs
    message: Mapped[str] = mapped_column(Text, default="")  # the invitation's message or the pitch
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the latest draft's
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    metrics_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # reached a final state
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the current state's deadline
    late_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the creator missed due_at
    revision_count: Mapped[int] = mapped_column(default=0)
    note_id: Mapped[int | None] = mapped_column(ForeignKey("notes.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Counts the order's moves; every move is an UPDATE … WHERE state = the state it saw.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    brief: Mapped[Brief] = relationship(lazy="joined")
    creator: Mapped[CreatorProfile] = relationship(lazy="joined")
    brand: Mapped[BrandProfile] = relationship(lazy="joined")
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", order_by="OrderEvent.id",
                                                    cascade="all, delete-orphan")
    drafts: Mapped[list[Draft]] = relationship(back_populates="order", order_by="Draft.number",
                                               cascade="all, delete-orphan")

    @property
    def total_cents(self) -> int:
        return self.fee_cents + self.service_fee_cents

    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    @property
    def latest_draft(self) -> Draft | None:
        return self.drafts[-1] if self.drafts else None


class OrderEvent(db.Model):
    """One line of an order's timeline: who moved it, when, from what to what, and why."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order", "order_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor: Mapped[str] = mapped_column(String(16))  # states.Actor
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(20))  # None when the order began
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[Order] = relationship(back_populates="events")


class Draft(db.Model):
    """A draft version the creator submitted, and the brand's answer to it."""

    __tablename__ = "order_drafts"
    __table_args__ = (
        UniqueConstraint("order_id", "number", name="uq_order_drafts_order_number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("decision IN ('approved', 'revise')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()  # 1, 2, … in submission order
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(String(400), default="")  # comma-separated, as on notes
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decision: Mapped[str | None] = mapped_column(String(8))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comments: Mapped[str] = mapped_column(Text, default="")  # the brand's revision request

    order: Mapped[Order] = relationship(back_populates="drafts")
    images: Mapped[list[DraftImage]] = relationship(back_populates="draft", order_by="DraftImage.position",
                                                    cascade="all, delete-orphan")

    @property
    def tag_list(self) -> list[str]:
        return split_codes(self.tags)


class DraftImage(db.Model):
    """An image of a draft version, checked like a note's (``notes.images``) and kept in the
    upload store's ``order_drafts`` folder; only the order's brand, creator and staff see it."""

    __tablename__ = "order_draft_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("order_drafts.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(64), unique=True)  # random, never the uploader's
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    draft: Mapped[Draft] = relationship(back_populates="images")
