"""The payment gateway against the real local Stripe-compatible server, over HTTP."""
from __future__ import annotations

import ast
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from marketplace.errors import DomainError
from marketplace.payments import gateway
from marketplace.payments.errors import (CardDeclined, GatewayError, GatewayUnavailable,
                                         WebhookSignatureInvalid)

PACKAGE = Path(__file__).resolve().parents[2] / "marketplace"


def verified_account(local_stripe, key="acct-lin"):
    account = gateway.create_express_account("lin@example.com", idempotency_key=key)
    local_stripe.activate(account.id)
    return account


# ---- card payments --------------------------------------------------------------------------

def test_a_payment_intent_confirmed_with_a_test_card_succeeds(local_stripe):
    customer = gateway.create_customer("brand@glowlab.example.com", idempotency_key="cus-1")
    intent = gateway.create_payment_intent(12_345, "CNY", idempotency_key="topup-1",
                                           metadata={"topup_id": 1}, customer_id=customer.id)
    assert intent.status == "requires_payment_method" and intent.client_secret

    paid = local_stripe.confirm_card(intent.client_secret, "4242 4242 4242 4242")
    assert paid.status_code == 200

    again = gateway.retrieve_payment_intent(intent.id)
    assert again.succeeded
    assert (again.amount_cents, again.currency) == (12_345, "CNY")
    assert again.metadata == {"topup_id": "1"} and again.customer_id == customer.id
    assert again.failure is None


def test_a_declined_card_gives_a_clear_sentence(local_stripe):
    intent = gateway.create_payment_intent(5_000, "CNY", idempotency_key="topup-2")
    with pytest.raises(CardDeclined) as declined:
        gateway.confirm_payment_intent(intent.id, "pm_card_chargeDeclined",
                                       idempotency_key="topup-2-confirm")
    assert declined.value.reason == "The card was declined."
    assert declined.value.code == "card_declined"
    assert gateway.retrieve_payment_intent(intent.id).failure == "The card was declined."


def test_a_card_declined_in_the_browser_shows_on_the_intent(local_stripe):
    intent = gateway.create_payment_intent(5_000, "CNY", idempotency_key="topup-3")
    assert local_stripe.confirm_card(intent.client_secret, "4000000000000002").status_code == 402
    again = gateway.retrieve_payment_intent(intent.id)
    assert again.status == "requires_payment_method"
    assert again.failure == "The card was declined."


def test_insufficient_funds_say_so(local_stripe):
    intent = gateway.create_payment_intent(5_000, "CNY", idempotency_key="topup-4")
    with pytest.raises(CardDeclined, match="The card has insufficient funds."):
        gateway.confirm_payment_intent(intent.id, "pm_card_chargeDeclinedInsufficientFunds",
                                       idempotency_key="topup-4-confirm")


# ---- idempotency and retries ----------------------------------------------------------------

def test_the_same_key_returns_the_first_result_and_creates_one_object(local_stripe):
    account = verified_account(local_stripe)
    first = gateway.create_transfer(9_000, "CNY", account.id, idempotency_key="payout-1",
                                    transfer_group="payout-1")
    second = gateway.create_transfer(9_000, "CNY", account.id, idempotency_key="payout-1",
                                     transfer_group="payout-1")
    assert second == first
    assert local_stripe.transfer_count("payout-1") == 1
    assert local_stripe.stats()["idempotent_replays"] == 1

    one = gateway.create_payment_intent(100, "CNY", idempotency_key="topup-9")
    assert gateway.create_payment_intent(100, "CNY", idempotency_key="topup-9").id == one.id
    assert local_stripe.stats()["objects"]["payment_intent"] == 1


@pytest.mark.parametrize("status", [500, 429])
def test_injected_failures_are_retried_and_one_transfer_is_made(local_stripe, status):
    account = verified_account(local_stripe)
    local_stripe.fault(status=status, count=2, path_prefix="/v1/transfers")
    transfer = gateway.create_transfer(9_000, "CNY", account.id, idempotency_key="payout-7",
                                       transfer_group="payout-7", metadata={"payout_id": 7})
    assert transfer.transfer_group == "payout-7"
    stats = local_stripe.stats()
    assert stats["faults_injected"] == 2
    assert stats["transfers"]["by_transfer_group"] == {"payout-7": 1}
    assert stats["transfers"]["by_metadata"] == {"payout_id": {"7": 1}}


