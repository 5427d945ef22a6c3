"""Creators' payout accounts: connect (Express + onboarding link), state from signed
``account.updated`` webhooks and the refresh button, and eligibility naming what Stripe needs."""
from __future__ import annotations

import json

import pytest

from marketplace import eligibility
from marketplace.extensions import db
from marketplace.payout_accounts.models import PayoutAccount
from tests.factories import make_creator


@pytest.fixture
def creator(login_as):
    profile = make_creator(handle="lin_writes")
    login_as(profile.user)
    return profile


def connect(client):
    answer = client.post("/creator/payouts/connect")
    assert answer.status_code == 302
    return answer.headers["Location"], db.session.query(PayoutAccount).one()


def deliver(client, delivery):
    return client.post("/webhooks/stripe", data=delivery.body,
                       headers={"Stripe-Signature": delivery.headers["Stripe-Signature"]})


def activation(receiver):
    """The account.updated that says the account is enabled (creation sends one first)."""
    while True:
        delivery = receiver.wait_for("account.updated")
        if delivery.json()["data"]["object"]["payouts_enabled"]:
            return delivery


def rules(profile):
    db.session.expire_all()
    return {f.rule: f.reason for f in eligibility.check(db.session.get(type(profile), profile.id)).failures}


def test_connecting_creates_the_account_under_the_rows_key_and_sends_to_onboarding(client, creator, local_stripe):
    link, account = connect(client)
    assert link.startswith(local_stripe.url)
    assert account.idempotency_key == f"payout-account-{account.id}" and account.stripe_account_id.startswith("acct_")
    needs = rules(creator)["payouts"]
    assert needs.startswith("Stripe still needs ") and "your ID document" in needs and "a bank account" in needs
    _, again = connect(client)  # a second click continues with the same account
    assert again.stripe_account_id == account.stripe_account_id


def test_an_activated_account_makes_the_creator_ready(client, creator, local_stripe, webhook_receiver):
    local_stripe.add_webhook(webhook_receiver.url, events=["account.updated"])
    _, account = connect(client)
    local_stripe.activate(account.stripe_account_id)
    assert deliver(client, activation(webhook_receiver)).status_code == 200
    db.session.expire_all()
    assert db.session.get(PayoutAccount, account.id).ready
    assert "payouts" not in rules(creator) and "identity" not in rules(creator)


def test_eligibility_names_the_id_document_stripe_still_needs(client, creator, local_stripe):
    _, account = connect(client)
    local_stripe.activate(account.stripe_account_id)
    local_stripe.require(account.stripe_account_id, ["individual.verification.document"])
    assert client.post("/creator/payouts/refresh").status_code == 302
    found = rules(creator)
    assert found["payouts"] == "Stripe still needs your ID document."
    assert found["identity"] == "Stripe still needs your ID document."
    page = client.get("/creator/payouts/").get_data(as_text=True)
    assert "your ID document" in page


def test_an_older_account_event_arriving_late_is_ignored(client, creator, local_stripe, webhook_receiver):
    local_stripe.add_webhook(webhook_receiver.url, events=["account.updated"])
    _, account = connect(client)
    local_stripe.activate(account.stripe_account_id)
    newer = activation(webhook_receiver)
    event = json.loads(newer.body)
    event["id"] += "_older"
    event["created"] -= 60
    event["data"]["object"]["payouts_enabled"] = False
    event["data"]["object"]["requirements"]["currently_due"] = ["individual.verification.document"]
    older = json.dumps(event).encode()

    assert deliver(client, newer).status_code == 200
    answer = client.post("/webhooks/stripe", data=older, headers={"Stripe-Signature": local_stripe.sign(older)})
    assert answer.status_code == 200 and "ignored" in answer.get_json()["outcome"]
    assert "payouts" not in rules(creator)


def test_the_gateway_down_is_a_sentence_on_the_page(client, creator, local_stripe):
    local_stripe.fault(status=500, count=20, path_prefix="/v1/accounts")
    page = client.post("/creator/payouts/connect", follow_redirects=True).get_data(as_text=True)
    assert "The payment service is unavailable; please try again in a few minutes." in page
    assert db.session.query(PayoutAccount).one().stripe_account_id is None
