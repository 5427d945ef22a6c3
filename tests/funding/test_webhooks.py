"""Stripe's signed webhooks credit a brand's top-up once: bad signatures, repeats, late and
out-of-order events change nothing more. Events are the local server's real deliveries."""
from __future__ import annotations

import json

from marketplace.extensions import db
from marketplace.funding.models import StripeEvent, TopUp, TopUpState
from marketplace.ledger import service as ledger
from marketplace.money import Money
from tests.factories import make_brand


def available(brand):
    return ledger.brand_balance(brand.id, "CNY")[0]


def test_a_paid_top_up_is_credited_when_the_signed_event_arrives(stripe):
    brand = make_brand(company_name="GlowLab")
    topup, intent = stripe.topup(brand, 50_000)
    assert topup.idempotency_key == f"topup-{topup.id}" and topup.state == TopUpState.PENDING
    assert stripe.pay(intent).status_code == 200
    assert available(brand) == Money(0, "CNY")  # paid at Stripe; not ours until the webhook

    answer = stripe.deliver(stripe.event("payment_intent.succeeded"))
    assert answer.status_code == 200
    assert available(brand) == Money(50_000, "CNY")
    topup = db.session.get(TopUp, topup.id)
    assert topup.state == TopUpState.SUCCEEDED and topup.credited_at is not None


def test_a_bad_signature_is_refused_and_credits_nothing(stripe):
    brand = make_brand()
    _, intent = stripe.topup(brand)
    stripe.pay(intent)
    delivery = stripe.event("payment_intent.succeeded")
    forged = stripe.server.sign(delivery.body, secret="whsec_someone_else")
    assert stripe.deliver(delivery, signature=forged).status_code == 400
    tampered = delivery.body.replace(b'"amount": 50000', b'"amount": 99999')
    answer = stripe.client.post("/webhooks/stripe", data=tampered, headers={
        "Stripe-Signature": delivery.headers["Stripe-Signature"]})
    assert answer.status_code == 400
    assert stripe.client.post("/webhooks/stripe", data=delivery.body).status_code == 400  # unsigned
    assert available(brand) == Money(0, "CNY")
    assert db.session.query(StripeEvent).count() == 0


def test_the_same_event_twice_credits_once(stripe):
    brand = make_brand()
    _, intent = stripe.topup(brand, 20_000)
    stripe.pay(intent)
    delivery = stripe.event("payment_intent.succeeded")
    assert stripe.deliver(delivery).status_code == 200
    again = stripe.deliver(delivery)
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    assert available(brand) == Money(20_000, "CNY")


def test_a_second_event_for_the_same_payment_credits_once(stripe):
    """Another event id saying the same thing (Stripe may send one): the top-up row and the
    ledger's unique reference keep it to one credit."""
    brand = make_brand()
    _, intent = stripe.topup(brand, 20_000)
    stripe.pay(intent)
    delivery = stripe.event("payment_intent.succeeded")
    event = json.loads(delivery.body)
    event["id"] = event["id"] + "_copy"
    body = json.dumps(event).encode()
    stripe.deliver(delivery)
    answer = stripe.client.post("/webhooks/stripe", data=body,
                                headers={"Stripe-Signature": stripe.server.sign(body)})
    assert answer.status_code == 200 and "already credited" in answer.get_json()["outcome"]
    assert available(brand) == Money(20_000, "CNY")


def test_a_late_failure_after_success_changes_nothing(stripe):
    """Out of order: a declined first attempt's event arrives after the second card paid."""
    brand = make_brand()
    topup, intent = stripe.topup(brand, 30_000)
    assert stripe.pay(intent, "4000 0000 0000 0002").status_code == 402
    failed = stripe.event("payment_intent.payment_failed")
    stripe.pay(intent)
    succeeded = stripe.event("payment_intent.succeeded")

    assert stripe.deliver(succeeded).status_code == 200
    assert stripe.deliver(failed).status_code == 200
    topup = db.session.get(TopUp, topup.id)
    assert topup.state == TopUpState.SUCCEEDED and topup.failure == ""
    assert available(brand) == Money(30_000, "CNY")


def test_a_declined_card_is_noted_and_credits_nothing_until_another_card_pays(stripe):
    brand = make_brand()
    topup, intent = stripe.topup(brand, 30_000)
    assert stripe.pay(intent, "4000 0000 0000 0002").status_code == 402
    assert stripe.deliver(stripe.event("payment_intent.payment_failed")).status_code == 200
    row = db.session.get(TopUp, topup.id)
    assert row.state == TopUpState.FAILED and row.failure == "The card was declined."
    assert available(brand) == Money(0, "CNY")

    stripe.pay(intent)
    stripe.deliver(stripe.event("payment_intent.succeeded"))
    assert db.session.get(TopUp, topup.id).state == TopUpState.SUCCEEDED
    assert available(brand) == Money(30_000, "CNY")


def test_the_endpoint_needs_no_login_and_no_csrf_token(stripe, csrf_enabled):
    brand = make_brand()
    _, intent = stripe.topup(brand, 10_000)
    stripe.pay(intent)
    assert stripe.deliver(stripe.event("payment_intent.succeeded")).status_code == 200
    assert available(brand) == Money(10_000, "CNY")


def test_staff_see_top_ups_with_their_intent_state_and_the_events(stripe, login_as):
    brand = make_brand(company_name="GlowLab")
    topup, intent = stripe.topup(brand, 40_000)
    stripe.pay(intent)
    stripe.deliver(stripe.event("payment_intent.succeeded"))
    login_as("staff")
    page = stripe.client.get("/staff/payments").get_data(as_text=True)
    assert "GlowLab" in page and "CN¥400.00" in page and intent.id in page and "succeeded" in page
    assert "payment_intent.succeeded" in page and f"top-up {topup.id} credited" in page
