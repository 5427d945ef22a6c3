"""Payout tables: one payout per settled order, the differences reconciliation found, and the
token bucket the runners share.

A payout's life: ``due`` (settled; waits for ``due_at``) → ``processing`` (a runner claimed
it until ``claimed_until``) → ``paid`` (transfer id stored with the ledger entry). On the way
it may be ``held`` (the creator's payout account cannot receive transfers yet) or ``failed``
(``PAYOUT_MAX_ATTEMPTS`` tries, or a refusal; staff retry). ``idempotency_key`` is
``payout-<id>``, stored before any call to the gateway, and doubles as the transfer group.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.creators.models import CreatorProfile
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db
from marketplace.orders.models import Order


class PayoutState(enum.StrEnum):
    DUE = "due"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"
    HELD = "held"


_STATES = ", ".join(f"'{s.value}'" for s in PayoutState)


class Payout(db.Model):
    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state_known"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("bonus_cents >= 0 AND commission_cents >= 0", name="parts_not_negative"),
        CheckConstraint("state != 'paid' OR transfer_id IS NOT NULL", name="paid_has_transfer"),
        Index("ix_payouts_state_due_at", "state", "due_at"),
        Index("ix_payouts_creator", "creator_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(12), default=PayoutState.DUE)
    currency: Mapped[str] = mapped_column(String(3))
    # What the creator receives: fee + bonus − commission (the brand also paid service_fee).
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    bonus_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    commission_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    service_fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    released_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # unused bonus back to the brand
    reads: Mapped[int] = mapped_column(BigInteger, default=0)  # from the frozen snapshot
    snapshot_checksum: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # after a failed try
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the runner's lease
    claim_token: Mapped[str | None] = mapped_column(String(32))  # which runner holds it
    attempts: Mapped[int] = mapped_column(default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    order: Mapped[Order] = relationship(lazy="joined")
    creator: Mapped[CreatorProfile] = relationship(lazy="joined")


class PayoutDifference(db.Model):
    """Something reconciliation found that our books and the gateway disagree on."""

    __tablename__ = "payout_differences"
    __table_args__ = (Index("ix_payout_differences_found", "found_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    kind: Mapped[str] = mapped_column(String(32))  # see reconcile.KINDS
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id", ondelete="SET NULL"))
    transfer_id: Mapped[str] = mapped_column(String(255), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class RateBucket(db.Model):
    """A request-rate budget shared by every runner on this database, kept as the moment the
    next request may start (microseconds since the epoch): taking ``n`` requests moves it on
    by ``n`` intervals with a compare-and-set update, so runners never send faster together
    than the configured rate."""

    __tablename__ = "rate_buckets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_free_us: Mapped[int] = mapped_column(BigInteger, default=0)
