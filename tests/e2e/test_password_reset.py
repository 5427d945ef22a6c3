"""A forgotten password, in a real browser: ask for a link, get it by mail (a real SMTP server
on loopback), open it, choose a new password, log in with it."""
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

EMAIL = "forgetful@creators.example.com"
OLD_PASSWORD = "the-one-i-forgot"
NEW_PASSWORD = "a-fresh-passphrase"


@pytest.fixture
def mail_to_sink(live_app, smtp_server):
    saved = {key: live_app.config[key] for key in smtp_server.settings()}
    live_app.config.update(smtp_server.settings())
    smtp_server.clear()
    yield smtp_server
    live_app.config.update(saved)


@pytest.fixture
def forgetful_creator(live_app):
    from marketplace.auth import service
    from marketplace.auth.models import Role
    from marketplace.extensions import db

    with live_app.app_context():
        if service.find_user_by_email(EMAIL) is None:
            service.create_user(EMAIL, OLD_PASSWORD, "Forgetful Fang", Role.CREATOR, verified=True)
            db.session.commit()


def test_a_forgotten_password_is_reset_by_a_mailed_link(page: Page, mail_to_sink, forgetful_creator):
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    [received] = mail_to_sink.wait_for(1)
    assert received.to == EMAIL and received.subject == "Reset your Pappus password"
    link = re.search(r"http://\S+/password/reset/\S+", received.text).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Log in with your new password.")).to_be_visible()

    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/creator$"))
    expect(page.get_by_text("Creator dashboard", exact=True).first).to_be_visible()

    # The link worked once: opening it again offers a new one instead.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