def test_a_payment_intent_is_retried_through_500_and_429_alike(local_stripe):
    local_stripe.fault(status=500, count=1, path_prefix="/v1/payment_intents")
    local_stripe.fault(status=429, count=1, path_prefix="/v1/payment_intents")
    gateway.create_payment_intent(2_000, "CNY", idempotency_key="topup-5")
    stats = local_stripe.stats()
    assert stats["faults_injected"] == 2 and stats["objects"]["payment_intent"] == 1


def test_a_transfer_answered_too_late_is_made_once(app, local_stripe):
    app.config["STRIPE_TIMEOUT_SECONDS"] = 1
    account = verified_account(local_stripe)
    local_stripe.fault(count=1, path_prefix="/v1/transfers", mode="stall", stall_seconds=2.5)
    transfer = gateway.create_transfer(9_000, "CNY", account.id, idempotency_key="payout-8",
                                       transfer_group="payout-8")
    assert [t.id for t in gateway.transfers_for_group("payout-8")] == [transfer.id]
    assert local_stripe.transfer_count("payout-8") == 1


def test_a_service_that_stays_down_is_a_clear_sentence_and_charges_nothing(app, local_stripe):
    app.config["STRIPE_MAX_NETWORK_RETRIES"] = 1
    local_stripe.fault(status=500, count=10, path_prefix="/v1/payment_intents")
    with pytest.raises(GatewayUnavailable) as down:
        gateway.create_payment_intent(2_000, "CNY", idempotency_key="topup-6")
    assert down.value.reason == "The payment service is unavailable; nothing was charged."
    assert down.value.retryable and down.value.status != 500
    assert "payment_intent" not in local_stripe.stats()["objects"]


def test_an_unreachable_service_is_unavailable_not_a_crash(app):
    app.config["STRIPE_MAX_NETWORK_RETRIES"] = 0  # the testing config's port 9 refuses at once
    with pytest.raises(GatewayUnavailable, match="nothing was charged"):
        gateway.create_payment_intent(2_000, "CNY", idempotency_key="topup-x")


def test_every_post_needs_an_idempotency_key(local_stripe):
    with pytest.raises(TypeError):
        gateway.create_payment_intent(2_000, "CNY")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="idempotency key"):
        gateway.create_transfer(100, "CNY", "acct_x", idempotency_key=" ")
    with pytest.raises(ValueError, match="positive whole minor units"):
        gateway.create_payment_intent(12.5, "CNY", idempotency_key="k")  # type: ignore[arg-type]
    assert local_stripe.stats()["requests"] == 0


# ---- transfers ------------------------------------------------------------------------------

def test_a_transfer_is_found_by_its_transfer_group(local_stripe):
    lin = verified_account(local_stripe, "acct-lin")
    maya = verified_account(local_stripe, "acct-maya")
    ours = gateway.create_transfer(9_000, "CNY", lin.id, idempotency_key="payout-1",
                                   transfer_group="payout-1", metadata={"payout_id": 1})
    gateway.create_transfer(4_000, "CNY", maya.id, idempotency_key="payout-2",
                            transfer_group="payout-2", metadata={"payout_id": 2})

    found = gateway.transfers_for_group("payout-1")
    assert found == [ours]
    assert (ours.amount_cents, ours.currency, ours.destination) == (9_000, "CNY", lin.id)
    assert ours.metadata == {"payout_id": "1"} and not ours.reversed
    assert gateway.transfers_for_group("payout-404") == []


def test_transfers_are_listed_by_creation_time_for_reconciliation(local_stripe):
    lin = verified_account(local_stripe)
    made = [gateway.create_transfer(100 + n, "CNY", lin.id, idempotency_key=f"payout-{n}",
                                    transfer_group=f"payout-{n}") for n in range(3)]
    now = datetime.now(timezone.utc)
    listed = gateway.list_transfers(now - timedelta(minutes=5), now + timedelta(minutes=5))
    assert sorted(t.id for t in listed) == sorted(t.id for t in made)
    assert gateway.list_transfers(now + timedelta(minutes=5), now + timedelta(minutes=10)) == []


def test_a_transfer_to_an_unfinished_account_is_refused_clearly(local_stripe):
    account = gateway.create_express_account("lin@example.com", idempotency_key="acct")
    with pytest.raises(GatewayError) as refused:
        gateway.create_transfer(100, "CNY", account.id, idempotency_key="payout-1")
    assert refused.value.reason == ("That payout account cannot receive transfers yet: its "
                                    "onboarding is not finished.")
    assert not refused.value.retryable
    with pytest.raises(GatewayError, match="no record"):
        gateway.retrieve_account("acct_nobody")


