"""Funding pages: the brand's balance and card top-ups, Stripe's webhook endpoint, and the
staff payments page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.access import PUBLIC, audience
from marketplace.auth.models import Role
from marketplace.brands.service import profile_for
from marketplace.extensions import csrf
from marketplace.forms import PostOnlyForm
from marketplace.funding import service, webhooks
from marketplace.funding.forms import TopUpForm
from marketplace.funding.models import TopUpState
from marketplace.ledger import listing
from marketplace.ledger import service as ledger
from marketplace.ledger.models import AccountKind
from marketplace.money import Money, to_cents
from marketplace.payments.errors import GatewayError, WebhookSignatureInvalid
from marketplace.security import csp_with_stripe
from marketplace.transaction import run
from marketplace.web import perform

bp = Blueprint("funding", __name__)


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.route("/brand/balance", methods=["GET", "POST"])
@audience(Role.BRAND)
def balance():
    brand = profile_for(current_user)
    form = TopUpForm()
    if brand is not None and form.validate_on_submit():
        currency = service.currency()
        amount = Money(to_cents(form.amount.data, currency), currency)
        # Two commits: the row and its key, then the PaymentIntent under that key.
        started = perform(lambda: service.start_topup(current_user, brand, amount), form)
        if started:
            topup_id = started.value.id
            perform(lambda: service.create_intent(service.load_topup(current_user, topup_id)))
            return redirect(url_for("funding.topup", topup_id=topup_id))
    currency = service.currency()
    available, held = ledger.brand_balance(brand.id, currency) if brand else (Money(0, currency),) * 2
    moves = ledger.movements((AccountKind.BRAND_AVAILABLE, brand.id), _page()) if brand else None
    return render_template("funding/balance.html", brand=brand, form=form, available=available, held=held,
                           moves=moves, topups=service.topups_for(brand.id) if brand else [],
                           txn_kind_label=lambda kind: listing.TXN_KIND_LABELS.get(kind, kind)), \
        (422 if form.errors else 200)


@bp.route("/brand/top-ups/<int:topup_id>")
@audience(Role.BRAND)
def topup(topup_id: int):
    found = service.load_topup(current_user, topup_id) or abort(404)
    intent, problem = None, None
    if found.state != TopUpState.SUCCEEDED and found.payment_intent_id:
        try:
            intent = service.intent_for_page(found)
        except GatewayError as error:
            problem = error.reason
    config = current_app.config
    response = current_app.make_response(render_template(
        "funding/topup.html", topup=found, intent=intent, problem=problem, form=PostOnlyForm(),
        publishable_key=config["STRIPE_PUBLISHABLE_KEY"], stripe_js_url=config["STRIPE_JS_URL"]))
    if intent is not None and not intent.succeeded:
        response.headers["Content-Security-Policy"] = csp_with_stripe(config["STRIPE_JS_URL"],
                                                                      config["STRIPE_API_BASE"])
    return response


@bp.route("/brand/top-ups/<int:topup_id>/retry", methods=["POST"])
@audience(Role.BRAND)
def retry(topup_id: int):
    found = service.load_topup(current_user, topup_id) or abort(404)
    if PostOnlyForm().validate_on_submit():
        perform(lambda: service.create_intent(found))
    return redirect(url_for("funding.topup", topup_id=topup_id))


@bp.route("/staff/payments")
@audience(Role.STAFF)
def staff_payments():
    return render_template("funding/staff_payments.html", topups=service.recent_topups(),
                           events=service.recent_events())


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
