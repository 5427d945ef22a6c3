"""The disclosure linter in a real browser: as a creator types an ad into the note form, a
warning names the signals with the evidence marked, and offers to mark the note as paid."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


@pytest.fixture
def creator_login(live_app):
    from marketplace.auth import service as accounts
    from marketplace.auth.models import Role
    from marketplace.brands.models import BrandProfile
    from marketplace.creators.models import CreatorProfile
    from marketplace.extensions import db

    email = "lint-creator@example.com"
    with live_app.app_context():
        if accounts.find_user_by_email(email) is None:
            user = accounts.create_user(email, PASSWORD, "Lin", Role.CREATOR)
            db.session.add(CreatorProfile(user_id=user.id, handle="lin_lints"))
            brand_user = accounts.create_user("lint-brand@example.com", PASSWORD, "Glow", Role.BRAND)
            db.session.add(BrandProfile(user_id=brand_user.id, company_name="GlowLab"))
            db.session.commit()
    return email


def test_the_note_form_warns_while_an_ad_is_typed(page: Page, creator_login):
    page.goto("/login")
    page.get_by_label("Email").fill(creator_login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/notes/new")
    warning = page.locator("[data-disclosure-lint]")
    expect(warning).to_be_hidden()
    page.get_by_label("Title", exact=True).fill("My night routine")
    page.get_by_label("Note", exact=True).press_sequentially("Dumplings with grandma.")
    page.wait_for_timeout(1200)  # past the debounce: an ordinary note raises no warning
    expect(warning).to_be_hidden()

    page.get_by_label("Note", exact=True).fill("")
    page.get_by_label("Note", exact=True).press_sequentially("GlowLab serum <b>x</b>, use code GLOW20, link in bio")
    expect(warning).to_be_visible()
    expect(warning.locator('li[data-signal="promo_code"]')).to_contain_text("GLOW20")
    expect(warning.locator('li[data-signal="brand"]')).to_contain_text("GlowLab")
    expect(warning.locator(".lint-text mark").filter(has_text="link in bio")).to_have_count(1)
    assert warning.locator(".lint-text b").count() == 0  # the typed text stays text

    warning.get_by_role("button", name="Mark as paid content").click()
    expect(warning).to_be_hidden()
    expect(page.get_by_label("Paid content", exact=False)).to_be_checked()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your note is published.")).to_be_visible()
