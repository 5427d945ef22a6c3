"""The local Stripe-compatible server, spoken to as the app speaks to Stripe: over HTTP,
through the official ``stripe`` library."""
from __future__ import annotations

import json
import time

import pytest
import requests
import stripe

from tests.stripe_server import start_server, stop_server


@pytest.fixture
def client(local_stripe):
    return stripe_client(local_stripe)


def stripe_client(server, retries: int = 2, timeout: float = 10) -> stripe.StripeClient:
    return stripe.StripeClient(
        server.secret_key,
        base_addresses={"api": server.url, "connect": server.url, "files": server.url},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def verified_account(client, server, key="acct-1"):
    account = client.v1.accounts.create(
        params={"type": "express", "email": "lin@example.com",
                "capabilities": {"transfers": {"requested": True}}},
        options={"idempotency_key": key})
    server.activate(account.id)
    return account


def transfer(client, destination, key, group=None, amount=500, metadata=None):
    params = {"amount": amount, "currency": "cny", "destination": destination,
              "metadata": metadata or {}}
    if group:
        params["transfer_group"] = group
    return client.v1.transfers.create(params=params, options={"idempotency_key": key})


# ---- the process ---------------------------------------------------------------------------

def test_listens_on_loopback_and_keeps_state_in_the_given_directory(tmp_path):
    state = tmp_path / "state"
    process, server = start_server(tmp_path / "first.log", "--state-dir", str(state))
    try:
        customer = stripe_client(server).v1.customers.create(
            params={"email": "brand@example.com"}, options={"idempotency_key": "c-1"})
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        stop_server(process)
    assert (state / "localstripe-state.pickle").exists()

    process, server = start_server(tmp_path / "second.log", "--state-dir", str(state))
    try:
        again = stripe_client(server).v1.customers.retrieve(customer.id)
        replay = stripe_client(server).v1.customers.create(
            params={"email": "brand@example.com"}, options={"idempotency_key": "c-1"})
    finally:
        stop_server(process)
    assert again.email == "brand@example.com"
    assert replay.id == customer.id  # idempotency keys survive a restart too


def test_reset_forgets_every_object(client, local_stripe):
    client.v1.customers.create(params={"email": "a@example.com"},
                               options={"idempotency_key": "c-1"})
    local_stripe.reset()
    assert local_stripe.stats()["objects"] == {}


# ---- idempotency ---------------------------------------------------------------------------

def test_a_repeated_idempotency_key_gets_the_first_answer_byte_for_byte(local_stripe):
    def post():
        return requests.post(f"{local_stripe.url}/v1/customers",
                             data={"email": "brand@example.com"},
                             headers={"Authorization": f"Bearer {local_stripe.secret_key}",
                                      "Idempotency-Key": "customer-7"}, timeout=10)

    first, second = post(), post()
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second.headers["Idempotent-Replayed"] == "true"
    assert local_stripe.stats()["objects"]["customer"] == 1


def test_a_key_reused_with_other_parameters_is_refused(client, local_stripe):
    client.v1.customers.create(params={"email": "a@example.com"},
                               options={"idempotency_key": "k"})
    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        client.v1.customers.create(params={"email": "b@example.com"},
                                   options={"idempotency_key": "k"})
    assert local_stripe.stats()["objects"]["customer"] == 1


def test_a_declined_card_is_replayed_not_charged_again(client, local_stripe):
    intent = client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "cny", "payment_method_types": ["card"]},
        options={"idempotency_key": "pi"})
    for _ in range(2):
        with pytest.raises(stripe.CardError):
            client.v1.payment_intents.confirm(
                intent.id, params={"payment_method": "pm_card_chargeDeclined"},
                options={"idempotency_key": "confirm-1"})
    assert local_stripe.stats()["objects"]["charge"] == 1


# ---- faults and rate limit -------------------------------------------------------------------

def test_injected_500s_are_retried_and_make_one_transfer(client, local_stripe):
    account = verified_account(client, local_stripe)
    local_stripe.fault(status=500, count=2, path_prefix="/v1/transfers")
    made = transfer(client, account.id, "payout-1", group="payout-1")
    stats = local_stripe.stats()
    assert made.transfer_group == "payout-1"
    assert stats["faults_injected"] == 2
    assert stats["transfers"]["by_transfer_group"] == {"payout-1": 1}


def test_a_fault_after_the_transfer_is_answered_by_replay_on_retry(client, local_stripe):
    account = verified_account(client, local_stripe)
    local_stripe.fault(status=500, count=1, path_prefix="/v1/transfers", mode="after")
    made = transfer(client, account.id, "payout-2", group="payout-2")
    stats = local_stripe.stats()
    assert stats["idempotent_replays"] == 1
    assert stats["transfers"]["by_transfer_group"] == {"payout-2": 1}
    assert client.v1.transfers.retrieve(made.id).amount == 500


