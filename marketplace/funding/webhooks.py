"""Stripe's webhooks: verified on the raw body, kept once per event id, then applied.

:func:`receive` is the whole endpoint's work in one transaction: verify the signature
(``gateway.verify_webhook``; a bad one is refused before anything is read), store the event
id (a redelivery finds it and changes nothing), and apply it:

- ``payment_intent.succeeded`` credits the top-up's brand through the ledger, once: the
  top-up row is locked and re-checked, and the ledger's unique ``topup-<id>`` reference
  stops a second booking even if two different events say the same thing;
- ``payment_intent.payment_failed`` / ``canceled`` note the failure, unless the top-up has
  already succeeded (an event that arrives late never undoes a payment);
- ``account.updated`` refreshes the creator's payout account
  (:func:`marketplace.payout_accounts.service.apply_status`), ignoring an event older
  than the state already kept.

Other event types are stored and ignored.
"""
from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.funding.models import StripeEvent, TopUp, TopUpState
from marketplace.ledger import service as ledger
from marketplace.money import Money
from marketplace.payments import gateway
from marketplace.payout_accounts import service as payout_accounts
from marketplace.transaction import refuse_duplicates

log = logging.getLogger(__name__)
ACTOR = "system:stripe-webhook"


class AlreadyReceived(Conflict):
    """The event was received before (a redelivery); the endpoint answers 200 all the same."""


# Two deliveries of one event racing each other: the second commit meets the unique id.
refuse_duplicates("uq_stripe_events_event_id", lambda: AlreadyReceived(_("This event was already received.")))


def receive(payload: bytes, signature: str | None) -> StripeEvent:
    """Verify, store and apply one webhook (only flushed). Raises WebhookSignatureInvalid (400)
    for a bad signature and AlreadyReceived for an event id seen before."""
    event = gateway.verify_webhook(payload, signature)
    if db.session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event.id)) is not None:
        raise AlreadyReceived(_("This event was already received."))
    row = StripeEvent(event_id=event.id, type=event.type, object_id=str(event.object.get("id", ""))[:255],
                      account=event.account or "", created=event.created, received_at=clock.now())
    db.session.add(row)
    db.session.flush()
    handler = _HANDLERS.get(event.type)
    row.outcome = (handler(event) if handler else "ignored")[:255]
    db.session.flush()
    log.info("stripe event %s %s: %s", event.id, event.type, row.outcome)
    return row


def _topup_for(intent: gateway.PaymentIntent) -> TopUp | None:
    query = select(TopUp).with_for_update(of=TopUp)  # not the eagerly joined brand row
    found = db.session.scalar(query.where(TopUp.payment_intent_id == intent.id))
    if found is None and str(intent.metadata.get("topup_id", "")).isdigit():
        # The intent was made but its id never stored (a crash between Stripe's answer and
        # our commit): the metadata still names the top-up.
        found = db.session.scalar(query.where(TopUp.id == int(intent.metadata["topup_id"]),
                                              TopUp.payment_intent_id.is_(None)))
        if found is not None:
            found.payment_intent_id = intent.id
    return found


def _payment_succeeded(event: gateway.WebhookEvent) -> str:
    intent = gateway.payment_intent_in(event)
    topup = _topup_for(intent)
    if topup is None:
        return f"no top-up for {intent.id}"
    if (intent.amount_cents, intent.currency) != (topup.amount_cents, topup.currency):
        log.error("top-up %s: Stripe charged %s %s, the row says %s %s", topup.id, intent.amount_cents,
                  intent.currency, topup.amount_cents, topup.currency)
        return f"amount differs from top-up {topup.id}; not credited"
    topup.intent_status = intent.status
    if topup.state == TopUpState.SUCCEEDED:
        return f"top-up {topup.id} already credited"
    ledger.credit_topup(topup.brand_id, Money(topup.amount_cents, topup.currency), topup.reference,
                        memo=f"Card payment {intent.id}", actor=ACTOR)
    topup.state = TopUpState.SUCCEEDED
    topup.failure = ""
    topup.credited_at = clock.now()
    return f"top-up {topup.id} credited"


def _payment_failed(event: gateway.WebhookEvent) -> str:
    intent = gateway.payment_intent_in(event)
    topup = _topup_for(intent)
    if topup is None:
        return f"no top-up for {intent.id}"
    if topup.state == TopUpState.SUCCEEDED:
        return f"top-up {topup.id} already credited; late event ignored"
    topup.intent_status = intent.status
    topup.state = TopUpState.FAILED
    topup.failure = (intent.failure or (_("The payment was cancelled.") if intent.status == "canceled"
                                        else _("The card was declined.")))[:255]
    return f"top-up {topup.id} failed"


def _account_updated(event: gateway.WebhookEvent) -> str:
    return payout_accounts.apply_status(gateway.account_in(event), as_of=event.created)


_HANDLERS = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.canceled": _payment_failed,
    "account.updated": _account_updated,
}
