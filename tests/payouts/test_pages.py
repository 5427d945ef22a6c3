"""The creator's earnings page and the staff payouts page: what each shows, who may open them,
and staff's retry button."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.payouts import runner
from marketplace.payouts.models import Payout, PayoutDifference
from tests.factories import make_order, make_payout

pytestmark = pytest.mark.usefixtures("payout_config", "frozen_clock")


def test_the_creator_sees_amount_fees_bonus_and_dates(client, login_as, local_stripe):
    payout = make_payout(local_stripe, reads=4500, bonus_per_1k_reads_cents=1000, bonus_cap_cents=50000)
    login_as(payout.creator.user)
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert payout.order.reference in page
    assert "1,040.00" in page and "40.00" in page and "4,500 reads" in page
    assert "May 3, 2026" in page  # expected
    runner.run()
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "paid" in page and "2026-05" in page


def test_the_creator_is_told_when_metrics_have_not_arrived(client, login_as):
    order = make_order("metrics_reported")
    login_as(order.creator.user)
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "waiting for metrics since 3 May 2026" in page


def test_a_published_order_shows_when_its_window_closes(client, login_as):
    order = make_order("published")
    login_as(order.creator.user)
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "metrics window open until 10 May 2026" in page


def test_a_creator_sees_only_their_own_earnings(client, login_as, local_stripe):
    payout = make_payout(local_stripe)
    login_as("creator")
    assert payout.order.reference not in client.get("/creator/earnings").get_data(as_text=True)


def test_staff_see_payouts_by_state_and_retry_a_failed_one(client, login_as, local_stripe):
    payout = make_payout(local_stripe)
    local_stripe.fault(status=500, count=3, path_prefix="/v1/transfers", mode="before")
    for _ in range(3):
        runner.run()
        clock.set_now(clock.now() + timedelta(minutes=10))
    db.session.add(PayoutDifference(kind="unknown_transfer", transfer_id="tr_stray", detail="group payout-999"))
    db.session.commit()
    login_as("staff")
    page = client.get("/staff/payouts").get_data(as_text=True)
    assert "Failed" in page and f"#{payout.id}" in page and "Retry" in page
    assert "tr_stray" in page and "transfer for no payout of ours" in page
    response = client.post(f"/staff/payouts/{payout.id}/retry")
    assert response.status_code == 302
    assert db.session.get(Payout, payout.id).state == "due"
    assert runner.run().paid == 1
    assert client.post(f"/staff/payouts/{payout.id}/retry", follow_redirects=True).status_code == 200
    assert db.session.get(Payout, payout.id).state == "paid"


@pytest.mark.parametrize("who, url, allowed", [
    ("creator", "/creator/earnings", True), ("brand", "/creator/earnings", False),
    ("staff", "/creator/earnings", False), ("staff", "/staff/payouts", True),
    ("creator", "/staff/payouts", False), ("brand", "/staff/payouts", False),
])
def test_who_may_open_the_pages(client, login_as, who, url, allowed):
    login_as(who)
    assert (client.get(url).status_code == 200) is allowed


def test_staff_retry_needs_staff(client, login_as, local_stripe):
    payout = make_payout(local_stripe, ready=False)
    runner.run()
    login_as("creator")
    assert client.post(f"/staff/payouts/{payout.id}/retry").status_code == 403
    assert db.session.get(Payout, payout.id).state == "held"
