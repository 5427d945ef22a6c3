"""The local server's stand-in Stripe.js in a real Chromium: a card typed into its card element
pays a PaymentIntent (4242...) or is declined (4000 0000 0000 0002), as on Stripe.

The payment page here is a minimal one served from its own loopback port, so the browser
sees what it sees in development: the page on one loopback origin, Stripe on another (a
page Playwright made up would count as public, and Chromium keeps public pages away from
loopback addresses). The brand top-up page builds on the same calls.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.payments import gateway

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Checkout</title></head><body>
<form id="pay"><div id="card"></div><button id="submit">Pay</button></form>
<p id="result"></p>
<script src="{js_url}"></script>
<script>
const stripe = Stripe({publishable_key});
const card = stripe.elements().create('card');
card.mount('#card');
document.getElementById('pay').addEventListener('submit', async (event) => {{
  event.preventDefault();
  const result = await stripe.confirmCardPayment({client_secret}, {{payment_method: {{card}}}});
  document.getElementById('result').textContent = result.error
    ? 'error: ' + result.error.message : 'paid: ' + result.paymentIntent.status;
}});
</script></body></html>"""


@pytest.fixture
def checkout(live_app, stripe_server, page):
    """Opens a checkout page for a new PaymentIntent; returns the intent's id."""
    stripe_server.reset()
    live_app.config.update(stripe_server.config())
    html = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html["page"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def open_checkout(key: str) -> str:
        with live_app.app_context():
            intent = gateway.create_payment_intent(8_800, "CNY", idempotency_key=key)
        html["page"] = PAGE.format(js_url=stripe_server.config()["STRIPE_JS_URL"],
                                   publishable_key=json.dumps(stripe_server.publishable_key),
                                   client_secret=json.dumps(intent.client_secret))
        page.goto(f"http://127.0.0.1:{server.server_port}/checkout")
        return intent.id

    try:
        yield open_checkout
    finally:
        server.shutdown()
        server.server_close()


def pay(page, number: str) -> str:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("MM").fill("12")
    page.get_by_label("YY").fill("34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("ZIP").fill("200000")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_function("document.getElementById('result').textContent !== ''")
    return page.locator("#result").text_content()


def test_a_test_card_pays(checkout, page, live_app):
    intent_id = checkout("e2e-topup-1")
    assert pay(page, "4242 4242 4242 4242") == "paid: succeeded"
    with live_app.app_context():
        assert gateway.retrieve_payment_intent(intent_id).succeeded


def test_a_declining_test_card_is_declined_and_another_card_can_follow(checkout, page,
                                                                      live_app):
    intent_id = checkout("e2e-topup-2")
    assert pay(page, "4000 0000 0000 0002") == "error: Your card was declined."
    with live_app.app_context():
        assert gateway.retrieve_payment_intent(intent_id).failure == "The card was declined."
    page.evaluate("document.getElementById('result').textContent = ''")
    assert pay(page, "4242424242424242") == "paid: succeeded"
