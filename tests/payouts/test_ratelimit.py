"""The request budget towards the gateway (``STRIPE_MAX_REQUESTS_PER_S``), counted at the
gateway: two runners over a backlog against the server's own limit meet no 429; a 429 that
does come is retried under the same key at the next start the shared bucket gives;
reconciliation's requests take their starts from the same bucket; a runner that fell behind
gives up the starts it missed instead of sending them in one burst."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.payments import gateway
from marketplace.payouts import jobs, ratelimit, runner
from marketplace.payouts.models import Payout, RateBucket
from marketplace.payout_accounts.models import PayoutAccount
from tests.factories import make_due_payouts
from tests.payouts.test_processes import after_lease, assert_each_paid_once, fork, kill_at_random_steps, wait

pytestmark = pytest.mark.usefixtures("ledger_checked", "payout_config")
RATE = 20  # requests a second: the server's limit and ours (a backlog of 40 takes ~2 s)


def bucket_next_free() -> float:
    db.session.rollback()
    return (db.session.scalar(select(RateBucket.next_free_us)) or 0) / 1_000_000


def gap(a: float, b: float) -> float:
    return round(b - a, 6)


def test_two_runners_and_reconciliation_over_a_backlog_meet_no_429(local_stripe, payout_config):
    keys = [p.idempotency_key for p in make_due_payouts(40, local_stripe)]
    local_stripe.set_rate_limit(RATE)  # a full bucket of RATE from here, refilled at RATE/s
    payout_config.update(STRIPE_MAX_REQUESTS_PER_S=RATE, PAYOUT_BATCH=10)
    before = local_stripe.stats()["requests"]
    started = time.monotonic()
    children = [fork(lambda: runner.run()) for _ in range(2)] + [fork(lambda: [jobs.reconcile() for _ in range(3)])]
    assert [wait(pid) for pid in children] == [0, 0, 0]
    seconds = time.monotonic() - started
    stats = local_stripe.stats()
    assert stats["rate_limited"] == 0  # counted at the gateway: not one request refused
    sent = stats["requests"] - before
    assert sent >= 40 + 3  # every transfer and every reconciliation page went out...
    assert seconds >= (sent - 1) / RATE  # ...no faster than the rate all of them share
    assert_each_paid_once(keys, local_stripe)


def test_a_429_is_retried_under_the_same_key_at_the_next_start(local_stripe, payout_config, monkeypatch):
    (payout,) = make_due_payouts(1, local_stripe)
    payout_config.update(STRIPE_MAX_REQUESTS_PER_S=RATE, STRIPE_MAX_NETWORK_RETRIES=2)
    local_stripe.fault(status=429, count=1, path_prefix="/v1/transfers", method="POST")
    starts: list[float] = []
    monkeypatch.setattr(ratelimit, "wait_for", starts.append)  # record each start instead of waiting
    before = local_stripe.stats()["requests"]
    report = runner.run()  # with a rate: the booking thread's run
    assert (report.paid, report.retrying) == (1, 0)  # paid in this run, not put back for later
    stats = local_stripe.stats()
    assert stats["faults_injected"] == 1 and stats["requests"] - before == 2  # the 429 and the retry...
    assert local_stripe.transfer_count(payout.idempotency_key) == 1  # ...made one transfer, same key
    assert len(starts) == 2 and gap(*starts) >= 1 / RATE  # each attempt had a start of its own
    db.session.rollback()
    assert db.session.get(Payout, payout.id).state == "paid"


def test_reconciliation_takes_its_starts_from_the_shared_bucket(local_stripe, payout_config, monkeypatch):
    make_due_payouts(1, local_stripe)
    destination = db.session.query(PayoutAccount).first().stripe_account_id
    for i in range(120):  # two pages of transfers to list
        gateway.create_transfer(100, "CNY", destination, idempotency_key=f"stray-{i}", transfer_group=f"x-{i}")
    payout_config["STRIPE_MAX_REQUESTS_PER_S"] = RATE
    runners_until = ratelimit.take(10)[-1]  # a runner holds the next 10 starts
    starts: list[float] = []
    monkeypatch.setattr(ratelimit, "wait_for", starts.append)  # record each start instead of waiting
    before = local_stripe.stats()["requests"]
    assert jobs.reconcile() == 0
    sent = local_stripe.stats()["requests"] - before
    assert sent == 2 and len(starts) == 2  # one start from the bucket per request made
    assert gap(runners_until, starts[0]) >= 1 / RATE  # after the runner's, never alongside
    assert gap(*starts) >= 1 / RATE


def test_a_runner_that_fell_behind_gives_up_the_starts_it_missed(payout_config, monkeypatch):
    payout_config["STRIPE_MAX_REQUESTS_PER_S"] = RATE
    pacer = ratelimit.Pacer()
    pacer.reserve(RATE)  # one second of starts
    first = pacer.slots[0]
    sent: list[float] = []
    monkeypatch.setattr(ratelimit, "wait_for", sent.append)
    # The runner stalls for 1.5 s after its reservation (a busy database, a starved CPU).
    stalled = first + 1.5
    monkeypatch.setattr(ratelimit, "_now", lambda: stalled)
    for _ in range(3):
        pacer.wait()
    assert pacer.given_up == RATE  # every start more than LATE_S ago is given up, none sent late...
    assert gap(stalled, sent[0]) == 0  # ...the next request goes at a fresh start, now
    assert gap(sent[0], sent[1]) == gap(sent[1], sent[2]) == 1 / RATE  # and the rest evenly after it


@pytest.mark.usefixtures("frozen_clock")
def test_runners_with_a_rate_killed_at_random_steps_still_pay_each_payout_once(local_stripe, payout_config):
    """The killing test of test_processes, through the booking thread a rate brings (fewer
    trials: the 200 there cover the steps; these cover a kill while the other thread books)."""
    keys = [p.idempotency_key for p in make_due_payouts(30, local_stripe)]
    payout_config.update(STRIPE_MAX_REQUESTS_PER_S=1000, PAYOUT_BATCH=3, PAYOUT_MAX_ATTEMPTS=1000)
    kills = kill_at_random_steps(payout_config, trials=30, seed=20261208, deepest=6, runs=80)
    assert kills >= 30
    after_lease(payout_config)
    runner.run()
    assert_each_paid_once(keys, local_stripe)
