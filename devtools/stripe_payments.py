# Pappus development tools: card payments on the local Stripe-compatible server.
# Copyright the Pappus contributors. Extends localstripe (Copyright 2017 Adrien Vergé).
#
# This program is free software: you can redistribute it and/or modify it under the terms
# of the GNU General Public License as published by the Free Software Foundation, either
# version 3 of the License, or (at your option) any later version. It is distributed
# WITHOUT ANY WARRANTY; see <https://www.gnu.org/licenses/>.
"""Card payments as a payment page makes them: confirm a PaymentIntent with a typed card.

localstripe's PaymentIntent confirm takes no payment method and needs the secret key, and its
stand-in Stripe.js only runs the 3-D Secure dialog. Here:

- ``POST /v1/payment_intents/<id>/confirm`` accepts ``payment_method`` (an id, including
  Stripe's ``pm_card_*`` test ids) or ``payment_method_data`` (a typed card), either with the
  secret key or, as Stripe.js does in a browser, with the publishable key and the
  PaymentIntent's client secret;
- Stripe's declining test cards decline when charged, with Stripe's codes and messages
  (localstripe declines ``4000 0000 0000 0002`` only when attached to a customer);
- the served Stripe.js is localstripe's plus ``confirmCardPayment`` with a card element.
"""
from __future__ import annotations

import re
from pathlib import Path

import localstripe
from aiohttp import web
from localstripe.errors import UserError
from localstripe.resources import Charge, PaymentIntent, PaymentMethod
from localstripe.server import get_api_key, get_post_data, json_response, unflatten_data

# Stripe's test cards that decline when charged: number -> (code, decline_code, message).
DECLINES = {
    "4000000000000002": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000000341": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": ("card_declined", "insufficient_funds",
                         "Your card has insufficient funds."),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", "incorrect_cvc",
                         "Your card's security code is incorrect."),
    "4000000000000119": ("processing_error", "processing_error", "An error occurred while "
                         "processing your card. Try again in a little bit."),
}
# Stripe's test PaymentMethod ids for those cards, beside localstripe's own pm_card_visa.
TEST_PAYMENT_METHODS = {
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_threeDSecure2Required": "4000000000003220",
}
_LOCALSTRIPE_JS = Path(localstripe.__file__).with_name("localstripe-v3.js")
_EXTENSION_JS = Path(__file__).with_name("stripe_js_extension.js")
_CONFIRM_PATH = re.compile(r"^/v1/payment_intents/\w+/confirm$")


def install_card_rules() -> None:
    """Teach localstripe's classes Stripe's declining test cards (idempotent)."""
    if getattr(PaymentMethod, "_pappus_cards", False):
        return
    charging_is_declined = PaymentMethod._charging_is_declined
    canonical = PaymentMethod._try_get_canonical_test_article.__func__

    def _charging_is_declined(self):
        return getattr(self, "_card_number", None) in DECLINES or charging_is_declined(self)

    def _try_get_canonical_test_article(cls, id):
        number = TEST_PAYMENT_METHODS.get(id)
        if number:
            return PaymentMethod(type="card", card={"number": number, "exp_month": "12",
                                                    "exp_year": "2034", "cvc": "123"})
        return canonical(cls, id)

    def _set_auth_failure(self):
        method = PaymentMethod._api_retrieve(self.payment_method)
        code, decline, message = DECLINES.get(
            getattr(method, "_card_number", None),
            ("card_declined", "generic_decline", "Your card was declined."))
        self.status = "failed"
        self.failure_code = code
        self.failure_message = message
        self.outcome = {"type": "issuer_declined", "reason": decline,
                        "network_status": "declined_by_network"}

    def _raise_failure(self):
        error = UserError(402, self.failure_message, {
            "code": self.failure_code,
            "decline_code": (getattr(self, "outcome", None) or {}).get("reason"),
            "charge": self.id,
            "payment_intent": self.payment_intent,
        })
        error.body["error"]["type"] = "card_error"
        raise error

    PaymentMethod._charging_is_declined = _charging_is_declined
    PaymentMethod._try_get_canonical_test_article = classmethod(_try_get_canonical_test_article)
    Charge._set_auth_failure = _set_auth_failure
    Charge._raise_failure = _raise_failure
    PaymentMethod._pappus_cards = True


