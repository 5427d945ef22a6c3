"""Exactly once under real processes, counted at the gateway: two runners on one database,
and runners killed with SIGKILL at random steps of a payout (claimed, sending, answered,
booked, committed) over hundreds of trials. Each trial forks the test process (cheap: no
interpreter start, no imports) and the child kills itself at its chosen step; the next trial
runs after the dead runner's lease has lapsed and takes its payouts up again."""
from __future__ import annotations

import os
import random
import select
import signal
import traceback
from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.outbox import service as outbox_service
from marketplace.payments import gateway
from marketplace.payouts import runner
from marketplace.payouts.models import Payout
from tests.factories import make_due_payouts

pytestmark = pytest.mark.usefixtures("ledger_checked", "payout_config", "frozen_clock")
KILL_TRIALS = 200


def fork(body) -> int:
    """Run ``body`` in a child process with its own database connections and HTTP client."""
    db.session.remove()  # no connection of ours crosses the fork
    # A thread inside SQLite at the moment of fork leaves its lock held in the child forever:
    # let the after-commit threads (outbox: search index, audit scan) finish first.
    outbox_service.wait_for_background()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            db.engine.dispose(close=False)  # the parent's connections stay the parent's
            gateway._client_for.cache_clear()
            body()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def wait(pid: int, timeout: float = 120.0) -> int:
    """The child's exit code, or minus the signal that killed it. A child still running after
    ``timeout`` seconds is stuck: it is killed, and the test fails on its outcome."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return -9999
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def after_lease(config) -> None:
    clock.set_now(clock.now() + timedelta(seconds=config["PAYOUT_LEASE_SECONDS"] + 1))


def assert_each_paid_once(keys, local_stripe) -> None:
    db.session.rollback()
    states = {p.state for p in db.session.query(Payout)}
    assert states == {"paid"}, states
    groups = local_stripe.stats()["transfers"]["by_transfer_group"]
    counts = {key: groups.get(key, 0) for key in keys}
    assert set(counts.values()) == {1}, {k: n for k, n in counts.items() if n != 1}
    assert local_stripe.stats()["transfers"]["count"] == len(keys)


def kill_at_random_steps(config, *, trials: int, seed: int, deepest: int, runs: int | None = None) -> int:
    """Run the runner in forked children, each killed with SIGKILL at a random checkpoint (1 to
    ``deepest``), until ``trials`` were killed or ``runs`` (twice the trials) ran; the kills."""
    chance = random.Random(seed)
    kills = 0
    for _ in range(runs or trials * 2):
        if kills >= trials:
            break
        after_lease(config)
        kill_at = chance.randint(1, deepest)

        def doomed(kill_at=kill_at):
            hits = []

            def checkpoint(name):
                hits.append(name)
                if len(hits) >= kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)

            runner.checkpoint = checkpoint
            runner.run()

        outcome = wait(fork(doomed))
        assert outcome in (0, -signal.SIGKILL), outcome
        kills += outcome == -signal.SIGKILL
    return kills


def test_two_runner_processes_pay_each_payout_once(local_stripe, payout_config):
    keys = [p.idempotency_key for p in make_due_payouts(24, local_stripe)]
    payout_config["PAYOUT_BATCH"] = 2
    try:
        children = [fork(lambda: runner.run()) for _ in range(2)]
        assert [wait(pid) for pid in children] == [0, 0]
    finally:
        payout_config["PAYOUT_BATCH"] = 50
    assert_each_paid_once(keys, local_stripe)


def test_runners_killed_at_random_steps_still_pay_each_payout_once(local_stripe, payout_config):
    keys = [p.idempotency_key for p in make_due_payouts(48, local_stripe)]
    payout_config.update(PAYOUT_BATCH=1, PAYOUT_MAX_ATTEMPTS=1000)
    try:
        kills = kill_at_random_steps(payout_config, trials=KILL_TRIALS, seed=20261207, deepest=5)
        assert kills >= KILL_TRIALS, f"only {kills} kills: add payouts"
        after_lease(payout_config)
        runner.run()  # whatever the last victims left is taken up
    finally:
        payout_config.update(PAYOUT_BATCH=50, PAYOUT_MAX_ATTEMPTS=3)
    assert_each_paid_once(keys, local_stripe)
