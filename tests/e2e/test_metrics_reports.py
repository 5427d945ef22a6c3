"""A brand reads its campaign report on a phone: charts drawn on the server fit the screen,
in English and Chinese, and the CSV export downloads."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "zh": "zh-CN"}


@pytest.fixture(scope="module")
def campaign(live_app):
    from marketplace.extensions import db
    from tests.factories import make_brief, make_eligible_creator, make_metric_report, make_order

    with live_app.app_context():
        brief = make_brief(title="Report on a phone 手机上的报告", fee_cents=80_000, slots=3)
        orders = [make_order("published", brief=brief, fund=(i == 0), funded=(i == 0),
                             creator=make_eligible_creator(handle=f"reporter_with_a_long_handle_{i}"))
                  for i in range(3)]
        for i, order in enumerate(orders):
            for day in range(1, 4):
                make_metric_report(order.note_id, as_of=order.published_at - timedelta(days=3) + timedelta(days=day),
                                   impressions=12_345_678 * day + i, reads=2_345_678 * day, likes=9_999 * day)
        db.session.commit()
        return {"brand": brief.brand.user.email, "brief": brief.id, "order": orders[0].id}


def _phone(browser, base_url, locale):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale=LOCALES[locale], is_mobile=True,
                                  accept_downloads=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def _log_in(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEFAULT_PASSWORD)
    page.locator(".auth-card button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_report_and_its_charts_fit_a_phone(browser, live_server, campaign, locale):
    page = _phone(browser, live_server, locale)
    try:
        _log_in(page, campaign["brand"])
        for path in ("/reports", f"/reports/briefs/{campaign['brief']}", f"/reports/orders/{campaign['order']}"):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        page.goto(f"/reports/briefs/{campaign['brief']}")
        charts = page.locator("svg.chart")
        assert charts.count() == 2
        for i in range(2):
            box = charts.nth(i).bounding_box()
            assert box["width"] <= PHONE["width"] and box["width"] >= 300 and box["height"] >= 100
        with page.expect_download() as download:
            page.locator(f"a[href$='/reports/briefs/{campaign['brief']}.csv']").click()
        assert download.value.suggested_filename == f"brief-{campaign['brief']}-report.csv"
    finally:
        page.context.close()
