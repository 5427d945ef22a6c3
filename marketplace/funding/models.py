"""Funding tables: brands' card top-ups and the Stripe webhook events received."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.brands.models import BrandProfile
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class TopUpState(StrEnum):
    STARTED = "started"      # the row exists; the PaymentIntent may not yet
    PENDING = "pending"      # the PaymentIntent exists; waiting for the card and the webhook
    FAILED = "failed"        # the last card attempt failed (the brand may try another card)
    SUCCEEDED = "succeeded"  # Stripe's signed webhook said so; the balance is credited


class TopUp(db.Model):
    __tablename__ = "topups"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency"),
        # A credited top-up names its PaymentIntent: the money came from somewhere.
        CheckConstraint("state <> 'succeeded' OR payment_intent_id IS NOT NULL", name="succeeded_has_intent"),
        Index("ix_topups_brand_created", "brand_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_profiles.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # "topup-<id>": stored before the PaymentIntent is created, so a retry (now or after a
    # crash) gets the same intent back from Stripe, never a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    intent_status: Mapped[str] = mapped_column(String(32), default="")  # Stripe's, as last heard
    state: Mapped[str] = mapped_column(String(16), default=TopUpState.STARTED)
    failure: Mapped[str] = mapped_column(String(255), default="")  # the last failure, as a sentence
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    brand: Mapped[BrandProfile] = relationship(lazy="joined")

    @property
    def reference(self) -> str:
        """The ledger reference of its credit: one booking per top-up, however often Stripe tells us."""
        return f"topup-{self.id}"


class StripeEvent(db.Model):
    """A verified webhook event, kept once per Stripe event id (a redelivery finds it here)."""

    __tablename__ = "stripe_events"
    __table_args__ = (Index("ix_stripe_events_object", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(255), default="")
    account: Mapped[str] = mapped_column(String(255), default="")  # Connect events
    created: Mapped[datetime] = mapped_column(UTCDateTime)  # when Stripe made the event
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    outcome: Mapped[str] = mapped_column(String(255), default="")  # what we did with it
