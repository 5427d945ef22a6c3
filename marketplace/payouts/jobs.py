"""Scheduled work for payouts (each safe to run twice and from two processes at once).

- ``settle_reported``: orders whose metrics are reported are settled on their frozen
  snapshot and their payouts scheduled (every few minutes);
- ``run_due``: due payouts are paid through the gateway (every minute);
- ``reconcile``: paid payouts are compared with the gateway's transfers (nightly).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from marketplace.errors import Conflict

from marketplace.extensions import db
from marketplace.metrics import service as metrics
from marketplace.orders.models import Order
from marketplace.orders.states import State
from marketplace.payments.errors import GatewayError
from marketplace.payouts import reconcile as reconciliation
from marketplace.payouts import runner, settlement
from marketplace.transaction import run_job

BATCH = 500
RECONCILE_TRIES = 3
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Frozen:
    reads: int
    checksum: str


def snapshot_of(order: Order) -> Frozen:
    """The reads and checksum of the order's frozen metrics snapshot (refused without one)."""
    snapshot = metrics.frozen_snapshot(order)
    if snapshot is None:
        raise Conflict(_("Order %(ref)s has no frozen metrics snapshot yet.", ref=order.reference))
    reads = getattr(snapshot, "reads", None)
    if reads is None:
        reads = snapshot.data["metrics"]["reads"]
    return Frozen(int(reads), snapshot.checksum)


def settle_reported() -> int:
    """Settle every order in metrics_reported, each in its own transaction."""
    settled = 0
    ids = list(db.session.scalars(select(Order.id).where(Order.state == State.METRICS_REPORTED)
                                  .order_by(Order.id).limit(BATCH)))
    for order_id in ids:
        db.session.rollback()

        def settle_one(order_id=order_id):
            order = db.session.get(Order, order_id)
            return settlement.settle(order, snapshot_of(order))

        if run_job(settle_one, f"order {order_id} settlement"):
            settled += 1
    return settled


def run_due() -> int:
    """Pay the payouts that are due; the number paid."""
    return runner.run().paid


def reconcile() -> int:
    """Compare paid payouts with the gateway's transfers; the number of differences stored."""
    try:
        transfers = reconciliation.fetch()  # paced requests, before the unit of work
    except GatewayError as error:  # tried again at the next run; nothing was written
        db.session.rollback()
        log.warning("payout reconciliation: the gateway did not answer (%s)", error.reason)
        return 0
    db.session.rollback()
    for attempt in range(1, RECONCILE_TRIES + 1):
        try:
            outcome = run_job(lambda: len(reconciliation.reconcile(transfers)), "payout reconciliation")
            return outcome.value if outcome else 0
        except OperationalError as error:  # a deadlock with a runner booking (PostgreSQL), a busy SQLite
            db.session.rollback()
            log.warning("payout reconciliation: attempt %d refused by the database (%s)", attempt, error.orig)
    return 0
