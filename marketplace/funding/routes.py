"""Funding pages: Stripe's webhook endpoint (more pages follow in this module)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace.access import PUBLIC, audience
from marketplace.extensions import csrf
from marketplace.funding import webhooks
from marketplace.payments.errors import WebhookSignatureInvalid
from marketplace.transaction import run

bp = Blueprint("funding", __name__)


@bp.route("/webhooks/stripe", methods=["POST"])
@audience(PUBLIC)  # Stripe signs the body instead of logging in; the signature is the check
@csrf.exempt
def stripe_webhook():
    outcome = run(lambda: webhooks.receive(request.get_data(cache=False), request.headers.get("Stripe-Signature")))
    if outcome:
        return jsonify(received=True, outcome=outcome.value.outcome)
    if isinstance(outcome.error, webhooks.AlreadyReceived):
        return jsonify(received=True, outcome="duplicate")
    status = 400 if isinstance(outcome.error, WebhookSignatureInvalid) else 422
    return jsonify(error=outcome.error.reason), status
