"""The request budget every payout runner on one database shares (``STRIPE_MAX_REQUESTS_PER_S``).

A token bucket kept as one row: ``next_free_us``, the wall-clock moment (microseconds) the
next request may start. :func:`take` reserves ``n`` requests at once by moving that moment on
by ``n`` intervals with a compare-and-set UPDATE (retried when another runner moved it first)
and hands back the start time of each; the caller waits for each before sending. One small
write per batch, not per request, and no runner can push the total above the rate.

This is the physical rate towards Stripe, so it reads the wall clock (``time.time``), not
``marketplace.clock``, which tests move.
"""
from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.extensions import db
from marketplace.payouts.models import RateBucket

BUCKET = "stripe"


def _now_us() -> int:
    return time.time_ns() // 1000


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RateBucket.__table__)


def take(n: int) -> list[float]:
    """Reserve ``n`` requests; their start times (seconds since the epoch), in order. Commits
    its own tiny transaction (call it between units of work, never inside one)."""
    rate = int(current_app.config["STRIPE_MAX_REQUESTS_PER_S"])
    if n <= 0:
        return []
    if rate <= 0:
        return [0.0] * n
    interval = 1_000_000 // rate
    while True:
        seen = db.session.scalar(select(RateBucket.next_free_us).where(RateBucket.name == BUCKET))
        if seen is None:
            db.session.execute(_insert().values(name=BUCKET, next_free_us=0)
                               .on_conflict_do_nothing(index_elements=["name"]))
            db.session.commit()
            continue
        start = max(seen, _now_us())  # no saving up: an idle bucket does not allow a burst
        moved = db.session.execute(
            update(RateBucket).where(RateBucket.name == BUCKET, RateBucket.next_free_us == seen)
            .values(next_free_us=start + n * interval).execution_options(synchronize_session=False))
        db.session.commit()
        if moved.rowcount == 1:
            return [(start + i * interval) / 1_000_000 for i in range(n)]


def wait_for(start: float) -> None:
    """Sleep until the reserved start time (no-op without a limit or once it has passed)."""
    delay = start - time.time()
    if delay > 0:
        time.sleep(delay)