def test_a_stall_past_the_client_timeout_still_makes_one_transfer(local_stripe):
    client = stripe_client(local_stripe, retries=2, timeout=1)
    account = verified_account(client, local_stripe)
    local_stripe.fault(count=1, path_prefix="/v1/transfers", mode="stall", stall_seconds=2.5)
    started = time.monotonic()
    made = transfer(client, account.id, "payout-3", group="payout-3")
    assert time.monotonic() - started >= 1  # the first answer never came
    assert local_stripe.transfer_count("payout-3") == 1
    assert made.id == client.v1.transfers.list(params={"transfer_group": "payout-3"}).data[0].id


def test_a_fault_can_target_one_method(client, local_stripe):
    account = verified_account(client, local_stripe)
    local_stripe.fault(status=500, count=5, path_prefix="/v1/accounts", method="POST")
    assert client.v1.accounts.retrieve(account.id).id == account.id  # GET untouched


def test_the_rate_limit_answers_429_beyond_it(client, local_stripe):
    local_stripe.set_rate_limit(3)
    outcomes = []
    for _ in range(8):
        try:
            client.v1.customers.list()
            outcomes.append("ok")
        except stripe.RateLimitError:
            outcomes.append("429")
    assert outcomes[:3] == ["ok"] * 3 and "429" in outcomes
    assert local_stripe.stats()["rate_limited"] == outcomes.count("429")


# ---- Connect ------------------------------------------------------------------------------------

def test_a_new_express_account_cannot_receive_transfers(client, local_stripe):
    account = client.v1.accounts.create(
        params={"type": "express", "email": "lin@example.com",
                "capabilities": {"transfers": {"requested": True}}},
        options={"idempotency_key": "acct"})
    assert account.type == "express" and account.email == "lin@example.com"
    assert not account.payouts_enabled and not account.details_submitted
    assert "individual.verification.document" in account.requirements.currently_due
    with pytest.raises(stripe.InvalidRequestError) as refused:
        transfer(client, account.id, "t-1")
    assert refused.value.code == "insufficient_capabilities_for_transfer"
    with pytest.raises(stripe.InvalidRequestError, match="No such destination"):
        transfer(client, "acct_nobody", "t-2")
    assert local_stripe.stats()["transfers"]["count"] == 0


def test_the_demo_creators_accounts_are_known_as_verified(client, local_stripe):
    """`make run`'s demo payout accounts (acct_demo_<n>, made before this server starts) take
    transfers, so demo payouts are paid; any other unknown account is still refused."""
    paid = transfer(client, "acct_demo_7", "t-demo")
    assert paid.destination == "acct_demo_7"
    assert local_stripe.stats()["transfers"]["count"] == 1
    with pytest.raises(stripe.InvalidRequestError, match="No such destination"):
        transfer(client, "acct_demoX", "t-other")


def test_onboarding_through_the_account_link_page(client, local_stripe):
    account = client.v1.accounts.create(
        params={"type": "express", "email": "lin@example.com",
                "capabilities": {"transfers": {"requested": True}}},
        options={"idempotency_key": "acct"})
    link = client.v1.account_links.create(
        params={"account": account.id, "type": "account_onboarding",
                "refresh_url": "http://app.test/refresh", "return_url": "http://app.test/back"},
        options={"idempotency_key": "link"})
    assert link.url.startswith(local_stripe.url) and link.expires_at > time.time()

    page = requests.get(link.url, timeout=10)
    assert account.id in page.text and "Finish onboarding" in page.text
    done = requests.post(link.url, data={"outcome": "verified"}, allow_redirects=False,
                         timeout=10)
    assert done.status_code == 303 and done.headers["Location"] == "http://app.test/back"
    account = client.v1.accounts.retrieve(account.id)
    assert account.payouts_enabled and account.charges_enabled and account.details_submitted
    assert account.requirements.currently_due == []
    assert account.capabilities.transfers == "active"

    used = requests.get(link.url, allow_redirects=False, timeout=10)
    assert used.headers["Location"] == "http://app.test/refresh"  # links are single-use


def test_onboarding_can_leave_the_id_document_due(client, local_stripe):
    account = client.v1.accounts.create(params={"type": "express"},
                                        options={"idempotency_key": "acct"})
    link = client.v1.account_links.create(
        params={"account": account.id, "type": "account_onboarding",
                "refresh_url": "http://app.test/refresh", "return_url": "http://app.test/back"},
        options={"idempotency_key": "link"})
    requests.post(link.url, data={"outcome": "document_due"}, timeout=10, allow_redirects=False)
    account = client.v1.accounts.retrieve(account.id)
    assert account.details_submitted and not account.payouts_enabled
    assert account.requirements.currently_due == ["individual.verification.document"]


