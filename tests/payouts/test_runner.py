"""The runner pays each due payout exactly once, counted at the gateway, whatever the
gateway does: 500s, 429s, a transfer made and then no answer, a runner that died mid-flight."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.payments import gateway
from marketplace.payouts import runner, service
from marketplace.payouts.models import Payout
from marketplace.transaction import run
from tests.factories import make_payout, make_user

pytestmark = pytest.mark.usefixtures("ledger_checked", "payout_config", "frozen_clock")


def reload(payout) -> Payout:
    db.session.rollback()
    return db.session.get(Payout, payout.id)


def later(minutes: int) -> None:
    clock.set_now(clock.now() + timedelta(minutes=minutes))


def test_a_due_payout_is_paid_once_with_the_ledger_and_the_order(local_stripe):
    payout = make_payout(local_stripe, reads=0)
    report = runner.run()
    assert report.paid == 1
    payout = reload(payout)
    assert payout.state == "paid" and payout.transfer_id.startswith("tr_")
    assert local_stripe.transfer_count(payout.idempotency_key) == 1
    payable, paid_out = ledger.creator_balance(payout.creator_id, "CNY")
    assert (payable.cents, paid_out.cents) == (0, 100000)
    assert payout.order.state == "completed" and payout.order.creator.orders_completed == 1
    assert runner.run().paid == 0  # nothing twice
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def test_a_payout_waits_for_its_hold(app, local_stripe):
    app.config["PAYOUT_HOLD_HOURS"] = 24
    try:
        payout = make_payout(local_stripe)
    finally:
        app.config["PAYOUT_HOLD_HOURS"] = 0
    assert runner.run().paid == 0
    later(24 * 60)
    assert runner.run().paid == 1
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


@pytest.mark.parametrize("status, mode", [(500, "before"), (429, "before"), (500, "after")])
def test_a_failing_gateway_is_retried_later_under_the_same_key(local_stripe, status, mode):
    payout = make_payout(local_stripe)
    local_stripe.fault(status=status, count=1, path_prefix="/v1/transfers", method="POST", mode=mode)
    report = runner.run()
    assert report.retrying == 1
    waiting = reload(payout)
    assert waiting.state == "due" and waiting.next_try_at > clock.now() and waiting.last_error
    assert runner.run().paid == 0  # backing off
    later(2)
    assert runner.run().paid == 1
    assert reload(payout).state == "paid"
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def test_a_transfer_made_then_timed_out_is_found_not_repeated(local_stripe):
    payout = make_payout(local_stripe)
    local_stripe.fault(count=1, path_prefix="/v1/transfers", method="POST", mode="stall", stall_seconds=1.5)
    assert runner.run().retrying == 1
    later(2)
    assert runner.run().paid == 1
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def test_a_payout_left_mid_flight_is_taken_up_after_its_lease(local_stripe):
    payout = make_payout(local_stripe)
    claimed = runner.claim("crashed-run", 10)  # a runner claims it, sends the transfer, dies
    assert claimed == [payout.id]
    gateway.create_transfer(payout.amount_cents, "CNY", _destination(payout.creator_id),
                            idempotency_key=payout.idempotency_key, transfer_group=payout.idempotency_key)
    assert runner.run().paid == 0  # its lease has not lapsed
    later(6)
    assert runner.run().paid == 1
    assert reload(payout).state == "paid"
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def _destination(creator_id: int) -> str:
    from marketplace.payout_accounts.models import PayoutAccount

    return db.session.query(PayoutAccount).filter_by(creator_id=creator_id).one().stripe_account_id


def test_after_the_last_attempt_the_payout_fails_and_staff_can_retry(local_stripe):
    payout = make_payout(local_stripe)
    local_stripe.fault(status=500, count=3, path_prefix="/v1/transfers", mode="before")
    for _ in range(3):
        runner.run()
        later(10)
    failed = reload(payout)
    assert failed.state == "failed" and failed.attempts == 3 and failed.last_error
    assert runner.run().paid == 0
    staff = make_user("staff")
    assert run(lambda: service.retry(staff, payout.id))
    assert runner.run().paid == 1
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def test_an_account_that_cannot_receive_transfers_holds_the_payout(local_stripe):
    payout = make_payout(local_stripe, ready=False)
    assert runner.run().held == 1
    assert reload(payout).state == "held"
    assert local_stripe.transfer_count(payout.idempotency_key) == 0
    from marketplace.payout_accounts.models import PayoutAccount

    account = db.session.query(PayoutAccount).filter_by(creator_id=payout.creator_id).one()
    local_stripe.activate(account.stripe_account_id)
    account.payouts_enabled = account.transfers_active = account.details_submitted = True
    account.requirements_due = []
    db.session.commit()
    assert runner.run().paid == 1
    assert local_stripe.transfer_count(payout.idempotency_key) == 1


def test_an_account_stripe_refuses_holds_the_payout(local_stripe):
    payout = make_payout(local_stripe, ready=False)
    from marketplace.payout_accounts.models import PayoutAccount

    account = db.session.query(PayoutAccount).filter_by(creator_id=payout.creator_id).one()
    account.payouts_enabled = account.transfers_active = True  # we think so; Stripe knows better
    account.requirements_due = []
    db.session.commit()
    assert runner.run().held == 1
    held = reload(payout)
    assert held.state == "held" and "cannot receive transfers" in held.last_error


def test_a_failed_payout_whose_transfer_was_made_is_found_after_a_staff_retry(local_stripe, payout_config):
    payout = make_payout(local_stripe)
    payout_config["PAYOUT_MAX_ATTEMPTS"] = 1
    local_stripe.fault(count=1, path_prefix="/v1/transfers", method="POST", mode="after")
    assert runner.run().failed == 1  # the transfer was made; the answer was a 500
    staff = make_user("staff")
    assert run(lambda: service.retry(staff, payout.id))
    local_stripe.forget_keys()  # days later: Stripe no longer answers the key with the first transfer
    assert runner.run().paid == 1
    assert local_stripe.transfer_count(payout.idempotency_key) == 1
    assert local_stripe.stats()["transfers"]["count"] == 1
