"""Funding tests move money: every one ends with the books verified."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.funding import service
from marketplace.money import Money


@pytest.fixture(autouse=True)
def _verify_books_after_each_test(ledger_checked):
    yield


class Stripe:
    """The local Stripe server with webhooks delivered to a receiver, and the app's client:
    start a top-up, pay it with a card, hand Stripe's real signed events to our endpoint."""

    def __init__(self, local_stripe, receiver, client):
        self.server, self.receiver, self.client = local_stripe, receiver, client
        local_stripe.add_webhook(receiver.url)

    def topup(self, brand, cents=50_000):
        topup = service.start_topup(brand.user, brand, Money(cents, "CNY"))
        db.session.commit()
        intent = service.create_intent(topup)
        db.session.commit()
        return topup, intent

    def pay(self, intent, number="4242 4242 4242 4242"):
        return self.server.confirm_card(intent.client_secret, number)

    def event(self, event_type):
        return self.receiver.wait_for(event_type)

    def deliver(self, delivery, signature=None):
        return self.client.post("/webhooks/stripe", data=delivery.body, headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature or delivery.headers["Stripe-Signature"]})


@pytest.fixture
def stripe(local_stripe, webhook_receiver, client):
    return Stripe(local_stripe, webhook_receiver, client)
