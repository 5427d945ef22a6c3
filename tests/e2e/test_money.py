"""Money in a real browser: a brand tops up by card with Stripe.js (the local stand-in) and sees
its balance credited once Stripe's signed webhook reaches the live server; a creator connects
a payout account, finishes onboarding, and its dashboard stops listing the payouts rule."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e
WEBHOOK_WAIT_S = 15  # the local server delivers within a second; a busy machine needs more


@pytest.fixture
def stripe(live_app, live_server, stripe_server):
    stripe_server.reset()
    live_app.config.update(stripe_server.config())
    stripe_server.add_webhook(f"{live_server}/webhooks/stripe")
    yield stripe_server
    stripe_server.reset()


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def reload_until(page: Page, text: str) -> None:
    """Reload until ``text`` shows: the webhook arrives on its own, after the browser is done."""
    deadline = time.monotonic() + WEBHOOK_WAIT_S
    page.wait_for_load_state()
    while text not in page.content():
        assert time.monotonic() < deadline, f"{text!r} never appeared on {page.url}"
        page.wait_for_timeout(250)
        page.reload(wait_until="load")


def test_a_brand_tops_up_by_card_and_sees_its_balance(page: Page, live_app, stripe):
    from tests.factories import make_brand

    with live_app.app_context():
        email = make_brand(company_name="GlowLab").user.email
    log_in(page, email)
    page.goto("/brand/balance")
    page.get_by_label("Amount to add").fill("888")
    page.get_by_role("button", name="Continue to payment").click()

    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("MM").fill("12")
    page.get_by_label("YY").fill("34")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("ZIP").fill("200000")
    page.get_by_role("button", name="Pay CN¥888.00").click()
    expect(page.locator("#topup-result")).to_be_visible()  # back on our page, paid at Stripe

    reload_until(page, "was added to your balance")
    page.goto("/brand/balance")
    expect(page.locator("#available")).to_have_text("CN¥888.00")


def test_a_creator_connects_a_payout_account_and_the_rule_goes(page: Page, live_app, stripe):
    from tests.factories import make_creator

    with live_app.app_context():
        email = make_creator(handle="e2e_payouts").user.email
    log_in(page, email)
    page.goto("/creator")
    expect(page.get_by_text("You have no payout account connected.")).to_be_visible()

    page.goto("/creator/payouts/")
    page.get_by_role("button", name="Connect a payout account").click()
    page.get_by_role("button", name="Finish onboarding (verified)").click()  # Stripe's page
    expect(page.get_by_role("heading", name="Payout account")).to_be_visible()
    reload_until(page, "Payouts are enabled on your Stripe account.")

    page.goto("/creator")
    expect(page.get_by_text("Stripe still needs")).to_have_count(0)
    expect(page.get_by_text("You have no payout account connected.")).to_have_count(0)
    expect(page.get_by_text("Your identity is not confirmed yet.")).to_have_count(0)
