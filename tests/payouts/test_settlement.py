"""Settling an order whose metrics are reported: fee + bonus − commission to the creator,
the service fee to the platform, the unused bonus back to the brand, once."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.orders import service as orders
from marketplace.payouts import settlement
from marketplace.payouts.models import Payout
from marketplace.transaction import run
from tests.factories import make_order

pytestmark = pytest.mark.usefixtures("ledger_checked")
BONUS = dict(bonus_per_1k_reads_cents=500, bonus_cap_cents=20000)  # 5.00 per 1,000 reads, cap 200.00


def snapshot(reads: int) -> SimpleNamespace:
    return SimpleNamespace(reads=reads, checksum="c" * 64)


def available(order) -> int:
    return ledger.brand_balance(order.brand_id, order.currency)[0].cents


def test_acceptance_holds_the_bonus_cap_with_the_fee():
    order = make_order("invited", **BONUS)
    before = available(order)
    assert run(lambda: orders.accept(order.creator.user, order))
    assert ledger.order_escrow(order.id).cents == 110000 + 20000
    assert available(order) == before - 130000


def test_cancelling_gives_the_whole_bonus_hold_back():
    order = make_order("accepted", **BONUS)
    before = available(order)
    assert run(lambda: orders.cancel(order.brand.user, order))
    assert available(order) == before + 130000
    assert ledger.order_escrow(order.id).cents == 0


def test_settling_pays_fee_plus_bonus_less_commission_and_releases_the_unused_bonus(app, frozen_clock):
    app.config.update(CREATOR_COMMISSION_BPS=1000, PAYOUT_HOLD_HOURS=48)
    try:
        order = make_order("metrics_reported", **BONUS)
        before = available(order)
        outcome = run(lambda: settlement.settle(order, snapshot(12_345)))
    finally:
        app.config.update(CREATOR_COMMISSION_BPS=0, PAYOUT_HOLD_HOURS=0)
    assert outcome, outcome.error
    payout = outcome.value
    # 12 whole thousands × 5.00 = 60.00 bonus; commission 10% of 1,060.00 = 106.00.
    assert (payout.fee_cents, payout.bonus_cents, payout.commission_cents) == (100000, 6000, 10600)
    assert payout.amount_cents == 95400
    assert payout.released_cents == 14000 and available(order) == before + 14000
    assert payout.idempotency_key == f"payout-{payout.id}"
    assert payout.due_at == frozen_clock.now() + timedelta(hours=48)
    assert ledger.creator_balance(order.creator_id, "CNY")[0].cents == 95400
    assert ledger.order_escrow(order.id).cents == 0
    db.session.refresh(order)
    assert order.state == "payout_scheduled"


def test_the_bonus_is_capped_by_the_brief():
    order = make_order("metrics_reported", **BONUS)
    payout = run(lambda: settlement.settle(order, snapshot(10_000_000))).value
    assert payout.bonus_cents == 20000 and payout.released_cents == 0


def test_an_order_without_a_bonus_pays_the_fee():
    order = make_order("metrics_reported")
    payout = run(lambda: settlement.settle(order, snapshot(99_999))).value
    assert (payout.amount_cents, payout.bonus_cents) == (100000, 0)


def test_an_order_is_settled_once():
    order = make_order("metrics_reported", **BONUS)
    assert run(lambda: settlement.settle(order, snapshot(1000)))
    db.session.refresh(order)
    again = run(lambda: settlement.settle(order, snapshot(1000)))
    assert not again and "only an order whose metrics are reported" in again.error.reason
    assert db.session.query(Payout).count() == 1


def test_a_second_scheduler_holding_a_stale_order_is_refused():
    order = make_order("metrics_reported")
    assert run(lambda: settlement.settle(order, snapshot(0)))
    set_committed_value(order, "state", "metrics_reported")  # what a scheduler that read it earlier sees
    refused = run(lambda: settlement.settle(order, snapshot(0)))
    assert not refused and "Someone else got there first" in refused.error.reason
    assert db.session.query(Payout).count() == 1
