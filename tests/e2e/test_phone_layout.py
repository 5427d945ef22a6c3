"""Every page type on a 390×844 phone screen, in English and Chinese: no page may be wider
than the screen (``document.documentElement.scrollWidth`` ≤ 390), and the signed-in header
stays compact.

The cast below gives every page something to show, including text that does not break
easily (a long unspaced title, a long website address), the usual cause of overflow.
"""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import Browser, Page

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "zh": "zh-CN"}
LONG_WORD = "Supercalifragilisticexpialidocious" * 2


@pytest.fixture(scope="module")
def cast(live_app):
    """One of everything, written through the app's own services and factories."""
    from werkzeug.datastructures import FileStorage

    from marketplace.brands import service as brands
    from marketplace.creators import stats
    from marketplace.extensions import db
    from marketplace.ledger import service as ledger
    from marketplace.money import Money
    from marketplace.notes import service as notes
    from marketplace.notes.demo_art import cover
    from tests.factories import (make_api_token, make_brand, make_brief, make_eligible_creator, make_filing,
                                 make_user)

    with live_app.app_context():
        staff = make_user("staff", display_name="Phone Staff")
        brand = make_brand(company_name="GlowLab Skincare 光研护肤",
                           website="https://a-very-long-subdomain-name.glowlab-skincare-example.com/about/us")
        waiting = make_brand(company_name="Nova Drinks 新星饮品", verified=False)
        creator = make_eligible_creator(handle="phonecreator", categories=("beauty", "travel"),
                                        bio="防晒、护肤和周末旅行。Sunscreen, skincare and weekend trips.")
        open_brief = make_brief(brand, title="Summer sunscreen 夏日防晒 " + LONG_WORD)
        draft = make_brief(brand, state="draft", title="Autumn serum draft")
        waiting_draft = make_brief(waiting, state="draft", title="Sparkling tea launch")
        upload = FileStorage(io.BytesIO(cover(1, "防晒")), filename="cover.jpg", content_type="image/jpeg")
        pictured = notes.publish_note(creator, "防晒霜测评 " + LONG_WORD, "清爽不油腻。\n" + LONG_WORD,
                                      "防晒 护肤", uploads=[upload])
        db.session.commit()
        filed = make_filing(notes.publish_note(creator, "Paid review of a sunscreen", "Honest words.",
                                               "sunscreen", is_paid=True), brand, order_reference="ORDER-" + "7" * 40)
        brands.verify_brand(staff, make_brand(company_name="TrailMate", verified=False), "Licence checked.")
        stats.set_followers_by_staff(staff, creator, 5200, "Feed was late; screenshot checked.")
        db.session.commit()
        make_api_token("Follower feed (production)")
        topup = ledger.credit_topup(brand.id, Money(12_345_678, "CNY"), "topup-stripe-pi_" + "3PqLong" * 6)
        ledger.hold(brand.id, 7701, Money(3_300_000, "CNY"), "order-7701-hold")
        db.session.commit()
        order = _order_with_versions(open_brief, creator, staff)
        applicant = make_eligible_creator(handle="phoneapplicant")
        from marketplace.orders import service as orders
        orders.apply(applicant.user, open_brief, "Pitch " + LONG_WORD)
        db.session.commit()
        return {
            "order": order.id, "applicant": applicant.handle,
            "staff": staff.email, "brand": brand.user.email, "waiting": waiting.user.email,
            "creator": creator.user.email, "handle": creator.handle, "brand_id": brand.id,
            "open": open_brief.id, "draft": draft.id, "waiting_draft": waiting_draft.id,
            "note": pictured.id, "filed_note": filed.note_id, "receipt": filed.code,
            "txn": topup.id, "ledger_account": topup.entries[0].account_id,
        }


def _order_with_versions(brief, creator, staff):
    """An order in review with two draft versions, a revision request and a long word."""
    from marketplace.extensions import db
    from marketplace.orders import drafts
    from tests.factories import make_order

    order = make_order("accepted", brief=brief, creator=creator)
    drafts.submit(creator.user, order, "Sunscreen day " + LONG_WORD, "SPF 50 all day.\n" + LONG_WORD, "防晒")
    drafts.request_revision(brief.brand.user, order, "Please mention reapplying. " + LONG_WORD)
    drafts.submit(creator.user, order, "Sunscreen day " + LONG_WORD, "SPF 50 all day, reapply.\n" + LONG_WORD, "防晒")
    db.session.commit()
    return order


