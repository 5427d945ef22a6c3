"""Concurrent bookings against one balance: never an overdraft, never a lock error, and a
duplicate request books once. Each worker has its own database connection: threads (each
with its own app context and session) and forked processes (each with its own engine), on
whichever database the suite runs against (SQLite file or PostgreSQL)."""
import multiprocessing
import threading

import pytest
from sqlalchemy import text

from marketplace.errors import Conflict, DomainError
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind
from marketplace.money import Money
from tests.factories import make_brand

WORKERS = 10
FORK = multiprocessing.get_context("fork")


def _attempt(app, action, start, own_engine: bool):
    """Run one booking as an edge would (commit, or roll back on a refusal): the outcome."""
    with app.app_context():
        if own_engine:  # a forked child must not share the parent's pooled connections
            db.engine.dispose(close=False)
        start.wait()
        try:
            txn = action()
            db.session.commit()
            return ("booked", txn.id)
        except DomainError as refusal:
            db.session.rollback()
            return ("refused", refusal.reason)
        except Exception as error:  # anything else is what this test exists to catch
            db.session.rollback()
            return ("error", repr(error))
        finally:
            db.session.remove()


def _child(app, action, start, results):
    results.put(_attempt(app, action, start, own_engine=True))


def run_at_once(app, mode: str, actions) -> list[tuple]:
    if mode == "threads":
        start, results = threading.Barrier(len(actions)), [None] * len(actions)

        def work(i, action):
            results[i] = _attempt(app, action, start, own_engine=False)

        threads = [threading.Thread(target=work, args=(i, a)) for i, a in enumerate(actions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        return results
    start, queue = FORK.Barrier(len(actions)), FORK.Queue()
    db.session.remove()  # nothing of the parent's session is carried into the children
    processes = [FORK.Process(target=_child, args=(app, a, start, queue)) for a in actions]
    for p in processes:
        p.start()
    results = [queue.get(timeout=60) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    return results


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_concurrent_holds_never_overdraw_a_balance(app, mode):
    brand = make_brand()
    ledger.credit_topup(brand.id, Money(40000, "CNY"), "topup-1")  # covers 4 holds of 100
    db.session.commit()
    brand_id = brand.id

    def hold(order_id):
        return lambda: ledger.hold(brand_id, order_id, Money(10000, "CNY"), f"order-{order_id}-hold")

    outcomes = run_at_once(app, mode, [hold(order_id) for order_id in range(1, WORKERS + 1)])

    assert [o for o in outcomes if o[0] == "error"] == []
    assert sum(1 for o in outcomes if o[0] == "booked") == 4
    refusals = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(refusals) == WORKERS - 4
    assert all(r.startswith("Your balance is short by CN¥100.00") for r in refusals), refusals
    assert ledger.brand_balance(brand_id, "CNY") == (Money(0, "CNY"), Money(40000, "CNY"))


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_the_same_hold_sent_at_once_books_once(app, mode):
    brand = make_brand()
    ledger.credit_topup(brand.id, Money(40000, "CNY"), "topup-1")
    db.session.commit()
    brand_id = brand.id

    def hold():
        return ledger.hold(brand_id, 9, Money(30000, "CNY"), "order-9-hold")

    outcomes = run_at_once(app, mode, [hold] * 6)
    assert {o[0] for o in outcomes} == {"booked"}, outcomes
    assert len({o[1] for o in outcomes}) == 1  # every caller got the one booking
    assert ledger.brand_balance(brand_id, "CNY") == (Money(10000, "CNY"), Money(30000, "CNY"))


def test_a_duplicate_webhook_at_once_credits_once(app):
    brand = make_brand()
    brand_id = brand.id

    def topup():
        return ledger.credit_topup(brand_id, Money(2500, "CNY"), "topup-77", actor="system:webhook")

    outcomes = run_at_once(app, "threads", [topup] * 6)
    assert {o[0] for o in outcomes} == {"booked"}, outcomes
    assert len({o[1] for o in outcomes}) == 1
    assert ledger.brand_balance(brand_id, "CNY")[0] == Money(2500, "CNY")


def test_a_booking_that_waits_too_long_is_refused_not_a_server_error(app):
    brand = make_brand()
    ledger.credit_topup(brand.id, Money(40000, "CNY"), "topup-1")
    db.session.commit()
    account_id = ledger.find_account(AccountKind.BRAND_AVAILABLE, brand.id, "CNY").id
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as blocker:
        # Another request holds the brand's account (and on SQLite the write lock) and is slow.
        blocker.execute(text("UPDATE ledger_accounts SET id = id WHERE id = :id"), {"id": account_id})
        db.session.execute(text("SET LOCAL lock_timeout = '200ms'" if postgres else "PRAGMA busy_timeout = 200"))
        try:
            with pytest.raises(Conflict, match="being changed by another request and nothing was booked"):
                ledger.hold(brand.id, 1, Money(100, "CNY"), "order-1-hold")
        finally:
            if not postgres:
                db.session.execute(text("PRAGMA busy_timeout = 5000"))  # the pooled connection's default
            db.session.rollback()
        blocker.rollback()
    assert ledger.brand_balance(brand.id, "CNY") == (Money(40000, "CNY"), Money(0, "CNY"))
