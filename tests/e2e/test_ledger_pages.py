"""Staff read the ledger on a phone: every ledger page fits a 390 px screen (stacked cards,
no sideways scrolling), and a search finds a brand's bookings."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def books(live_app):
    """A staff member, and a brand with a long name whose money was topped up, held for an
    order and settled to a creator, in the live server's database."""
    from marketplace.extensions import db
    from marketplace.ledger import service as ledger
    from marketplace.money import Money
    from tests.factories import make_brand, make_creator, make_user

    with live_app.app_context():
        staff = make_user("staff")
        brand = make_brand(company_name="Verdant Botanicals International Trading Company Limited")
        creator = make_creator(handle="a_very_long_creator_handle_for_phones")
        ledger.credit_topup(brand.id, Money(12_345_678, "CNY"), "topup-stripe-pi_3PqLongPaymentIntentId0001")
        ledger.hold(brand.id, 501, Money(3_300_000, "CNY"), "order-501-hold")
        ledger.settle(501, creator.id, Money(3_000_000, "CNY"), Money(300_000, "CNY"), Money(0, "CNY"),
                      "order-501-settle")
        db.session.commit()
        return {"staff": staff.email}


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px screen"


def test_staff_read_the_ledger_on_a_phone(page: Page, books):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("Email").fill(books["staff"])
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/staff/ledger/")
    expect(page.get_by_role("heading", name="Ledger accounts")).to_be_visible()
    expect(page.get_by_text("CN¥90,456.78").first).to_be_visible()  # the brand's available balance
    _fits(page)

    page.get_by_role("link", name="Transactions", exact=True).first.click()
    expect(page.get_by_text("order-501-settle")).to_be_visible()
    _fits(page)

    page.get_by_label("Search").fill("@a_very_long")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("order-501-settle")).to_be_visible()
    expect(page.get_by_text("order-501-hold")).to_have_count(0)  # the creator is not in it
    page.get_by_label("Search").fill("Verdant")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("topup-stripe-pi_3PqLongPaymentIntentId0001")).to_be_visible()
    _fits(page)

    page.get_by_text("topup-stripe-pi_3PqLongPaymentIntentId0001").click()
    expect(page.get_by_text("Top-up").first).to_be_visible()
    _fits(page)

    page.get_by_role("link", name="Brand available · Verdant Botanicals International Trading Company Limited").click()
    expect(page.get_by_text("balance after: CN¥90,456.78")).to_be_visible()
    _fits(page)
