"""A brand posts a brief and sees ranked, explained creators; a matching creator sees the
brief ranked for them with its reasons. Driven through the real pages in Chromium."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cast(live_app):
    """A verified brand with one open brief; two eligible beauty creators (the second with a
    weaker engagement rate and a quote above the fee), one travel-only creator and one with
    too few followers, created in the live server's database."""
    from tests.factories import make_brand, make_brief, make_eligible_creator

    with live_app.app_context():
        brand = make_brand(company_name="Lumen Skincare")
        beauty = make_eligible_creator(handle="glowdiary", categories=("beauty",), followers=20000,
                                       engagement_bps=500, image_quote_cents=60000)
        second = make_eligible_creator(handle="secondlook", categories=("beauty", "travel"),
                                       followers=50000, engagement_bps=200, image_quote_cents=100000)
        travel = make_eligible_creator(handle="trailnotes", categories=("travel",), followers=50000)
        small = make_eligible_creator(handle="tinyvoice", categories=("beauty",), followers=400)
        make_brief(brand, title="Lip balm duo", categories=("beauty",))
        return {"brand": brand.user.email, "beauty": beauty.user.email,
                "handles": (beauty.handle, second.handle, travel.handle, small.handle)}


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_brand_posts_a_brief_and_sees_ranked_explained_creators(page: Page, cast):
    beauty, second, travel, small = cast["handles"]
    _log_in(page, cast["brand"])
    page.goto("/briefs/new")
    page.get_by_label("Title", exact=True).fill("Winter serum trial")
    page.get_by_label("Product", exact=True).fill("Lumen night serum")
    page.get_by_label("Beauty", exact=True).check()
    page.get_by_label("Fixed fee", exact=True).fill("800")
    page.get_by_label("Creators wanted").fill("2")
    today = date.today()
    page.get_by_label("Apply by").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Draft due").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Publish by").fill((today + timedelta(days=21)).isoformat())
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.get_by_role("button", name="Open to creators").click()
    expect(page.get_by_text("The brief is open.")).to_be_visible()
    page.get_by_role("link", name="See ranked creators").first.click()

    results = page.locator(".mk-result")
    expect(page.get_by_text("2 creators meet this brief's rules")).to_be_visible()
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text(f"@{beauty}")
    expect(results.nth(0)).to_contain_text("Quote CN¥600.00 fits the CN¥800.00 fee.")
    expect(results.nth(1)).to_contain_text(f"@{second}")
    expect(results.nth(1)).to_contain_text("Quote CN¥1,000.00 is above the CN¥800.00 fee.")
    # Not in the brief's category, or below the follower minimum: not listed at all.
    expect(page.get_by_text(f"@{travel}")).to_have_count(0)
    expect(page.get_by_text(f"@{small}")).to_have_count(0)


def test_creator_sees_the_open_brief_ranked_with_reasons(page: Page, cast):
    _log_in(page, cast["beauty"])
    page.goto("/briefs")
    brief = page.locator(".mk-result", has_text="Lip balm duo")
    expect(brief).to_contain_text("Shares 1 of 1 category: Beauty.")
    expect(brief).to_contain_text("Lumen Skincare")
