"""A creator on a phone is told of an invitation: the unread count in the menu, the sentence
on the notifications page (fits 390 px), and marking everything read clears the count."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def invited(live_app):
    from tests.factories import make_order

    with live_app.app_context():
        order = make_order("invited")
        return {"email": order.creator.user.email, "brand": order.brand.company_name,
                "brief": order.brief.title}


def test_a_creator_reads_an_invitation_on_a_phone(page: Page, invited):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    page.get_by_label("Email").fill(invited["email"])
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_text("Menu").click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications")
    expect(link.locator(".unread-count")).to_have_text("1")
    link.click()

    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_text(f"{invited['brand']} invited you to the brief “{invited['brief']}”")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    expect(page.locator(".unread-count")).to_have_count(0)
