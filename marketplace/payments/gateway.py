"""The payment gateway: every call the app makes to Stripe. The only module that imports ``stripe``.

Stripe's API is reached at ``STRIPE_API_BASE`` with ``STRIPE_SECRET_KEY``: the local
Stripe-compatible server in development and tests (``devtools/stripe_server.py``), Stripe
itself in production; nothing else changes. Functions take plain values and return plain
frozen dataclasses; a failure raises a :mod:`marketplace.payments.errors` error carrying a
sentence for the user, never a 500.

Every POST takes an ``idempotency_key`` that the caller derives from its own row (e.g.
``topup-<id>``, ``payout-<id>``) and stores before calling: Stripe answers a repeated key
with the first answer, so a retry, now or after a crash, cannot charge or pay twice. The
client retries network errors, timeouts, 409 and 5xx itself (``STRIPE_MAX_NETWORK_RETRIES``,
with backoff, same key); Stripe's 429 "too many requests" it does not retry, so we do, here.
A caller that keeps under a request rate (the payout runners, reconciliation) passes ``pace``:
a function that waits for the caller's next start in its shared budget. It is called before
every request of the call, retries and further pages included, and then every retry is ours
(the client's own retries are off), so not one request leaves unpaced: a 429 is retried under
the same key at the next start the budget gives, not after a blind sleep.
Amounts are integer minor units; currencies are ISO 4217 codes in capitals (Stripe's own
lower-case codes are converted both ways). Times are aware UTC datetimes.
"""
from __future__ import annotations

import functools
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import stripe
from flask import current_app
from flask_babel import gettext as _

from marketplace.payments.errors import (CardDeclined, GatewayError, GatewayUnavailable,
                                         WebhookSignatureInvalid, decline_sentence)
from marketplace.payments.requirements import in_plain_words

log = logging.getLogger(__name__)
Pace = Callable[[], None]
WEBHOOK_TOLERANCE_S = 300  # Stripe's default: a signature older than 5 minutes is refused


# ---- what the gateway returns ----------------------------------------------------------

@dataclass(frozen=True)
class Customer:
    id: str
    email: str | None


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    status: str  # Stripe's: requires_payment_method, processing, succeeded, canceled, ...
    amount_cents: int
    currency: str
    client_secret: str | None  # handed to Stripe.js in the page; never stored
    customer_id: str | None
    metadata: dict[str, str]
    failure: str | None  # why the last attempt failed, as a sentence

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


@dataclass(frozen=True)
class AccountStatus:
    """A connected (Express) account as the platform sees it."""

    id: str
    email: str | None
    details_submitted: bool
    charges_enabled: bool
    payouts_enabled: bool
    can_receive_transfers: bool
    requirements_due: tuple[str, ...]  # in plain words: ("your ID document", ...)
    requirement_codes: tuple[str, ...]  # Stripe's names, for logs and staff
    disabled_reason: str | None

    @property
    def ready(self) -> bool:
        """Transfers and payouts work and Stripe needs nothing more right now."""
        return self.payouts_enabled and self.can_receive_transfers and not self.requirements_due


@dataclass(frozen=True)
class AccountLink:
    url: str  # single use; send the user there at once
    expires_at: datetime


@dataclass(frozen=True)
class Transfer:
    id: str
    amount_cents: int
    currency: str
    destination: str
    transfer_group: str | None
    metadata: dict[str, str]
    created: datetime
    reversed: bool


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str  # e.g. payment_intent.succeeded, account.updated
    created: datetime
    object: dict[str, Any]  # the event's data.object, as plain JSON values
    account: str | None  # the connected account a Connect event concerns


# ---- customers and card payments ------------------------------------------------------------

def create_customer(email: str, *, idempotency_key: str, name: str | None = None,
                    metadata: dict | None = None) -> Customer:
    params: dict[str, Any] = {"email": email, "metadata": _metadata(metadata)}
    if name:
        params["name"] = name
    customer = _post(lambda c, o: c.v1.customers.create(params=params, options=o),
                     idempotency_key, _unavailable_nothing_charged())
    return Customer(id=customer["id"], email=customer.get("email"))


