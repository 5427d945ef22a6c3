"""The payout account table: one Stripe connected account per creator, as Stripe last said."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.creators.models import CreatorProfile
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class PayoutAccount(db.Model):
    __tablename__ = "payout_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="CASCADE"), unique=True)
    # "payout-account-<id>": stored before the account is created at Stripe, so a retry gets
    # the same account back, never a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    stripe_account_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    details_submitted: Mapped[bool] = mapped_column(default=False)
    payouts_enabled: Mapped[bool] = mapped_column(default=False)
    transfers_active: Mapped[bool] = mapped_column(default=False)
    requirements_due: Mapped[list] = mapped_column(JSON, default=list)  # Stripe's names
    disabled_reason: Mapped[str] = mapped_column(String(120), default="")
    # When Stripe produced the state kept here: an older event arriving late is ignored.
    status_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    creator: Mapped[CreatorProfile] = relationship(lazy="joined")

    @property
    def ready(self) -> bool:
        return self.payouts_enabled and self.transfers_active and not self.requirements_due
