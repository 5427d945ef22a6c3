"""Settling an order whose metrics are reported: what the creator earned, booked in the
ledger, and the payout row the runner pays.

    payout  = fee + bonus − commission
    bonus   = whole thousands of the frozen snapshot's reads × the brief's bonus per 1,000,
              capped by the brief's bonus cap
    commission = CREATOR_COMMISSION_BPS of (fee + bonus)

Escrow (fee + service fee + the bonus cap held at acceptance) → creator payable (payout) and
platform revenue (service fee + commission); what is left of the bonus cap goes back to the
brand. The order moves metrics_reported → payout_scheduled with a conditional update, so two
schedulers settle it once; the payout falls due ``PAYOUT_HOLD_HOURS`` later.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from marketplace import clock
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.money import Money, share_of
from marketplace.orders import transitions
from marketplace.orders.models import Order
from marketplace.orders.states import State
from marketplace.payouts.models import Payout, PayoutState


class Snapshot(Protocol):
    """The frozen metrics an order is settled on (``metrics.service.frozen_snapshot``)."""

    reads: int
    checksum: str


def bonus_for(order: Order, reads: int) -> int:
    """The performance bonus in cents for ``reads``: per whole 1,000 reads, up to the cap."""
    brief = order.brief
    if not brief.bonus_per_1k_reads_cents or not brief.bonus_cap_cents:
        return 0
    if reads < 0:
        raise Invalid(_("Reads cannot be negative."))
    return min(brief.bonus_cap_cents, (reads // 1000) * brief.bonus_per_1k_reads_cents)


def settle(order: Order, snapshot: Snapshot) -> Payout:
    """Book the order's earnings and schedule its payout (only flushes: the caller commits)."""
    if order.state != State.METRICS_REPORTED:
        raise Conflict(_("Order %(ref)s is %(state)s: only an order whose metrics are reported is settled.",
                         ref=order.reference, state=transitions.state_label(order.state)))
    config, now, currency = current_app.config, clock.now(), order.currency
    # The conditional move first: of two schedulers, the second is refused before any booking.
    transitions.move(order, "schedule_payout", None)
    fee, bonus = order.fee_cents, bonus_for(order, int(snapshot.reads))
    commission = share_of(fee + bonus, config["CREATOR_COMMISSION_BPS"])
    held = ledger.order_escrow(order.id)
    needed = fee + bonus + order.service_fee_cents
    if held is None or held.cents < needed:
        raise Conflict(_("Order %(ref)s holds less than it owes (%(needed)s); staff must look at it.",
                         ref=order.reference, needed=Money(needed, currency)))
    memo = f"order {order.reference}"
    ledger.settle(order.id, order.creator_id, Money(fee + bonus, currency),
                  Money(order.service_fee_cents, currency), Money(commission, currency),
                  f"{order.reference}-settle", memo=memo, actor="system:payouts")
    unused = held.cents - needed
    if unused:
        ledger.release(order.id, Money(unused, currency), f"{order.reference}-bonus-release",
                       memo=f"{memo}: unused bonus", actor="system:payouts")
    payout = Payout(order_id=order.id, creator_id=order.creator_id, state=PayoutState.DUE, currency=currency,
                    amount_cents=fee + bonus - commission, fee_cents=fee, bonus_cents=bonus,
                    commission_cents=commission, service_fee_cents=order.service_fee_cents,
                    released_cents=unused, reads=int(snapshot.reads), snapshot_checksum=str(snapshot.checksum),
                    created_at=now, due_at=now + timedelta(hours=config["PAYOUT_HOLD_HOURS"]))
    db.session.add(payout)
    db.session.flush()
    # Stored with the row, before any call to the gateway: every try sends this same key.
    payout.idempotency_key = f"payout-{payout.id}"
    db.session.flush()
    return payout
