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
from collections import deque

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.extensions import db
from marketplace.payouts.models import RateBucket

BUCKET = "stripe"


def _now() -> float:
    """The wall clock, in seconds since the epoch (the one place this module reads it)."""
    return time.time()


def _now_us() -> int:
    return int(_now() * 1_000_000)


def _insert():
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(RateBucket.__table__)


def rate() -> int:
    """Requests per second all runners together keep under (0: no limit)."""
    return int(current_app.config["STRIPE_MAX_REQUESTS_PER_S"])


def take(n: int) -> list[float]:
    """Reserve ``n`` requests; their start times (seconds since the epoch), in order. Commits
    its own tiny transaction (call it between units of work, never inside one)."""
    per_s = rate()
    if n <= 0:
        return []
    if per_s <= 0:
        return [0.0] * n
    interval = 1_000_000 // per_s
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
    delay = start - _now()
    if delay > 0:
        time.sleep(delay)


# A reserved start this far in the past is given up rather than used: a runner that stalled
# (a busy database, a starved CPU) must not send the requests it missed in one burst, which
# the gateway would answer with 429s. Half a second of the rate is well inside the burst a
# token bucket like Stripe's (one second's worth) takes.
LATE_S = 0.5


class Pacer:
    """One caller's share of the bucket: start times reserved ahead (:meth:`reserve`, e.g. a
    batch's worth when it is claimed), used one per request (:meth:`wait`), topped up a few at
    a time when they run out. Requests therefore go out evenly spaced between all the runners,
    never a burst then a wait, and a refusal is never what paces us."""

    def __init__(self, top_up: int = 5):
        self.top_up = max(1, top_up)
        self.slots: deque[float] = deque()
        self.requests = 0
        self.given_up = 0  # reserved starts missed by more than LATE_S (a stall), not used

    def reserve(self, n: int) -> None:
        """Reserve ``n`` more starts (commits its own tiny transaction: call it between units
        of work, never inside one)."""
        self.slots.extend(take(n))

    def wait(self) -> None:
        """Wait for this caller's next reserved start (reserving more when none is left)."""
        while True:
            if not self.slots:
                self.reserve(self.top_up)
            start = self.slots.popleft()
            if start and _now() - start > LATE_S:
                self.given_up += 1
                continue
            wait_for(start)
            self.requests += 1
            return


def acquire() -> None:
    """Take one request from the shared bucket and wait for its start: for callers that make
    a few requests now and then (reconciliation). Commits its own tiny transaction."""
    wait_for(take(1)[0])
