"""Starting a top-up: the row and its key before the PaymentIntent; gateway failures as
sentences; retries under the same key make one intent."""
from __future__ import annotations

import pytest

from marketplace.errors import Invalid, NotAllowed
from marketplace.extensions import db
from marketplace.funding import service
from marketplace.funding.models import TopUp, TopUpState
from marketplace.money import Money
from marketplace.payments.errors import GatewayUnavailable
from tests.factories import make_brand, make_user


def test_the_key_is_stored_before_stripe_is_called(local_stripe):
    brand = make_brand()
    local_stripe.fault(status=500, count=10, path_prefix="/v1/payment_intents")
    topup = service.start_topup(brand.user, brand, Money(10_000, "CNY"))
    db.session.commit()
    with pytest.raises(GatewayUnavailable) as failed:
        service.create_intent(topup)
    db.session.rollback()
    assert failed.value.reason == "The payment service is unavailable; nothing was charged."
    row = db.session.get(TopUp, topup.id)
    assert row.idempotency_key == f"topup-{row.id}" and row.payment_intent_id is None
    assert row.state == TopUpState.STARTED


def test_retries_under_the_same_key_make_one_payment_intent(local_stripe):
    brand = make_brand()
    topup = service.start_topup(brand.user, brand, Money(10_000, "CNY"))
    db.session.commit()
    # Stripe made the intent but its answer was lost (a 500 after the work), twice.
    local_stripe.fault(status=500, count=2, path_prefix="/v1/payment_intents", mode="after")
    first = service.create_intent(topup)
    db.session.commit()
    again = service.create_intent(topup)
    assert again.id == first.id
    stats = local_stripe.stats()
    assert stats["objects"]["payment_intent"] == 1 and stats["idempotent_replays"] >= 2


def test_amounts_outside_the_limits_are_refused_on_the_field(app):
    brand = make_brand()
    with pytest.raises(Invalid) as low:
        service.start_topup(brand.user, brand, Money(500, "CNY"))
    assert low.value.field == "amount" and "CN¥10.00" in low.value.reason


def test_only_the_brand_itself_tops_up(app):
    brand = make_brand()
    with pytest.raises(NotAllowed):
        service.start_topup(make_user("brand"), brand, Money(10_000, "CNY"))
