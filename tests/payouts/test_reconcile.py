"""Nightly reconciliation: paid payouts against the gateway's transfers; every difference is
stored for staff. (The real clock: the gateway dates transfers by it.)"""
from __future__ import annotations

import pytest
from sqlalchemy import update

from marketplace.extensions import db
from marketplace.payments import gateway
from marketplace.payouts import jobs, runner
from marketplace.payouts.models import Payout, PayoutDifference
from marketplace.payout_accounts.models import PayoutAccount
from tests.factories import make_due_payouts

pytestmark = pytest.mark.usefixtures("payout_config")


def kinds() -> list[str]:
    return sorted(d.kind for d in db.session.query(PayoutDifference))


def test_matching_books_find_no_difference(local_stripe):
    make_due_payouts(3, local_stripe, creators=2)
    assert runner.run().paid == 3
    assert jobs.reconcile() == 0 and kinds() == []


def test_every_kind_of_difference_is_stored(local_stripe):
    first, second, third = make_due_payouts(3, local_stripe, creators=2)
    keys = [p.idempotency_key for p in (first, second, third)]
    ids = [p.id for p in (first, second, third)]
    destination = db.session.query(PayoutAccount).first().stripe_account_id
    runner.claim("only-two", 2)  # payouts 1 and 2 are taken by a runner...
    db.session.commit()
    assert runner.book_paid([runner.pay(ids[0], "only-two")], "only-two") == ["paid"]
    # ...payout 2's transfer is made but the runner dies before marking it paid
    gateway.create_transfer(second.amount_cents, "CNY", destination, idempotency_key=keys[1], transfer_group=keys[1])
    # a stray transfer naming no payout, and one that pays payout 1 a second time
    gateway.create_transfer(500, "CNY", destination, idempotency_key="stray", transfer_group="payout-999999")
    gateway.create_transfer(700, "CNY", destination, idempotency_key="again", transfer_group=keys[0])
    # payout 3 marked paid here with a transfer the gateway never made
    db.session.execute(update(Payout).where(Payout.id == ids[2]).values(
        state="paid", transfer_id="tr_never_made", paid_at=db.session.get(Payout, ids[0]).paid_at))
    db.session.commit()
    assert jobs.reconcile() == 4
    assert kinds() == ["duplicate_transfer", "missing_at_gateway", "not_marked_paid", "unknown_transfer"]