# ---- connected accounts ---------------------------------------------------------------------

def test_express_account_link_and_activation_enable_payouts(local_stripe):
    account = gateway.create_express_account("lin@example.com", idempotency_key="acct-1",
                                             metadata={"creator_id": 3})
    assert not account.ready and not account.payouts_enabled
    assert "your ID document" in account.requirements_due
    assert "a bank account for payouts" in account.requirements_due

    link = gateway.create_account_link(account.id, "http://app.test/refresh",
                                       "http://app.test/back", idempotency_key="link-1")
    assert link.url.startswith(local_stripe.url + "/")
    assert link.expires_at > datetime.now(timezone.utc)

    local_stripe.activate(account.id)
    status = gateway.retrieve_account(account.id)
    assert status.ready and status.payouts_enabled and status.can_receive_transfers
    assert status.requirements_due == () and status.disabled_reason is None


def test_requirements_still_due_are_in_plain_words(local_stripe):
    account = gateway.create_express_account("lin@example.com", idempotency_key="acct-1")
    local_stripe.require(account.id, ["individual.verification.document"])
    status = gateway.retrieve_account(account.id)
    assert not status.ready
    assert status.requirements_due == ("your ID document",)
    assert status.requirement_codes == ("individual.verification.document",)


# ---- webhooks --------------------------------------------------------------------------------

def event_payload(event_type="payment_intent.succeeded", object_id="pi_123") -> bytes:
    return json.dumps({"id": "evt_1", "object": "event", "type": event_type,
                       "created": int(time.time()),
                       "data": {"object": {"id": object_id, "object": "payment_intent"}}}
                      ).encode()


def test_a_signed_webhook_is_verified(local_stripe):
    payload = event_payload()
    event = gateway.verify_webhook(payload, local_stripe.sign(payload))
    assert (event.id, event.type) == ("evt_1", "payment_intent.succeeded")
    assert event.object == {"id": "pi_123", "object": "payment_intent"}
    assert event.account is None


@pytest.mark.parametrize("forgery", ["tampered", "wrong secret", "no header", "stale"])
def test_a_forged_webhook_is_refused(local_stripe, forgery):
    payload = event_payload()
    header = local_stripe.sign(payload)
    if forgery == "tampered":
        payload = event_payload(object_id="pi_666")
    elif forgery == "wrong secret":
        header = local_stripe.sign(payload, secret="whsec_someone_else")
    elif forgery == "no header":
        header = None
    else:
        header = local_stripe.sign(payload, timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookSignatureInvalid) as refused:
        gateway.verify_webhook(payload, header)
    assert refused.value.status == 400
    assert refused.value.reason == "The webhook signature is not valid."


def test_a_webhook_delivered_by_the_server_verifies(local_stripe, webhook_receiver):
    local_stripe.add_webhook(webhook_receiver.url)
    intent = gateway.create_payment_intent(3_000, "CNY", idempotency_key="topup-1",
                                           metadata={"topup_id": 1})
    local_stripe.confirm_card(intent.client_secret, "4242424242424242")

    delivery = webhook_receiver.wait_for("payment_intent.succeeded")
    event = gateway.verify_webhook(delivery.body, delivery.headers["Stripe-Signature"])
    assert event.type == "payment_intent.succeeded"
    assert event.object["id"] == intent.id and event.object["metadata"] == {"topup_id": "1"}
    assert event.object["status"] == "succeeded"


def test_an_account_update_webhook_names_the_account(local_stripe, webhook_receiver):
    local_stripe.add_webhook(webhook_receiver.url, events=["account.updated"])
    account = verified_account(local_stripe)
    delivery = webhook_receiver.wait_for("account.updated")
    event = gateway.verify_webhook(delivery.body, delivery.headers["Stripe-Signature"])
    assert event.account == account.id and event.object["payouts_enabled"] is True


# ---- the seam -------------------------------------------------------------------------------

def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_gateway_imports_stripe_and_nothing_imports_the_dev_server():
    importers = {path.relative_to(PACKAGE).as_posix(): imported_modules(path)
                 for path in PACKAGE.rglob("*.py")}
    assert [p for p, names in importers.items() if "stripe" in names] == ["payments/gateway.py"]
    assert [p for p, names in importers.items() if names & {"devtools", "localstripe"}] == []


def test_gateway_errors_are_domain_errors_never_500():
    for error in (GatewayError, GatewayUnavailable, CardDeclined, WebhookSignatureInvalid):
        assert issubclass(error, DomainError) and error.status != 500
