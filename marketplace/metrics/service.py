"""Metrics rules: storing reports, freezing the settlement snapshot, and what pages say about
an order's metrics. Views, the API, the CLI and jobs all call these."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.extensions import db
from marketplace.formatting import as_of_day
from marketplace.metrics.models import FIELDS, MetricReport, SettlementSnapshot
from marketplace.orders.models import Order
from marketplace.orders.states import State

SNAPSHOT_VERSION = 1


# ---- the frozen snapshot ----------------------------------------------------------------

def canonical_json(data: dict) -> str:
    """One spelling of ``data``: keys sorted, no spaces, UTF-8 kept as is."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def snapshot_data(order: Order, report: MetricReport, window_closed_at: datetime) -> dict:
    return {
        "version": SNAPSHOT_VERSION,
        "order": order.reference,
        "order_id": order.id,
        "note_id": report.note_id,
        "report_id": report.id,
        "published_at": _iso(order.published_at),
        "window_closed_at": _iso(window_closed_at),
        "as_of": _iso(report.as_of),
        "metrics": report.figures(),
    }


def freeze(order: Order, report: MetricReport, window_closed_at: datetime) -> SettlementSnapshot:
    """Write the order's settlement snapshot. There is no update path: a second freeze of the
    same order is refused by the unique order_id, and the database refuses UPDATE/DELETE."""
    text = canonical_json(snapshot_data(order, report, window_closed_at))
    snapshot = SettlementSnapshot(order_id=order.id, report_id=report.id, canonical_json=text,
                                  checksum=checksum(text), frozen_at=clock.now())
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def frozen_snapshot(order: Order) -> SettlementSnapshot | None:
    """The snapshot ``order`` was (or will be) settled on, or None before its window closed."""
    return db.session.scalar(select(SettlementSnapshot).where(SettlementSnapshot.order_id == order.id))


def verify_snapshot(snapshot: SettlementSnapshot) -> bool:
    """The stored checksum matches the stored JSON."""
    return checksum(snapshot.canonical_json) == snapshot.checksum


def covering_report(order: Order, window_closed_at: datetime) -> MetricReport | None:
    """The latest report of the order's note measured at or after the window closed."""
    if order.note_id is None:
        return None
    return db.session.scalar(
        select(MetricReport).where(MetricReport.note_id == order.note_id, MetricReport.as_of >= window_closed_at)
        .order_by(MetricReport.as_of.desc(), MetricReport.id.desc()).limit(1))


# ---- what pages say ---------------------------------------------------------------------

def window_closes_at(order: Order) -> datetime | None:
    """When the order's metrics window closes (its deadline while published)."""
    if order.state != State.PUBLISHED:
        return None
    return order.due_at


def waiting_since(order: Order, now: datetime | None = None) -> datetime | None:
    """When a published order's window closed with no covering report yet, or None."""
    closes = window_closes_at(order)
    if closes is None or closes > (now or clock.now()):
        return None
    return closes


def waiting_sentence(order: Order, now: datetime | None = None) -> str | None:
    """"Waiting for metrics since 3 May 2026" for an order whose window closed without a
    report (the job moves it on once one arrives), else None."""
    since = waiting_since(order, now)
    if since is None:
        return None
    return _("Waiting for metrics since %(day)s.", day=as_of_day(since))


__all__ = ["FIELDS", "canonical_json", "checksum", "covering_report", "freeze", "frozen_snapshot",
           "snapshot_data", "verify_snapshot", "waiting_sentence", "waiting_since", "window_closes_at"]
