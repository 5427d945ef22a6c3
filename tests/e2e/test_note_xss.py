"""An XSS attempt in a note renders inert, in a real browser: on the note page, in the home
feed and in search results (where matches are highlighted around the escaped text)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
PAYLOAD = ('<script>window.__xss = "script"</script>'
           '<img src=x onerror="window.__xss = \'img\'">\n'
           'second line <b>bold?</b> xsstest')


@pytest.fixture
def creator_login(live_app):
    """A creator with a profile, written into the live server's database through the app's
    own services (profiles are another area's pages; this test is about notes)."""
    from marketplace.auth import service as accounts
    from marketplace.auth.models import Role
    from marketplace.creators.models import CreatorProfile
    from marketplace.extensions import db

    email = "xss-creator@example.com"
    with live_app.app_context():
        if accounts.find_user_by_email(email) is None:
            user = accounts.create_user(email, PASSWORD, "Mallory", Role.CREATOR)
            db.session.add(CreatorProfile(user_id=user.id, handle="mallory"))
            db.session.commit()
    return email


def test_script_in_a_note_body_stays_text(page: Page, creator_login):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/login")
    page.get_by_label("Email").fill(creator_login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/notes/new")
    page.get_by_label("Title", exact=True).fill('<img src=x onerror="window.__xss = \'title\'"> Hello')
    page.get_by_label("Note", exact=True).fill(PAYLOAD)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your note is published.")).to_be_visible()

    body = page.locator(".note-body")
    expect(body).to_contain_text('<script>window.__xss = "script"</script>')
    expect(body).to_contain_text("<b>bold?</b>")
    assert body.locator("script, img, b").count() == 0
    assert page.locator("h1.note-title img").count() == 0
    # Line breaks survive as text layout, not as markup.
    assert "\n" in body.inner_text()

    for path in ("/", "/search?q=xsstest"):
        page.goto(path)
        card = page.locator(".note-card").filter(has_text="Hello").first
        expect(card).to_be_visible()
        assert card.locator("script, img, b").count() == 0
    expect(page.locator(".note-card mark").first).to_have_text("xsstest")

    assert page.evaluate("window.__xss") is None
    assert dialogs == []
