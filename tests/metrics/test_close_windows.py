"""Closing metrics windows: an order past its window moves to metrics_reported only once a
report covers the window, settles on a frozen snapshot, and the job is safe to run twice."""
from __future__ import annotations

import hashlib
import importlib.util
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from marketplace.extensions import db
from marketplace.metrics import guard, jobs, service
from marketplace.orders import deadlines
from tests.factories import make_metric_report, make_order

pytestmark = pytest.mark.usefixtures("ledger_checked")
ROOT = Path(__file__).resolve().parents[2]


def _closed(order, frozen_clock, extra=timedelta(0)):
    closes = order.published_at + timedelta(days=order.brief.metrics_window_days)
    frozen_clock.set_now(closes + extra)
    return closes


def test_no_report_no_move_and_the_page_sentence_says_since_when(frozen_clock):
    order = make_order("published")
    closes = _closed(order, frozen_clock, timedelta(days=2))
    assert deadlines.sweep().total() == 0
    assert jobs.close_windows() == 0
    db.session.expire_all()
    assert order.state == "published"
    assert service.waiting_since(order) == closes
    assert service.waiting_sentence(order) == f"Waiting for metrics since {closes.day} May 2026."


def test_a_report_before_the_window_closed_does_not_cover_it(frozen_clock):
    order = make_order("published")
    closes = _closed(order, frozen_clock, timedelta(hours=1))
    make_metric_report(order.note_id, as_of=closes - timedelta(minutes=1))
    db.session.commit()
    assert jobs.close_windows() == 0
    assert order.state == "published"


def test_a_covering_report_closes_the_window_once_with_a_frozen_snapshot(frozen_clock):
    order = make_order("published")
    closes = _closed(order, frozen_clock, timedelta(hours=5))
    make_metric_report(order.note_id, as_of=closes + timedelta(hours=1), reads=300)
    latest = make_metric_report(order.note_id, as_of=closes + timedelta(hours=2), reads=410)
    db.session.commit()

    assert jobs.close_windows() == 1
    assert jobs.close_windows() == 0  # safe to run twice
    db.session.expire_all()
    assert order.state == "metrics_reported" and order.events[-1].action == "close_metrics"
    assert service.waiting_sentence(order) is None
    snapshot = service.frozen_snapshot(order)
    assert snapshot.report_id == latest.id and snapshot.data["metrics"]["reads"] == 410
    assert snapshot.checksum == hashlib.sha256(snapshot.canonical_json.encode()).hexdigest()
    assert json.dumps(json.loads(snapshot.canonical_json), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) == snapshot.canonical_json

    # A later report never changes what the order settled on.
    make_metric_report(order.note_id, as_of=closes + timedelta(hours=3), reads=999)
    db.session.commit()
    assert jobs.close_windows() == 0
    assert service.frozen_snapshot(order).data["metrics"]["reads"] == 410


def test_a_second_process_that_read_the_order_first_is_refused(frozen_clock):
    order = make_order("published")
    closes = _closed(order, frozen_clock)
    make_metric_report(order.note_id, as_of=closes)
    db.session.commit()
    assert jobs.closable(frozen_clock.now()) == [order.id]
    assert jobs.close_windows() == 1
    # The other process had the id from its own query; its attempt changes nothing.
    from marketplace.transaction import run
    outcome = run(lambda: jobs.close_one(order.id, frozen_clock.now()))
    assert not outcome
    assert len([e for e in order.events if e.action == "close_metrics"]) == 1


@pytest.mark.parametrize("statement", [
    "UPDATE settlement_snapshots SET checksum = '{}'".format("0" * 64),
    "DELETE FROM settlement_snapshots",
])
def test_the_database_refuses_to_change_a_snapshot(frozen_clock, statement):
    order = make_order("metrics_reported")
    before = service.frozen_snapshot(order).checksum
    with pytest.raises(DatabaseError, match="frozen"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    db.session.expire_all()
    assert service.frozen_snapshot(order).checksum == before
    assert service.verify_snapshot(service.frozen_snapshot(order))


def test_the_migration_installs_the_same_guard():
    path = next((ROOT / "migrations" / "versions").glob("*_metrics_reports_and_snapshots.py"))
    spec = importlib.util.spec_from_file_location("metrics_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SNAPSHOT_GUARD_SQLITE == guard.SQLITE_INSTALL
    assert migration.SNAPSHOT_GUARD_POSTGRES == guard.POSTGRES_INSTALL
