"""Done when: a reported metric ends, without anyone touching it, in a paid transfer at the
gateway and a creator who can see it."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.metrics import jobs as metrics_jobs
from marketplace.payouts import jobs
from marketplace.payouts.models import Payout
from tests.factories import make_metric_report, make_order, make_payout_account

pytestmark = pytest.mark.usefixtures("ledger_checked", "payout_config", "frozen_clock")


def test_a_reported_metric_ends_in_one_paid_transfer(app, client, login_as, local_stripe):
    order = make_order("published", bonus_per_1k_reads_cents=1000, bonus_cap_cents=5000)
    make_payout_account(order.creator, local_stripe)
    clock.set_now(order.due_at + timedelta(hours=1))
    assert jobs.settle_reported() == 0  # no report: nothing to settle
    make_metric_report(order.note_id, as_of=order.due_at, impressions=9000, reads=3200)
    db.session.commit()
    assert metrics_jobs.close_windows() == 1
    assert jobs.settle_reported() == 1
    assert jobs.settle_reported() == 0  # twice is once
    payout = db.session.query(Payout).one()
    assert (payout.bonus_cents, payout.reads, len(payout.snapshot_checksum)) == (3000, 3200, 64)
    assert jobs.run_due() == 1
    assert jobs.run_due() == 0
    assert local_stripe.transfer_count(payout.idempotency_key) == 1
    db.session.refresh(order)
    assert order.state == "completed"
    login_as(order.creator.user)
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "1,030.00" in page and "paid" in page


def test_the_cli_runs_each_job_once(runner, local_stripe):
    assert "Settled 0 orders." in runner.invoke(args=["payouts", "settle"]).output
    assert "Paid 0" in runner.invoke(args=["payouts", "run"]).output
    assert "Reconciliation found 0 differences." in runner.invoke(args=["payouts", "reconcile"]).output


def test_the_scheduler_alone_takes_a_report_to_a_paid_transfer(app, runner, local_stripe):
    """Nobody runs a payouts command: one pass of `flask scheduler run --once` closes the
    window, settles the order and pays it, in the job table's order."""
    order = make_order("published")
    make_payout_account(order.creator, local_stripe)
    make_metric_report(order.note_id, as_of=order.due_at, impressions=5000, reads=1200)
    db.session.commit()
    clock.set_now(order.due_at + timedelta(hours=1))
    result = runner.invoke(args=["scheduler", "run", "--once"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    payout = db.session.query(Payout).one()
    assert payout.state == "paid"
    assert local_stripe.transfer_count(payout.idempotency_key) == 1
    assert db.session.get(type(order), order.id).state == "completed"
