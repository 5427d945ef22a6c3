"""Demo metrics: each published demo order's note gets a metric report through the ingest
service (source "demo", checked as the follower feed's are), and a demo order whose window has closed is
moved to metrics_reported the way the scheduler does it. Idempotent: a note with a report on file
is left alone, and only published orders are closed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from marketplace import clock
from marketplace.extensions import db
from marketplace.metrics import ingest, jobs
from marketplace.metrics.models import FIELDS, MetricReport
from marketplace.orders.demo import demo_orders


def _figures(reads: int) -> dict:
    values = {name: 0 for name in FIELDS}
    values.update(impressions=reads * 3, reads=reads, likes=reads // 8, saves=reads // 20, comments=reads // 40,
                  shares=reads // 80, follows=reads // 150, deep_reads=reads // 4,
                  searches_after_reading=reads // 50)
    return values


def seed_metric_reports() -> None:
    now = clock.now()
    for order in demo_orders("published"):
        closed = order.due_at is not None and order.due_at <= now
        as_of = order.due_at if closed else now - timedelta(hours=1)
        if db.session.scalar(select(exists().where(MetricReport.note_id == order.note_id))):
            continue  # reported at an earlier load (a closed window was closed then too)
        payload = {"as_of": as_of.isoformat(), **_figures(4200 if closed else 1800)}
        answer = ingest.ingest([payload], "demo", note_id=order.note_id)[0]
        if answer.status not in (200, 201):
            raise RuntimeError(f"demo metric report for order {order.reference} refused: {answer.fields}")
        if closed:
            jobs.close_one(order.id, now)
