"""Scheduled metrics work: :func:`close_windows`.

Finds, in SQL, published orders whose metrics window closed (``due_at``, set to
``published_at`` + the brief's ``metrics_window_days`` when the order was published) and whose
note has a report measured at or after that moment. For each, in its own transaction: the
conditional move published → metrics_reported ("close_metrics", as the scheduler), then the
frozen snapshot of the latest covering report. Safe to run twice and from two processes: the
second attempt finds the order no longer published and is refused (logged, nothing kept), and
the snapshot's unique order_id backs that up.

An order past its window with no report stays published; pages say "Waiting for metrics since …"
(:func:`marketplace.metrics.service.waiting_sentence`).
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, select

from marketplace import clock
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.metrics import service
from marketplace.metrics.models import MetricReport
from marketplace.orders import transitions
from marketplace.orders.models import Order
from marketplace.orders.states import State
from marketplace.transaction import run_job

BATCH = 500


def closable(now: datetime, after_id: int = 0, limit: int = BATCH) -> list[int]:
    """Ids of published orders whose window closed by ``now`` and that have a covering report."""
    covered = exists().where(MetricReport.note_id == Order.note_id, MetricReport.as_of >= Order.due_at)
    query = (select(Order.id).where(Order.state == State.PUBLISHED, Order.due_at <= now, Order.id > after_id,
                                    covered)
             .order_by(Order.id).limit(limit))
    return list(db.session.scalars(query))


def close_one(order_id: int, now: datetime):
    order = db.session.get(Order, order_id)
    if order is None or order.state != State.PUBLISHED or order.due_at is None or order.due_at > now:
        raise Conflict(_("Order %(id)s is no longer waiting for metrics.", id=order_id))
    closed_at = order.due_at
    report = service.covering_report(order, closed_at)
    if report is None:
        raise Conflict(_("Order %(id)s has no report covering its metrics window.", id=order_id))
    transitions.move(order, "close_metrics", None, metrics_closed_at=clock.now())
    return service.freeze(order, report, closed_at)


def close_windows() -> int:
    """Close every closable window once; returns how many orders moved to metrics_reported."""
    now = clock.now()
    moved, after = 0, 0
    while True:
        db.session.rollback()
        batch = closable(now, after)
        if not batch:
            return moved
        for order_id in batch:
            db.session.rollback()  # each unit from a fresh read
            if run_job(lambda: close_one(order_id, now), f"order {order_id} metrics window"):
                moved += 1
        after = batch[-1]