def create_payment_intent(amount_cents: int, currency: str, *, idempotency_key: str,
                          metadata: dict | None = None,
                          customer_id: str | None = None) -> PaymentIntent:
    """A card payment to be confirmed in the browser by Stripe.js with its client secret."""
    params: dict[str, Any] = {
        "amount": _positive_cents(amount_cents),
        "currency": currency.lower(),
        "payment_method_types": ["card"],
        "metadata": _metadata(metadata),
    }
    if customer_id:
        params["customer"] = customer_id
    intent = _post(lambda c, o: c.v1.payment_intents.create(params=params, options=o),
                   idempotency_key, _unavailable_nothing_charged())
    return _payment_intent(intent)


def confirm_payment_intent(payment_intent_id: str, payment_method: str, *,
                           idempotency_key: str) -> PaymentIntent:
    """Confirm on the server with a saved or test payment method (``pm_card_visa``); pages
    confirm in the browser instead. Raises :class:`CardDeclined` with the reason."""
    intent = _post(lambda c, o: c.v1.payment_intents.confirm(
        payment_intent_id, params={"payment_method": payment_method}, options=o),
        idempotency_key, _unavailable_nothing_charged())
    return _payment_intent(intent)


def retrieve_payment_intent(payment_intent_id: str) -> PaymentIntent:
    intent = _call(lambda c: c.v1.payment_intents.retrieve(payment_intent_id),
                  _unavailable_nothing_charged())
    return _payment_intent(intent)


# ---- connected accounts (creators' payout accounts) -------------------------------------

def create_express_account(email: str, *, idempotency_key: str, country: str | None = None,
                           metadata: dict | None = None) -> AccountStatus:
    params: dict[str, Any] = {
        "type": "express",
        "email": email,
        "capabilities": {"transfers": {"requested": True}},
        "metadata": _metadata(metadata),
    }
    if country:
        params["country"] = country.upper()
    account = _post(lambda c, o: c.v1.accounts.create(params=params, options=o),
                    idempotency_key, _unavailable_try_later())
    return _account_status(account)


def create_account_link(account_id: str, refresh_url: str, return_url: str, *,
                        idempotency_key: str) -> AccountLink:
    """Stripe's hosted onboarding for the account. Links are single-use and expire within
    minutes, so use a fresh key per attempt (e.g. a random one)."""
    params = {"account": account_id, "refresh_url": refresh_url, "return_url": return_url,
              "type": "account_onboarding"}
    link = _post(lambda c, o: c.v1.account_links.create(params=params, options=o),
                 idempotency_key, _unavailable_try_later())
    return AccountLink(url=link["url"], expires_at=_when(link["expires_at"]))


def retrieve_account(account_id: str) -> AccountStatus:
    account = _call(lambda c: c.v1.accounts.retrieve(account_id), _unavailable_try_later())
    return _account_status(account)


# ---- transfers (payouts to connected accounts) --------------------------------------------

def create_transfer(amount_cents: int, currency: str, destination: str, *,
                    idempotency_key: str, transfer_group: str | None = None,
                    metadata: dict | None = None, pace: Pace | None = None) -> Transfer:
    params: dict[str, Any] = {
        "amount": _positive_cents(amount_cents),
        "currency": currency.lower(),
        "destination": destination,
        "metadata": _metadata(metadata),
    }
    if transfer_group:
        params["transfer_group"] = transfer_group
    transfer = _post(lambda c, o: c.v1.transfers.create(params=params, options=o),
                     idempotency_key, _("The payment service is unavailable; the transfer was "
                                        "not confirmed. Retrying with the same key is safe."), pace)
    return _transfer(transfer)


def transfers_for_group(transfer_group: str, *, pace: Pace | None = None) -> list[Transfer]:
    """Every transfer made with this ``transfer_group``, newest first: how a payout left
    mid-flight learns whether its transfer was made."""
    return _list_transfers({"transfer_group": transfer_group}, pace)


def list_transfers(created_from: datetime, created_to: datetime, *, pace: Pace | None = None) -> list[Transfer]:
    """Transfers created in ``[created_from, created_to)``, newest first, for reconciliation
    (one request per page of 100, each paced)."""
    return _list_transfers({"created": {"gte": int(created_from.timestamp()),
                                        "lt": int(created_to.timestamp())}}, pace)


