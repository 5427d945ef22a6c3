"""The scheduler's side of orders: find orders whose deadline passed, in SQL, and apply what
``states.DEADLINES`` says, each order in its own transaction through the same conditional
moves people make.

Safe to run twice and from two scheduler processes at once: a second attempt at an order that
already moved finds no row in the state it expected and is refused (logged, nothing kept).
A deadline that passed while no scheduler ran is simply due, and is applied on the next sweep.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from marketplace import clock
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders import drafts, transitions
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.states import DEADLINES, Actor, State
from marketplace.transaction import run_job

BATCH = 500


@dataclass
class SweepReport:
    applied: dict[str, int] = field(default_factory=dict)
    refused: int = 0

    def total(self) -> int:
        return sum(self.applied.values())


def due(state: State, now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of orders in ``state`` whose deadline passed by ``now`` (index ix_orders_state_due_at)."""
    query = select(Order.id).where(Order.state == state, Order.due_at <= now)
    if DEADLINES[state].effect == "mark_late":
        query = query.where(Order.late_at.is_(None))
    return list(db.session.scalars(query.order_by(Order.due_at, Order.id).limit(limit)))


def mark_late(order: Order) -> Order:
    """The creator missed the draft or publish date: note it once (the brand may now cancel
    with a full refund). No state change; the same conditional update keeps it to one event."""
    now = clock.now()
    if not transitions.is_late(order, now):
        raise Conflict(_("Order %(ref)s is not late.", ref=order.reference))
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.state == order.state, Order.late_at.is_(None))
        .values(late_at=now, version=Order.version + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("Someone else got there first: order %(ref)s changed meanwhile.", ref=order.reference))
    db.session.add(OrderEvent(order_id=order.id, at=now, actor=Actor.SCHEDULER, action="mark_late",
                              from_state=order.state, to_state=order.state))
    db.session.flush()
    db.session.refresh(order)
    return order


def close_metrics(order: Order) -> Order:
    """The metrics window closed: the order waits for its payout. The scheduler does this
    through ``metrics.jobs.close_windows`` (which also freezes the report it settles on) once a
    report covers the window; the sweep never does it without one."""
    transitions.move(order, "close_metrics", None, metrics_closed_at=clock.now())
    return order


def _apply(order_id: int, state: State, now: datetime) -> str:
    order = db.session.get(Order, order_id)
    if order is None or order.state != state or order.due_at is None or order.due_at > now:
        raise Conflict(_("Order %(id)s is no longer due.", id=order_id))
    effect = DEADLINES[state].effect
    if effect == "expire":
        transitions.move(order, "expire", None, comment=_("Nobody answered in time."))
    elif effect == "approve":
        drafts.auto_approve(order)
    elif effect == "mark_late":
        mark_late(order)
    elif effect == "close_metrics":
        close_metrics(order)
    return effect


def sweep(now: datetime | None = None) -> SweepReport:
    """Apply every passed deadline once; each order commits (or is refused) on its own."""
    now = now or clock.now()
    report = SweepReport()
    for state, rule in DEADLINES.items():
        if rule.applied_by != "orders":
            continue  # e.g. the metrics window: metrics.jobs.close_windows, once a report covers it
        for order_id in due(state, now):
            db.session.rollback()  # start each unit from a fresh read
            outcome = run_job(lambda: _apply(order_id, state, now), f"order {order_id} deadline")
            if outcome:
                report.applied[outcome.value] = report.applied.get(outcome.value, 0) + 1
            else:
                report.refused += 1
    return report
