"""A brand's first visit, in a real browser: sign up, log out, log back in, see the dashboard."""
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


def test_brand_signs_up_logs_out_and_logs_back_in(page: Page):
    name = "Lumen Tea Co."
    email = "hello@lumen-tea.example"

    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create your Pappus account")).to_be_visible()

    page.get_by_role("radio", name="A brand").check()
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Signed up and signed in: the brand's own dashboard, under the brand's name.
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.get_by_text("Brand dashboard", exact=True).first).to_be_visible()
    expect(page.get_by_text(f"Welcome to Pappus, {name}.")).to_be_visible()

    # Log out sits in the account menu under the brand's name.
    page.locator("summary", has_text=name).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    log_in = page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    expect(log_in).to_be_visible()

    # Logged out for real: the dashboard now asks for a log-in instead.
    page.goto("/dashboard")
    expect(page.get_by_role("heading", name="Log in to Pappus")).to_be_visible()

    page.goto("/")
    log_in.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(re.compile(r"/brand$"))
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    page.locator("summary", has_text=name).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
