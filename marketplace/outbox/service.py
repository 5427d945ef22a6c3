"""Adding work items, doing them after the commit, and sweeping up what a crash left.

Items are claimed with a conditional update (``state = 'pending'`` → ``'running'``), so the
process that committed them and a sweep running at the same moment never both do one; a
handler must still be idempotent, because a process can die after the effect and before the
item is deleted. Handlers run outside the request's session, on their own connections.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, inspect, select, update
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.extensions import db
from marketplace.outbox.models import FAILED, PENDING, RUNNING, OutboxItem

log = logging.getLogger(__name__)

_HANDLERS: dict[str, Callable[[dict], None]] = {}
_BACKGROUND: set[str] = set()  # kinds done on a thread after the commit, not in the request
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()
_SWEEPERS: list[Callable[[datetime], int]] = []
_ADDED = "pappus.outbox.added"  # session.info keys
_UNDO = "pappus.outbox.undo"

# A claimed item whose process has not finished it after this long is taken as abandoned
# (the process died mid-effect) and handed to the next sweep.
LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
_ERROR_CHARS = 2000


def handler(kind: str, *, background: bool = False) -> Callable:
    """Register what an item of ``kind`` does: ``@outbox.handler("search.reindex")`` over a
    function of the item's payload. It runs after the commit, outside the request's session.

    ``background=True`` runs it on a thread instead of before the response: for slow calls
    to other servers (SMTP), and where the response time must not tell whether the work
    was there at all (a password-reset page must not reveal which addresses have accounts).
    """

    def register(function: Callable[[dict], None]) -> Callable[[dict], None]:
        _HANDLERS[kind] = function
        if background:
            _BACKGROUND.add(kind)
        else:
            _BACKGROUND.discard(kind)
        return function

    return register


def add_sweeper(function: Callable[[datetime], int]) -> None:
    """Register a clean-up the sweep runs each time (``function(now)`` returns how many
    things it tidied), e.g. removing upload files no row refers to."""
    if function not in _SWEEPERS:
        _SWEEPERS.append(function)


def add(kind: str, payload: dict[str, Any] | None = None, *, session: Session | None = None) -> OutboxItem:
    """Queue work for after the current transaction commits. Nothing happens if it rolls back.
    ``session`` defaults to the request's (session listeners pass the one committing)."""
    if kind not in _HANDLERS:
        raise LookupError(f"no outbox handler is registered for {kind!r}")
    session = session if session is not None else db.session()
    now = clock.now()
    item = OutboxItem(kind=kind, payload=payload or {}, state=PENDING, attempts=0,
                      created_at=now, run_after=now)
    session.add(item)
    session.info.setdefault(_ADDED, []).append(item)
    return item


def on_rollback(function: Callable, *args: Any) -> None:
    """Undo something outside the database (a file just written) if the current transaction
    rolls back. In memory only: after a crash, the sweep's clean-ups catch what is left."""
    db.session.info.setdefault(_UNDO, []).append((function, args))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_UNDO, None)
    added = session.info.pop(_ADDED, None)
    if not added or not has_app_context():
        return
    now_ids, later_ids = [], []
    for item in added:
        state = inspect(item)
        if state.has_identity:  # written; an item added in a rolled-back savepoint has none
            (later_ids if item.kind in _BACKGROUND else now_ids).append(state.identity[0])
    run_items(now_ids)
    if later_ids:
        _start_thread(current_app._get_current_object(), later_ids)


def _start_thread(app: Flask, ids: list[int]) -> None:
    def work():
        try:
            with app.app_context():
                run_items(ids)
        finally:
            with _threads_lock:
                _threads.discard(threading.current_thread())

    thread = threading.Thread(target=work, name="pappus-outbox", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def wait_for_background(timeout: float = 10.0) -> None:
    """Block until every item handed to a background thread has been tried (tests; a CLI
    command before it exits). What a thread did not finish, the sweep does later."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:  # a savepoint, not the whole transaction
        return
    session.info.pop(_ADDED, None)
    for function, args in reversed(session.info.pop(_UNDO, [])):
        try:
            function(*args)
        except Exception:  # an undo that fails must not hide the error being rolled back
            log.exception("outbox: undo %r failed", function)


# ---- doing the work ---------------------------------------------------------------------

def run_items(ids: list[int]) -> None:
    """Do these items now (right after their commit). Called through the module, so a test
    can stand in for a crash between the commit and the effect."""
    for item_id in ids:
        _run_one(item_id)


def _backoff(attempts: int) -> timedelta:
    base = timedelta(seconds=current_app.config["OUTBOX_RETRY_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _run_one(item_id: int) -> str:
    """Claim, run and delete one item; returns "done", "retry", "failed" or "skipped"."""
    table = OutboxItem.__table__
    now = clock.now()
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(table).where(table.c.id == item_id, table.c.state == PENDING, table.c.run_after <= now)
            .values(state=RUNNING, claimed_at=now, attempts=table.c.attempts + 1)).rowcount
        if claimed != 1:
            return "skipped"  # done already, or taken by another process
        row = conn.execute(select(table.c.kind, table.c.payload, table.c.attempts)
                           .where(table.c.id == item_id)).one()
    try:
        function = _HANDLERS.get(row.kind)
        if function is None:
            raise LookupError(f"no outbox handler is registered for {row.kind!r}")
        function(row.payload)
    except Exception as error:
        log.exception("outbox: item %s (%s) failed, attempt %s", item_id, row.kind, row.attempts)
        gave_up = row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
        with db.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == item_id).values(
                state=FAILED if gave_up else PENDING, claimed_at=None,
                run_after=clock.now() + _backoff(row.attempts),
                last_error=f"{type(error).__name__}: {error}"[:_ERROR_CHARS]))
        return "failed" if gave_up else "retry"
    with db.engine.begin() as conn:
        conn.execute(delete(table).where(table.c.id == item_id))
    return "done"


@dataclass
class SweepReport:
    done: int = 0
    retry: int = 0
    failed: int = 0
    reclaimed: int = 0  # items whose process died while doing them
    tidied: int = 0  # what the registered clean-ups removed (orphan upload files)


def sweep(limit: int = 1000) -> SweepReport:
    """Do every due item left behind (by a crash, or waiting for a retry), then run the
    registered clean-ups. Safe to run from several processes at once."""
    table = OutboxItem.__table__
    report = SweepReport()
    now = clock.now()
    with db.engine.begin() as conn:
        report.reclaimed = conn.execute(
            update(table).where(table.c.state == RUNNING, table.c.claimed_at < now - LEASE)
            .values(state=PENDING, claimed_at=None, run_after=now)).rowcount
        due = list(conn.scalars(select(table.c.id).where(table.c.state == PENDING, table.c.run_after <= now)
                                .order_by(table.c.id).limit(limit)))
    for item_id in due:
        result = _run_one(item_id)
        if result in ("done", "retry", "failed"):
            setattr(report, result, getattr(report, result) + 1)
    for tidy in _SWEEPERS:
        report.tidied += tidy(now)
    return report


def waiting(limit: int = 100) -> list[OutboxItem]:
    """Items not done yet (pending, running or failed), oldest first, for ``flask outbox list``."""
    return list(db.session.scalars(select(OutboxItem).order_by(OutboxItem.id).limit(limit)))