def _list_transfers(params: dict, pace: Pace | None) -> list[Transfer]:
    found: list[dict] = []
    after: str | None = None
    while True:  # page by page, so that each request is paced
        page_params = {**params, "limit": 100, **({"starting_after": after} if after else {})}
        page = _call(lambda client: client.v1.transfers.list(params=page_params), _unavailable_try_later(), pace)
        data = page.get("data") or []
        found += data
        if not page.get("has_more") or not data:
            return [_transfer(t) for t in found]
        after = data[-1]["id"]


# ---- webhooks ------------------------------------------------------------------------------

def verify_webhook(payload: bytes, signature_header: str | None) -> WebhookEvent:
    """The event in a webhook request, if its ``Stripe-Signature`` matches the raw body and
    ``STRIPE_WEBHOOK_SECRET``; otherwise :class:`WebhookSignatureInvalid`."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    refused = WebhookSignatureInvalid(_("The webhook signature is not valid."))
    if not secret or not signature_header:
        raise refused
    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret,
                                              WEBHOOK_TOLERANCE_S)
        event = json.loads(payload)
        return WebhookEvent(id=event["id"], type=event["type"], created=_when(event["created"]),
                            object=event["data"]["object"], account=event.get("account"))
    except stripe.SignatureVerificationError as error:
        raise refused from error
    except (ValueError, KeyError, TypeError) as error:  # signed, yet not an event
        raise refused from error


def payment_intent_in(event: WebhookEvent) -> PaymentIntent:
    """The PaymentIntent a ``payment_intent.*`` event carries, as the gateway returns it."""
    return _payment_intent(event.object)


def account_in(event: WebhookEvent) -> AccountStatus:
    """The connected account an ``account.updated`` event carries."""
    return _account_status(event.object)


# ---- the client and error handling ----------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _client_for(api_base: str, secret_key: str, retries: int, timeout: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": api_base, "connect": api_base, "files": api_base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def _client(own_retries: bool = True) -> stripe.StripeClient:
    config = current_app.config
    if not config.get("STRIPE_SECRET_KEY"):
        raise GatewayError(_("Payments are not set up on this server (no Stripe key)."))
    return _client_for(config["STRIPE_API_BASE"].rstrip("/"), config["STRIPE_SECRET_KEY"],
                       int(config["STRIPE_MAX_NETWORK_RETRIES"]) if own_retries else 0,
                       int(config["STRIPE_TIMEOUT_SECONDS"]))


def _post(call: Callable[[stripe.StripeClient, dict], Any], idempotency_key: str,
          unavailable: str, pace: Pace | None = None) -> Any:
    if not isinstance(idempotency_key, str) or not idempotency_key.strip():
        raise ValueError("every POST to the gateway needs an idempotency key")
    options = {"idempotency_key": idempotency_key}
    return _call(lambda client: call(client, options), unavailable, pace)


def _call(call: Callable[[stripe.StripeClient], Any], unavailable: str, pace: Pace | None = None) -> Any:
    """The call's answer as plain JSON values (dicts and lists), or a GatewayError. With
    ``pace``, every attempt waits for it first and the retries of network errors and 5xx are
    made here rather than by the client (so they are paced too)."""
    client = _client(own_retries=pace is None)
    retries = int(current_app.config["STRIPE_MAX_NETWORK_RETRIES"])
    attempt = 0
    while True:
        if pace is not None:
            pace()
        try:
            answer = call(client)
            return answer.to_dict() if isinstance(answer, stripe.StripeObject) else answer
        except stripe.RateLimitError as error:
            if attempt >= retries:
                log.warning("Stripe still rate-limiting after %d retries", retries)
                raise GatewayUnavailable(unavailable, code="rate_limit") from error
            attempt += 1
            if pace is None:
                time.sleep(_backoff_seconds(attempt))
            else:  # the next start in the shared budget: no blind sleep, no burst
                log.warning("Stripe answered 429; retry %d at the next paced start, same key", attempt)
        except (stripe.APIConnectionError, stripe.APIError) as error:
            if pace is None or attempt >= retries:
                raise _domain_error(error, unavailable) from error
            attempt += 1
            time.sleep(_backoff_seconds(attempt))
        except stripe.StripeError as error:
            raise _domain_error(error, unavailable) from error


def _backoff_seconds(attempt: int) -> float:
    # The same curve as the client's own retries: 0.5 s doubling to 5 s, with jitter so
    # that several runners do not retry in step.
    return max(0.5, min(0.5 * 2 ** (attempt - 1), 5.0) * random.uniform(0.5, 1.0))


def _domain_error(error: stripe.StripeError, unavailable: str) -> GatewayError:
    code = getattr(error, "code", None)
    log.warning("Stripe error %s (%s): %s", error.http_status, code, error.user_message)
    if isinstance(error, stripe.CardError):
        decline_code = getattr(error.error, "decline_code", None) if error.error else None
        return CardDeclined(decline_sentence(code, decline_code), code=code)
    if isinstance(error, (stripe.APIConnectionError, stripe.APIError)):
        return GatewayUnavailable(unavailable, code=code)
    if isinstance(error, (stripe.AuthenticationError, stripe.PermissionError)):
        return GatewayError(_("The payment service refused our credentials; nothing was "
                              "charged. Staff need to check the Stripe keys."), code=code)
    if code == "insufficient_capabilities_for_transfer":
        return GatewayError(_("That payout account cannot receive transfers yet: its "
                              "onboarding is not finished."), code=code)
    if code == "balance_insufficient":
        return GatewayError(_("The platform's Stripe balance is too low for this transfer."),
                            code=code)
    if code == "resource_missing" or error.http_status == 404:
        return GatewayError(_("The payment service has no record of that."), code=code)
    return GatewayError(_("The payment service refused the request: %(message)s",
                          message=error.user_message or code or error.http_status), code=code)


def _unavailable_nothing_charged() -> str:
    return _("The payment service is unavailable; nothing was charged.")


def _unavailable_try_later() -> str:
    return _("The payment service is unavailable; please try again in a few minutes.")


# ---- conversions -------------------------------------------------------------------------------

def _positive_cents(amount_cents: int) -> int:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(f"amounts are positive whole minor units, got {amount_cents!r}")
    return amount_cents


def _metadata(metadata: dict | None) -> dict[str, str]:
    return {str(key): str(value) for key, value in (metadata or {}).items()}


def _when(timestamp: int) -> datetime:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc)


def _id(value: Any) -> str | None:
    """An expandable field: an id, or the object it names."""
    return value.get("id") if isinstance(value, dict) else value


def _payment_intent(intent: dict) -> PaymentIntent:
    error = intent.get("last_payment_error")
    failure = decline_sentence(error.get("code"), error.get("decline_code")) if error else None
    return PaymentIntent(
        id=intent["id"], status=intent["status"], amount_cents=int(intent["amount"]),
        currency=intent["currency"].upper(), client_secret=intent.get("client_secret"),
        customer_id=_id(intent.get("customer")),
        metadata=dict(intent.get("metadata") or {}), failure=failure,
    )


def _account_status(account: dict) -> AccountStatus:
    requirements = account.get("requirements") or {}
    due = tuple(requirements.get("currently_due") or ()) + tuple(
        name for name in (requirements.get("past_due") or ())
        if name not in (requirements.get("currently_due") or ()))
    capabilities = account.get("capabilities") or {}
    return AccountStatus(
        id=account["id"], email=account.get("email"),
        details_submitted=bool(account.get("details_submitted")),
        charges_enabled=bool(account.get("charges_enabled")),
        payouts_enabled=bool(account.get("payouts_enabled")),
        can_receive_transfers=capabilities.get("transfers") == "active",
        requirements_due=in_plain_words(due), requirement_codes=due,
        disabled_reason=requirements.get("disabled_reason"),
    )


def _transfer(transfer: dict) -> Transfer:
    return Transfer(
        id=transfer["id"], amount_cents=int(transfer["amount"]),
        currency=transfer["currency"].upper(), destination=_id(transfer["destination"]),
        transfer_group=transfer.get("transfer_group"),
        metadata=dict(transfer.get("metadata") or {}), created=_when(transfer["created"]),
        reversed=bool(transfer.get("reversed")),
    )
