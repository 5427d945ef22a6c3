"""Paying due payouts through the gateway, exactly once.

1. **Claim** a batch with one conditional UPDATE: ``state = processing``, a lease
   (``claimed_until``) and this run's ``claim_token``, only where the payout is still due (or
   processing with its lease lapsed: a runner crashed mid-flight). On PostgreSQL the
   candidates are picked ``FOR UPDATE SKIP LOCKED``, so runners take different rows.
2. **Pace** the batch through the shared token bucket (``ratelimit``): a start is reserved for
   each claimed payout when the batch is claimed, so the runners' requests go out evenly
   spaced between them; every request (a lookup, a retry) waits for a start of its own.
3. **Pay** each: a payout tried before (a crash, a timeout, a 5xx) first asks the gateway
   whether a transfer with its group (``payout-<id>``) exists; if not, the transfer is sent
   with the idempotency key stored on the row when it was settled, so even two calls make one
   transfer. Then, in one transaction: the payout is marked paid with the transfer id (only
   if this run still holds it), the ledger books creator payable → paid out, and the order
   moves payout_scheduled → paid → completed. That booking is done by a second thread of the
   runner (its own session and connection), several transfers per transaction, so that the
   thread sending transfers never waits for the database's write lock and keeps its starts.
4. A gateway that is unavailable (timeout, 5xx, 429 after the client's own retries) puts the
   payout back as due after a backoff; after ``PAYOUT_MAX_ATTEMPTS`` it is failed with the
   reason, for staff to retry. An account that cannot receive transfers holds the payout until
   it can.
"""
from __future__ import annotations

import logging
import queue
import secrets
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace import clock
from marketplace.errors import Conflict, DomainError
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.money import Money
from marketplace.notifications import notify
from marketplace.orders import service as orders
from marketplace.orders import transitions
from marketplace.orders.models import Order
from marketplace.payments import gateway
from marketplace.payments.errors import GatewayError, GatewayUnavailable
from marketplace.payout_accounts.models import PayoutAccount
from marketplace.payouts import ratelimit
from marketplace.payouts.models import Payout, PayoutState
from marketplace.transaction import run_job

log = logging.getLogger(__name__)
P = PayoutState
# Refusals that mean "the account cannot take money yet", not "this payout is wrong".
ACCOUNT_NOT_READY = {"insufficient_capabilities_for_transfer", "account_invalid"}
BUSY = {"idempotency_key_in_use", "lock_timeout", "rate_limit"}
BOOK_GROUP = 10  # at most this many transfers marked paid per transaction (see book_paid)
CLAIM_RACES = 20  # times a runner looks again after others took every candidate it saw
CLAIM_BUSY_TRIES = 30  # claims refused by a busy database (each after its busy timeout) before a run gives up


def checkpoint(name: str) -> None:
    """Called at each step of a payout (claimed, sending, answered, booked, committed): a
    seam the crash tests replace to SIGKILL the runner exactly there. Does nothing."""


@dataclass
class RunReport:
    paid: int = 0
    retrying: int = 0
    failed: int = 0
    held: int = 0
    lost_claims: int = 0
    outcomes: list[str] = field(default_factory=list)

    def total(self) -> int:
        return self.paid


def _claimable(now):
    return or_(
        and_(Payout.state == P.DUE, Payout.due_at <= now,
             or_(Payout.next_try_at.is_(None), Payout.next_try_at <= now)),
        and_(Payout.state == P.PROCESSING, Payout.claimed_until < now),
    )


def claim(token: str, limit: int) -> list[int]:
    """Take up to ``limit`` due payouts for this run (commits). Ids in due order; empty only
    when nothing is left to take (another runner that took the same candidates first makes
    this one look again, not stop)."""
    for _ in range(CLAIM_RACES):
        candidates, claimed = _claim_once(token, limit)
        if claimed or not candidates:
            return claimed
    return []