def _pages(c: dict) -> dict[str, list[str]]:
    """Who sees which pages: every page type once."""
    return {
        "anonymous": [
            "/", "/search", "/search?q=防晒", "/search?q=sunscreen&tag=sunscreen&sponsored=only", "/filings",
            "/filings?brand=GlowLab", f"/filings/{c['receipt']}", f"/notes/{c['note']}", f"/notes/{c['filed_note']}",
            f"/c/{c['handle']}", f"/@{c['handle']}/notes", "/login", "/signup", "/password/forgot",
            "/password/reset/not-a-real-token", "/email/confirm/not-a-real-token",
            "/no-such-page",  # 404
            "/logout",  # 405: a GET to a POST-only address
        ],
        "creator": [
            "/creator", "/creator/profile", "/briefs", f"/briefs/{c['open']}", "/notes/mine", "/notes/new",
            f"/notes/{c['note']}", f"/notes/{c['note']}/edit", f"/notes/{c['filed_note']}", "/account", "/account/password", "/creator/earnings",
            "/staff",  # 403
            "/orders", f"/orders/{c['order']}", f"/orders/{c['order']}/drafts", f"/orders/{c['order']}/drafts?a=1&b=2",
            f"/orders/{c['order']}/cancel", f"/orders/{c['order']}/draft", f"/briefs/{c['open']}/apply",
        ],
        "brand": [
            "/brand", "/brand/profile", "/brand/briefs", "/briefs/new", f"/briefs/{c['draft']}",
            f"/briefs/{c['draft']}/edit", f"/briefs/{c['open']}", f"/briefs/{c['open']}/matches",
            f"/briefs/{c['open']}/matches?category=beauty&min_followers=1000", "/account",
            "/orders", "/orders?state=in_review", f"/orders/{c['order']}", f"/orders/{c['order']}/cancel",
            f"/orders/{c['order']}/drafts", f"/briefs/{c['open']}/applicants",
            f"/briefs/{c['open']}/invite/{c['applicant']}",
        ],
        "waiting": ["/brand", f"/briefs/{c['waiting_draft']}"],
        "staff": [
            "/staff", "/staff/brands", f"/staff/brands/{c['brand_id']}", "/staff/creators", "/staff/creators?q=phone",
            "/staff/api-tokens", "/staff/notes", f"/staff/notes/{c['note']}", f"/staff/notes/{c['filed_note']}", f"/c/{c['handle']}",
            f"/briefs/{c['open']}/matches", "/account", "/staff/ledger/", "/staff/ledger/?q=GlowLab",
            "/staff/ledger/transactions", f"/staff/ledger/accounts/{c['ledger_account']}",
            f"/staff/ledger/transactions/{c['txn']}", "/staff/orders", f"/orders/{c['order']}", "/staff/payouts",
        ],
    }


def _phone(browser: Browser, base_url: str, locale: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale=LOCALES[locale], is_mobile=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEFAULT_PASSWORD)
    page.locator(".auth-card button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page: Page, paths: list[str]) -> list[str]:
    wide = []
    for path in paths:
        page.goto(path)
        if _width(page) > PHONE["width"]:
            wide.append(f"{path}: {_width(page)} px")
    return wide


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("who", ["anonymous", "creator", "brand", "waiting", "staff"])
def test_no_page_is_wider_than_a_phone(browser, live_server, cast, who, locale):
    page = _phone(browser, live_server, locale)
    try:
        if who != "anonymous":
            _log_in(page, cast[who])
        wide = _too_wide(page, _pages(cast)[who])
        assert not wide, "wider than the phone:\n" + "\n".join(wide)
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_forms_with_every_error_shown_fit_a_phone(browser, live_server, cast, locale):
    page = _phone(browser, live_server, locale)
    try:
        _log_in(page, cast["brand"])
        page.goto("/briefs/new")
        page.locator("#fee").fill("-5")
        page.locator("#slots").fill("0")
        page.locator("form.mk-brief-form button[type=submit]").click()
        assert page.locator(".field-error").count() >= 4
        assert _width(page) <= PHONE["width"]
    finally:
        page.context.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_signed_in_header_is_compact_and_its_menu_fits(browser, live_server, cast, locale):
    page = _phone(browser, live_server, locale)
    try:
        _log_in(page, cast["staff"])
        page.goto("/staff/api-tokens")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64  # one row: logo and the menu button
        title = page.locator("main h1").bounding_box()
        assert title["y"] - (header["y"] + header["height"]) >= 16  # the title is not flush with it
        page.locator(".menu-button").click()
        menu = page.locator(".site-menu .main-nav")
        assert menu.is_visible() and page.locator(".account-panel").is_visible()
        assert menu.bounding_box()["width"] <= PHONE["width"] and _width(page) <= PHONE["width"]
        assert page.locator(".language-form select").is_visible()
    finally:
        page.context.close()


def test_filters_fold_behind_a_count_on_a_phone(browser, live_server, cast):
    page = _phone(browser, live_server, "en")
    try:
        page.goto("/filings?brand=GlowLab&creator=phone")
        toggle = page.locator(".filter-box > summary")
        assert toggle.inner_text() == "Filters (2)"
        assert not page.locator("#brand").is_visible()
        toggle.click()
        assert page.locator("#brand").is_visible()
    finally:
        page.context.close()


def test_tables_become_cards_on_a_phone(browser, live_server, cast):
    page = _phone(browser, live_server, "en")
    try:
        page.goto("/filings")
        row = page.locator("table.data tbody tr").first
        assert row.evaluate("r => getComputedStyle(r).display") == "block"
        label = page.locator("table.data td[data-label]").first
        assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"Brand"'
    finally:
        page.context.close()
