"""What the payout pages read and what staff may do: a creator's earnings, the staff
overview, and retrying a failed payout. Functions only flush; the page commits."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace import clock
from marketplace.audit_trail.service import record_staff_action
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.money import Money
from marketplace.orders.models import Order
from marketplace.orders.states import State
from marketplace.payouts.models import Payout, PayoutDifference, PayoutState

P = PayoutState
STAFF_SECTIONS = (P.DUE, P.PROCESSING, P.FAILED, P.HELD, P.PAID)
STAFF_PAGE = 50
# Orders that will earn money once their metrics are in (the creator sees them waiting).
WAITING = (State.PUBLISHED, State.METRICS_REPORTED)


@dataclass(frozen=True)
class EarningRow:
    order: Order
    payout: Payout | None
    waiting_since: datetime | None  # the metrics window closed and no payout yet
    window_closes: datetime | None  # the metrics window is still open until then

    @property
    def amount(self) -> Money | None:
        return Money(self.payout.amount_cents, self.payout.currency) if self.payout else None


@dataclass(frozen=True)
class Earnings:
    rows: list[EarningRow]
    monthly: list[tuple[str, Money]]  # ("2026-05", paid that month), newest first


def earnings(creator: CreatorProfile) -> Earnings:
    """The creator's orders that earn or earned money, newest first, with monthly totals paid."""
    payouts = {p.order_id: p for p in db.session.scalars(select(Payout).where(Payout.creator_id == creator.id))}
    orders = list(db.session.scalars(
        select(Order).where(Order.creator_id == creator.id,
                            Order.state.in_(WAITING + (State.PAYOUT_SCHEDULED, State.PAID, State.COMPLETED)))
        .order_by(Order.id.desc())))
    rows, now = [], clock.now()
    for order in orders:
        payout = payouts.get(order.id)
        waiting = closes = None
        if payout is None:
            closed = order.metrics_closed_at or order.due_at
            if closed is not None and closed > now:
                closes = closed
            else:
                waiting = closed
        rows.append(EarningRow(order, payout, waiting, closes))
    totals: OrderedDict[tuple[str, str], int] = OrderedDict()
    for payout in sorted((p for p in payouts.values() if p.paid_at), key=lambda p: p.paid_at, reverse=True):
        key = (payout.paid_at.strftime("%Y-%m"), payout.currency)
        totals[key] = totals.get(key, 0) + payout.amount_cents
    return Earnings(rows, [(month, Money(cents, currency)) for (month, currency), cents in totals.items()])


def staff_overview() -> dict[str, list[Payout]]:
    """Payouts by state for staff (the newest first; paid ones the latest page)."""
    found = {}
    for state in STAFF_SECTIONS:
        found[str(state)] = list(db.session.scalars(
            select(Payout).where(Payout.state == state).order_by(Payout.id.desc()).limit(STAFF_PAGE)))
    return found


def counts() -> dict[str, int]:
    return {state: n for state, n in db.session.execute(select(Payout.state, func.count()).group_by(Payout.state))}


def differences(limit: int = 100) -> list[PayoutDifference]:
    return list(db.session.scalars(select(PayoutDifference).order_by(PayoutDifference.id.desc()).limit(limit)))


def retry(user, payout_id: int, reason: str = "") -> Payout:
    """Staff send a failed (or held) payout back to the runner, with its tries counted anew."""
    payout = db.session.get(Payout, payout_id)
    if payout is None:
        raise NotFound(_("There is no such payout."))
    reason = (reason or "").strip() or _("Retried from the payouts page.")
    record_staff_action(user, "payout.retry", "payout", payout.id, reason, was=str(payout.state))
    result = db.session.execute(
        update(Payout).where(Payout.id == payout.id, Payout.state.in_((P.FAILED, P.HELD)))
        .values(state=P.DUE, attempts=0, next_try_at=None, claimed_until=None, claim_token=None)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("Only a failed or held payout can be retried; this one is %(state)s.", state=payout.state))
    db.session.refresh(payout)
    return payout