def _claim_once(token: str, limit: int) -> tuple[list[int], list[int]]:
    now = clock.now()
    query = select(Payout.id).where(_claimable(now)).order_by(Payout.due_at, Payout.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if not ids:
        db.session.rollback()
        return [], []
    lease = timedelta(seconds=current_app.config["PAYOUT_LEASE_SECONDS"])
    db.session.execute(
        update(Payout).where(Payout.id.in_(ids), _claimable(now))
        .values(state=P.PROCESSING, claimed_until=now + lease, claim_token=token, attempts=Payout.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    checkpoint("claimed")
    return ids, list(db.session.scalars(select(Payout.id).where(
        Payout.id.in_(ids), Payout.claim_token == token, Payout.state == P.PROCESSING).order_by(Payout.due_at, Payout.id)))


def _ours(payout_id: int, token: str):
    return and_(Payout.id == payout_id, Payout.state == P.PROCESSING, Payout.claim_token == token)


def _release(payout_id: int, token: str, **values) -> None:
    result = db.session.execute(update(Payout).where(_ours(payout_id, token))
                                .values(claimed_until=None, claim_token=None, **values)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("Payout %(id)s was taken over by another runner.", id=payout_id))


def hold(payout_id: int, token: str, reason: str) -> str:
    _release(payout_id, token, state=P.HELD, last_error=reason)
    payout = db.session.get(Payout, payout_id)
    notify(payout.creator.user, "payout.held", link="/creator/earnings", ref=payout.order.reference,
           amount=Money(payout.amount_cents, payout.currency))
    return "held"


def retry_later(payout_id: int, token: str, attempts: int, reason: str) -> str:
    config = current_app.config
    if attempts >= config["PAYOUT_MAX_ATTEMPTS"]:
        _release(payout_id, token, state=P.FAILED, last_error=reason)
        return "failed"
    wait = timedelta(seconds=config["PAYOUT_RETRY_SECONDS"] * 2 ** (attempts - 1))
    _release(payout_id, token, state=P.DUE, next_try_at=clock.now() + wait, last_error=reason)
    return "retrying"


@dataclass(frozen=True)
class Claimed:
    """What paying one claimed payout needs, read in one query (no ORM objects to load)."""

    id: int
    order_id: int
    order_reference: str
    creator_id: int
    amount_cents: int
    currency: str
    attempts: int
    key: str
    destination: str | None
    account_ready: bool
    tried_before: bool  # an earlier claim, or a failure staff sent back: the transfer may exist


def _claimed(payout_id: int, token: str) -> Claimed | None:
    row = db.session.execute(
        select(Payout.id, Payout.order_id, Order.reference, Payout.creator_id, Payout.amount_cents, Payout.currency,
               Payout.attempts, Payout.idempotency_key, PayoutAccount.stripe_account_id,
               PayoutAccount.payouts_enabled, PayoutAccount.transfers_active, PayoutAccount.requirements_due,
               Payout.last_error)
        .join(Order, Order.id == Payout.order_id)
        .outerjoin(PayoutAccount, PayoutAccount.creator_id == Payout.creator_id)
        .where(_ours(payout_id, token))).one_or_none()
    if row is None:
        return None
    ready = bool(row[8] and row[9] and row[10] and not row[11])
    return Claimed(*row[:9], account_ready=ready, tried_before=row[6] > 1 or bool(row[12]))


def mark_paid(payout: Claimed, token: str, transfer: gateway.Transfer) -> str:
    """The transfer exists: payout paid, ledger booked, order paid and completed, together."""
    if transfer.amount_cents != payout.amount_cents or transfer.currency != payout.currency:
        raise Conflict(_("Transfer %(transfer)s does not match payout %(id)s.", transfer=transfer.id, id=payout.id))
    _release(payout.id, token, state=P.PAID, transfer_id=transfer.id, paid_at=clock.now(), last_error="",
             next_try_at=None)
    ledger.pay_creator(payout.creator_id, Money(payout.amount_cents, payout.currency), payout.key,
                       memo=f"transfer {transfer.id}", actor="system:payouts")
    order = db.session.get(Order, payout.order_id)
    transitions.move(order, "mark_paid", None)
    orders.complete(order)
    checkpoint("booked")
    return "paid"


def _existing_transfer(key: str, pacer: ratelimit.Pacer) -> gateway.Transfer | None:
    found = gateway.transfers_for_group(key, pace=pacer.wait)
    return min(found, key=lambda t: t.created) if found else None


def pay(payout_id: int, token: str, pacer: ratelimit.Pacer | None = None) -> str | tuple[Claimed, gateway.Transfer]:
    """Send one claimed payout's transfer: the payout and its transfer, for :func:`book_paid`,
    or what happened instead (retrying, failed, held, lost). Each request to the gateway waits
    for the next start ``pacer`` reserved (one of its own without a pacer)."""
    pacer = pacer or ratelimit.Pacer(top_up=1)
    db.session.rollback()
    payout = _claimed(payout_id, token)
    db.session.rollback()  # no transaction stays open while the gateway answers
    if payout is None:
        return "lost"
    attempts, key = payout.attempts, payout.key
    if not payout.account_ready:
        return _in_own_transaction(lambda: hold(payout_id, token, _(
            "The creator's payout account cannot receive transfers yet.")), payout_id)
    checkpoint("sending")
    try:
        transfer = None
        if payout.tried_before:  # the transfer may exist already (one more request to pace)
            transfer = _existing_transfer(key, pacer)
        if transfer is None:
            transfer = gateway.create_transfer(payout.amount_cents, payout.currency, payout.destination,
                                               idempotency_key=key, transfer_group=key,
                                               metadata={"payout_id": str(payout_id), "order": payout.order_reference},
                                               pace=pacer.wait)
    except GatewayUnavailable as error:
        return _in_own_transaction(lambda: retry_later(payout_id, token, attempts, error.reason), payout_id)
    except GatewayError as error:
        if error.code in ACCOUNT_NOT_READY:
            return _in_own_transaction(lambda: hold(payout_id, token, error.reason), payout_id)
        if error.code in BUSY:
            return _in_own_transaction(lambda: retry_later(payout_id, token, attempts, error.reason), payout_id)
        return _in_own_transaction(lambda: _release(payout_id, token, state=P.FAILED, last_error=error.reason)
                                   or "failed", payout_id)
    checkpoint("answered")
    return payout, transfer


def book_paid(made: list[tuple[Claimed, gateway.Transfer]], token: str) -> list[str]:
    """Mark transfers that were made as paid, several per transaction: on SQLite the write
    lock is taken once for the group instead of once per payout, which is what lets two runners
    keep up with the rate. Each payout still gets its ledger entry in the transaction that
    marks it paid. If the group is refused, each is tried on its own."""
    if not made:
        return []
    try:
        for payout, transfer in made:
            mark_paid(payout, token, transfer)
        db.session.commit()
        outcomes = ["paid"] * len(made)
    except (DomainError, IntegrityError, OperationalError):
        db.session.rollback()
        if len(made) == 1:
            outcomes = ["lost"]
        else:
            outcomes = [_in_own_transaction(lambda p=p, t=t: mark_paid(p, token, t), p.id) for p, t in made]
    checkpoint("committed")
    return outcomes


def _in_own_transaction(action, payout_id: int) -> str:
    try:
        outcome = run_job(action, f"payout {payout_id}")
    except OperationalError as error:  # the database was busy: the lease brings it back
        db.session.rollback()
        log.warning("payout %s: database busy (%s); it is taken up again after its lease", payout_id, error)
        return "lost"
    return outcome.value if outcome else "lost"


def release_ready_held() -> int:
    """Held payouts whose creator's account can now receive transfers become due again."""
    held = list(db.session.scalars(select(Payout).where(Payout.state == P.HELD)))
    released = 0
    for payout in held:
        account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == payout.creator_id))
        if account is not None and account.ready and account.stripe_account_id:
            result = db.session.execute(update(Payout).where(Payout.id == payout.id, Payout.state == P.HELD)
                                        .values(state=P.DUE, attempts=0, next_try_at=None, last_error="")
                                        .execution_options(synchronize_session=False))
            released += result.rowcount
    db.session.commit()
    return released


class Booker:
    """The runner's second thread: marks the transfers the sending thread made as paid
    (:func:`book_paid`), as many as are waiting (up to ``BOOK_GROUP``) per transaction, in an
    app context, session and connection of its own. The sending thread hands each made
    transfer over and goes on to the next start; waiting for SQLite's write lock (another
    runner committing) or for the after-commit work costs this thread time, not the rate.
    At most ``QUEUE`` transfers wait, so a slow database slows sending down rather than
    letting made-but-unbooked transfers pile up (each stays under its lease: a crash now is
    the crash recovery already handles, the transfer is found by its group)."""

    QUEUE = 100

    def __init__(self, token: str):
        self.token = token
        self.outcomes: list[str] = []
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUE)
        self._thread = threading.Thread(target=self._work, args=(current_app._get_current_object(),),
                                        name="pappus-payout-booker", daemon=True)
        self._thread.start()

    def put(self, made: tuple[Claimed, gateway.Transfer]) -> None:
        while True:
            self._raise()
            try:
                self._queue.put(made, timeout=1)
                return
            except queue.Full:
                continue

    def finish(self) -> list[str]:
        """Book what is still waiting, stop the thread; every booking's outcome."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise self.error
        return self.outcomes

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error
        if not self._thread.is_alive():
            raise RuntimeError("the payout booking thread stopped")

    def _work(self, app) -> None:
        with app.app_context():
            try:
                done = False
                while not done:
                    first = self._queue.get()
                    if first is None:
                        break
                    group = [first]
                    while len(group) < BOOK_GROUP:
                        try:
                            more = self._queue.get_nowait()
                        except queue.Empty:
                            break
                        if more is None:
                            done = True
                            break
                        group.append(more)
                    self.outcomes += book_paid(group, self.token)
            except BaseException as error:  # handed to the sending thread, which raises it
                self.error = error
                log.exception("payout booking thread failed")
            finally:
                db.session.remove()


def run(max_batches: int | None = None) -> RunReport:
    """Pay every due payout (or ``max_batches`` batches of them)."""
    token = secrets.token_hex(8)
    report = RunReport()
    release_ready_held()
    pacer = ratelimit.Pacer()
    # Under a rate the booking has its own thread, so that sending keeps its starts; with no
    # rate there are no starts to keep, and booking right after sending is simplest.
    booker = Booker(token) if ratelimit.rate() > 0 else None
    made: list[tuple[Claimed, gateway.Transfer]] = []
    outcomes: list[str] = []
    batches = busy = 0
    try:
        while max_batches is None or batches < max_batches:
            try:
                ids = claim(token, current_app.config["PAYOUT_BATCH"])
            except OperationalError as error:  # SQLite busy past its timeout: try again, a few times
                db.session.rollback()
                log.warning("claiming payouts: database busy (%s)", error)
                busy += 1
                if busy > CLAIM_BUSY_TRIES:
                    break
                continue
            busy = 0
            if not ids:
                break
            batches += 1
            pacer.reserve(len(ids) - len(pacer.slots))  # a start for each, unless some are left
            for payout_id in ids:
                result = pay(payout_id, token, pacer)
                if not isinstance(result, tuple):
                    outcomes.append(result)
                elif booker is not None:
                    booker.put(result)
                else:
                    made.append(result)
                    if len(made) >= BOOK_GROUP:
                        outcomes += book_paid(made, token)
                        made = []
            outcomes += book_paid(made, token)
            made = []
    finally:
        if booker is not None:
            outcomes += booker.finish()
    for outcome in outcomes:
        report.outcomes.append(outcome)
        if outcome == "lost":
            report.lost_claims += 1
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report
