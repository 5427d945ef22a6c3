"""Brand top-ups: the row and its idempotency key first, then the PaymentIntent.

A top-up takes two commits on purpose. :func:`start_topup` writes the row and its key
``topup-<id>`` (the caller commits); :func:`create_intent` then asks Stripe for the
PaymentIntent under that key and stores its id (the caller commits again). A crash or a
timeout between the two leaves a row without an intent; asking again with the same key gets
Stripe's first answer, so a brand is never charged twice for one top-up.

The balance is not credited here: only Stripe's signed ``payment_intent.succeeded`` webhook
does that (:mod:`marketplace.funding.webhooks`).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.errors import Conflict, Invalid, NotAllowed
from marketplace.extensions import db
from marketplace.funding.models import StripeEvent, TopUp, TopUpState
from marketplace.money import Money, format_money
from marketplace.payments import gateway

# The smallest and largest card top-up, in major units of the currency: below the minimum
# the card fees eat it; above the maximum a bank transfer is the better road.
MIN_MAJOR = 10
MAX_MAJOR = 1_000_000


def currency() -> str:
    return current_app.config["DEFAULT_CURRENCY"]


def start_topup(user: User, brand: BrandProfile | None, amount: Money) -> TopUp:
    """A new top-up row for the brand, its idempotency key stored (only flushed)."""
    if brand is None or brand.user_id != user.id:
        raise NotAllowed(_("Set up your company profile before you top up."))
    low, high = Money(MIN_MAJOR * 100, amount.currency), Money(MAX_MAJOR * 100, amount.currency)
    if not low.cents <= amount.cents <= high.cents:
        raise Invalid(_("Top up between %(low)s and %(high)s.",
                        low=format_money(low.cents, low.currency),
                        high=format_money(high.cents, high.currency)), field="amount")
    topup = TopUp(brand_id=brand.id, amount_cents=amount.cents, currency=amount.currency,
                  created_by_id=user.id, state=TopUpState.STARTED)
    db.session.add(topup)
    db.session.flush()
    topup.idempotency_key = f"topup-{topup.id}"
    db.session.flush()
    return topup


def create_intent(topup: TopUp) -> gateway.PaymentIntent:
    """Ask Stripe for the top-up's PaymentIntent (again, if need be: same key, same intent).
    Raises a GatewayError with a sentence when Stripe refuses or is unavailable."""
    if topup.state == TopUpState.SUCCEEDED:
        raise Conflict(_("This top-up is already paid."))
    intent = gateway.create_payment_intent(
        topup.amount_cents, topup.currency, idempotency_key=topup.idempotency_key,
        metadata={"topup_id": topup.id, "brand_id": topup.brand_id})
    topup.payment_intent_id = intent.id
    topup.intent_status = intent.status
    if topup.state == TopUpState.STARTED:
        topup.state = TopUpState.PENDING
    db.session.flush()
    return intent


def intent_for_page(topup: TopUp) -> gateway.PaymentIntent:
    """The PaymentIntent as Stripe has it now, with the client secret the page hands to
    Stripe.js (never stored). Read-only."""
    if topup.payment_intent_id is None:
        raise Conflict(_("This top-up has no payment yet; start it again."))
    return gateway.retrieve_payment_intent(topup.payment_intent_id)


def load_topup(user: User, topup_id: int) -> TopUp | None:
    """The top-up if it belongs to the user's brand (staff see every one), else None."""
    topup = db.session.get(TopUp, topup_id)
    if topup is None:
        return None
    if getattr(user, "is_staff", False) or topup.brand.user_id == user.id:
        return topup
    return None


def topups_for(brand_id: int, limit: int = 10) -> list[TopUp]:
    return list(db.session.scalars(select(TopUp).where(TopUp.brand_id == brand_id)
                                   .order_by(TopUp.id.desc()).limit(limit)))


def recent_topups(limit: int = 50) -> list[TopUp]:
    """Every brand's top-ups, newest first (the staff payments page)."""
    return list(db.session.scalars(select(TopUp).order_by(TopUp.id.desc()).limit(limit)))


def recent_events(limit: int = 50):
    """The webhook events received, newest first, with what was done with each."""
    return list(db.session.scalars(select(StripeEvent).order_by(StripeEvent.id.desc()).limit(limit)))
