"""An order carried through the real pages in Chromium, both ways in:

- invite → accept → draft → revision → approve → publish → the note is found in search with
  its sponsor label, and the label leads to the filing receipt with the order's reference;
- apply → select → draft → approve → publish.

The brand and the creator each use their own browser (separate contexts, separate cookies).
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cast(live_app):
    from tests.factories import fund_brand, make_brand, make_brief, make_eligible_creator

    with live_app.app_context():
        brand = make_brand(company_name="Orchid Suncare")
        fund_brand(brand, 5_000_000)
        inviting = make_brief(brand, title="Orchid sunscreen invite", must_include="SPF 50\nreapply",
                              must_avoid="greasy")
        recruiting = make_brief(brand, title="Orchid lip balm casting")
        creator = make_eligible_creator(handle="orchidfan", categories=("beauty",))
        applicant = make_eligible_creator(handle="balmlover", categories=("beauty",))
        return {"brand": brand.user.email, "creator": creator.user.email, "applicant": applicant.user.email,
                "inviting": inviting.id, "recruiting": recruiting.id}


def _person(browser: Browser, base_url: str, email: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _hand_in(page: Page, order_url: str, title: str, body: str, tags: str, image: bytes | None = None) -> None:
    page.goto(order_url)
    page.locator(".od-actions a", has_text="Hand in").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Text").fill(body)
    page.get_by_label("Tags").fill(tags)
    if image:
        page.get_by_label("Images").set_input_files({"name": "sun.jpg", "mimeType": "image/jpeg", "buffer": image})
    page.get_by_role("button", name="Hand in for review").click()
    expect(page.get_by_text("Your draft is handed in.")).to_be_visible()


def test_invite_accept_revise_approve_publish_and_find_it_in_search(browser, live_server, cast):
    brand = _person(browser, live_server, cast["brand"])
    creator = _person(browser, live_server, cast["creator"])
    try:
        # The brand invites from the brief's ranked creators.
        brand.goto(f"/briefs/{cast['inviting']}/matches")
        brand.locator(".mk-result", has_text="@orchidfan").get_by_role("link", name="Invite").click()
        brand.get_by_label("Message to the creator").fill("We love your sun routines.")
        brand.get_by_role("button", name="Send invitation").click()
        expect(brand.get_by_text("Invitation sent to @orchidfan.")).to_be_visible()
        expect(brand.locator(".od-deadline")).to_contain_text(re.compile(r"The creator has 2 days \d+ hours to answer the invitation\."))
        order_url = brand.url.split("?")[0]
        reference = brand.locator("h1").inner_text().removeprefix("Order ").strip()

        # The creator finds it in their orders and accepts: the money is held.
        creator.get_by_role("link", name="Orders").first.click()
        creator.get_by_role("link", name="Orchid sunscreen invite").click()
        creator.get_by_role("button", name="Accept").click()
        expect(creator.get_by_text("You accepted the order.")).to_be_visible()
        expect(creator.locator(".od-escrow-now")).to_have_text("CN¥1,100.00")
        expect(creator.get_by_text("Expected payout: CN¥1,000.00")).to_be_visible()

        from marketplace.notes.demo_art import cover
        _hand_in(creator, order_url, "Orchid sunscreen day", "SPF 50 under makeup, all day.", "sunscreen",
                 image=cover(2, "防晒"))
        expect(creator.locator(".od-images img")).to_have_count(1)

        # The brand sees the checklist and asks for a revision.
        brand.goto(order_url)
        expect(brand.locator(".od-deadline")).to_contain_text(re.compile(r"The brand has 2 days \d+ hours to review the draft"))
        expect(brand.locator(".od-checklist")).to_contain_text("not found in the draft")
        brand.get_by_label("Comments for the creator").fill("Please say to reapply.")
        brand.get_by_role("button", name="Request a revision").click()
        expect(brand.get_by_text("You asked for a revision.")).to_be_visible()

        _hand_in(creator, order_url, "Orchid sunscreen day",
                 "SPF 50 under makeup, all day. Remember to reapply at noon.", "sunscreen orchidsun")
        creator.goto(order_url + "/drafts")
        expect(creator.locator(".od-diff ins").first).to_have_text("Remember to reapply at noon.")

        brand.goto(order_url)
        brand.get_by_role("button", name="Approve the draft").click()
        expect(brand.get_by_text("You approved the draft.")).to_be_visible()

        creator.goto(order_url)
        creator.get_by_role("button", name="Publish").click()
        expect(creator.get_by_text("Your note is published and filed for the brand.")).to_be_visible()
        creator.get_by_role("link", name="Open the note").click()
        expect(creator.locator(".sponsor-label")).to_have_text("Sponsored · Orchid Suncare")
        expect(creator.locator(".note-gallery img, .note-page img").first).to_be_visible()

        # Anyone finds it in search, labelled, and the label leads to the receipt.
        creator.goto("/search?q=orchidsun")
        card = creator.locator(".note-card", has_text="Orchid sunscreen day")
        expect(card).to_be_visible()
        label = card.locator(".sponsor-label")
        expect(label).to_have_text("Sponsored · Orchid Suncare")
        label.click()
        expect(creator.locator("main")).to_contain_text(reference)
    finally:
        brand.context.close()
        creator.context.close()


def test_apply_select_draft_approve_publish(browser, live_server, cast):
    brand = _person(browser, live_server, cast["brand"])
    applicant = _person(browser, live_server, cast["applicant"])
    try:
        applicant.goto(f"/briefs/{cast['recruiting']}")
        applicant.get_by_role("link", name="Apply to this brief").click()
        applicant.get_by_label("Your pitch").fill("Balms are my thing.")
        applicant.get_by_role("button", name="Send application").click()
        expect(applicant.get_by_text("Your application is sent.")).to_be_visible()
        order_url = applicant.url.split("?")[0]

        brand.goto(f"/briefs/{cast['recruiting']}")
        brand.get_by_role("link", name="Applicants").click()
        row = brand.locator(".mk-result", has_text="@balmlover")
        expect(row).to_contain_text("Balms are my thing.")
        row.get_by_role("button", name="Select").click()
        expect(brand.get_by_text("You selected this creator.")).to_be_visible()

        _hand_in(applicant, order_url, "Balm all winter", "Soft lips in the cold.", "lipbalm")
        brand.goto(order_url)
        brand.get_by_role("button", name="Approve the draft").click()
        applicant.goto(order_url)
        applicant.get_by_role("button", name="Publish").click()
        expect(applicant.get_by_text("Your note is published and filed for the brand.")).to_be_visible()
        expect(applicant.locator("main .badge").first).to_have_text("published")
    finally:
        brand.context.close()
        applicant.context.close()