def test_accounts_update_and_list(client, local_stripe):
    account = verified_account(client, local_stripe)
    client.v1.accounts.update(account.id, params={"metadata": {"creator_id": "12"}},
                              options={"idempotency_key": "upd"})
    listed = client.v1.accounts.list()
    assert [a.id for a in listed.data] == [account.id]
    assert listed.data[0].metadata["creator_id"] == "12"


def test_transfers_filter_by_destination_group_and_time(client, local_stripe):
    lin = verified_account(client, local_stripe, "acct-lin")
    maya = verified_account(client, local_stripe, "acct-maya")
    first = transfer(client, lin.id, "t1", group="payout-1", metadata={"payout_id": "1"})
    transfer(client, maya.id, "t2", group="payout-2", metadata={"payout_id": "2"})
    transfer(client, lin.id, "t3", group="payout-3", metadata={"payout_id": "3"})

    by_group = client.v1.transfers.list(params={"transfer_group": "payout-1"}).data
    assert [t.id for t in by_group] == [first.id]
    assert by_group[0].metadata.to_dict() == {"payout_id": "1"}
    assert by_group[0].destination == lin.id
    assert len(client.v1.transfers.list(params={"destination": lin.id}).data) == 2
    paged = client.v1.transfers.list(params={"limit": 1}).auto_paging_iter()
    assert [t.metadata["payout_id"] for t in paged] == ["3", "2", "1"]  # newest first
    now = int(time.time())
    assert len(client.v1.transfers.list(params={"created": {"gte": now - 60}}).data) == 3
    assert client.v1.transfers.list(params={"created": {"gt": now + 60}}).data == []
    assert local_stripe.stats()["transfers"]["by_metadata"] == {
        "payout_id": {"1": 1, "2": 1, "3": 1}}


# ---- card payments ------------------------------------------------------------------------------

def new_intent(client, key="pi"):
    return client.v1.payment_intents.create(
        params={"amount": 5000, "currency": "cny", "payment_method_types": ["card"]},
        options={"idempotency_key": key})


def test_a_declined_test_card_then_a_good_one(client, local_stripe):
    intent = new_intent(client)
    declined = local_stripe.confirm_card(intent.client_secret, "4000 0000 0000 0002")
    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "card_declined"
    assert declined.json()["error"]["decline_code"] == "generic_decline"
    again = client.v1.payment_intents.retrieve(intent.id)
    assert again.status == "requires_payment_method"
    assert again.last_payment_error.message == "Your card was declined."

    paid = local_stripe.confirm_card(intent.client_secret, "4242 4242 4242 4242")
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"


def test_the_browser_confirm_needs_the_client_secret(client, local_stripe):
    intent = new_intent(client)
    forged = intent.client_secret.split("_secret_")[0] + "_secret_wrong"
    refused = local_stripe.confirm_card(forged, "4242424242424242")
    assert refused.status_code == 401
    assert client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"


def test_the_stand_in_stripe_js_is_served(local_stripe):
    script = requests.get(f"{local_stripe.url}/js.stripe.com/v3/", timeout=10)
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "LOCALSTRIPE_BASE_API" in script.text and "confirmCardPayment" in script.text
    assert "payment_method_data" in script.text  # the extension that confirms typed cards


# ---- webhooks ----------------------------------------------------------------------------------

def test_signed_webhooks_reach_the_configured_endpoint(client, local_stripe, webhook_receiver):
    local_stripe.add_webhook(webhook_receiver.url)
    intent = new_intent(client)
    local_stripe.confirm_card(intent.client_secret, "4242424242424242")
    delivery = webhook_receiver.wait_for("payment_intent.succeeded")
    signature = delivery.headers["Stripe-Signature"]
    stripe.WebhookSignature.verify_header(delivery.body, signature, local_stripe.webhook_secret)
    assert delivery.json()["data"]["object"]["id"] == intent.id

    account = client.v1.accounts.create(params={"type": "express"},
                                        options={"idempotency_key": "acct"})
    local_stripe.activate(account.id)
    update = webhook_receiver.wait_for("account.updated")
    assert update.json()["account"] == account.id
    assert update.json()["data"]["object"]["payouts_enabled"] is True
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(update.body + b" ",
                                              update.headers["Stripe-Signature"],
                                              local_stripe.webhook_secret)


def test_a_failed_delivery_is_retried(client, local_stripe, webhook_receiver):
    webhook_receiver.status = 500
    local_stripe.add_webhook(webhook_receiver.url, events=["customer.created"])
    client.v1.customers.create(params={"email": "a@example.com"},
                               options={"idempotency_key": "c"})
    first = webhook_receiver.wait_for("customer.created")
    webhook_receiver.status = 200
    second = webhook_receiver.wait_for("customer.created")
    assert json.loads(first.body)["id"] == json.loads(second.body)["id"]