def is_browser_confirm(request: web.Request) -> bool:
    """The confirm route checks its own credentials (publishable key + client secret)."""
    return request.method == "POST" and bool(_CONFIRM_PATH.match(request.path))


async def confirm_payment_intent(request: web.Request) -> web.Response:
    data = await get_post_data(request, remove_auth=False) or {}
    data.update(unflatten_data(request.query) or {})
    key = data.pop("key", None)
    client_secret = data.pop("client_secret", None)
    for ignored in ("payment_user_agent", "referrer", "use_stripe_sdk", "return_url",
                    "off_session", "mandate_data", "setup_future_usage"):
        data.pop(ignored, None)
    expand = data.pop("expand", None)
    method_id = data.pop("payment_method", None)
    method_data = data.pop("payment_method_data", None)
    if data:
        raise UserError(400, "Received unknown parameter: " + sorted(data)[0])

    intent = PaymentIntent._api_retrieve(request.match_info["id"])
    if get_api_key(request) is None:
        # A browser: Stripe.js proves itself with the publishable key and the client secret.
        if not (isinstance(key, str) and key.startswith("pk_")
                and client_secret == intent.client_secret):
            raise UserError(401, "Unauthorized")

    method = None
    if method_data is not None:
        method = PaymentMethod(**_card_data(method_data))
    elif method_id is not None:
        method = PaymentMethod._api_retrieve(method_id)
    if method is not None:
        if intent.status not in ("requires_payment_method", "requires_confirmation",
                                 "requires_action"):
            raise _unexpected_state(intent)
        intent.payment_method = method.id
        intent.latest_charge = None  # a new card after a decline starts a new attempt
        intent.next_action = None
        intent._authentication_failed = False
    if intent.status != "requires_confirmation":
        raise _unexpected_state(intent)
    intent._confirm(on_failure_now=intent._report_failure)
    return json_response(intent._export(expand=expand))


def _card_data(method_data) -> dict:
    if not isinstance(method_data, dict) or method_data.get("type", "card") != "card":
        raise UserError(400, "payment_method_data must describe a card")
    card = method_data.get("card")
    if not isinstance(card, dict):
        raise UserError(400, "Missing required param: payment_method_data[card].")
    digits = {name: re.sub(r"\D", "", str(card.get(name, ""))) for name in
              ("number", "exp_month", "exp_year", "cvc")}
    if len(digits["number"]) != 16:
        raise UserError(402, "Your card number is incomplete.",
                        {"code": "incomplete_number", "param": "card[number]"})
    if len(digits["exp_year"]) == 2:
        digits["exp_year"] = "20" + digits["exp_year"]
    if not digits["exp_month"] or not digits["exp_year"] or len(digits["cvc"]) != 3:
        raise UserError(402, "Your card's expiry date or security code is incomplete.",
                        {"code": "incomplete_expiry", "param": "card[exp_month]"})
    billing = method_data.get("billing_details")
    return {"type": "card", "card": digits,
            "billing_details": billing if isinstance(billing, dict) else None}


def _unexpected_state(intent) -> UserError:
    return UserError(400, f"This PaymentIntent's status is {intent.status}; "
                          "it cannot be confirmed.",
                     {"code": "payment_intent_unexpected_state"})


async def stripe_js(request: web.Request) -> web.Response:
    """localstripe's stand-in Stripe.js followed by Pappus's extension of it."""
    text = _LOCALSTRIPE_JS.read_text(encoding="utf-8") + "\n" + \
        _EXTENSION_JS.read_text(encoding="utf-8")
    return web.Response(text=text, content_type="application/javascript",
                        headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application) -> None:
    app.router.add_post("/v1/payment_intents/{id}/confirm", confirm_payment_intent)
    app.router.add_get("/js.stripe.com/v3/", stripe_js)
