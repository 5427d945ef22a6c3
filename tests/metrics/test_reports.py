"""Brands read their campaign reports: per brief and per note, with charts and CSV; nobody
else's."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.metrics import reports
from tests.factories import make_brief, make_eligible_creator, make_metric_report, make_order

pytestmark = pytest.mark.usefixtures("ledger_checked")


def test_ratios_are_integers_rounded_half_up():
    f = reports.Figures(impressions=3000, reads=1000, likes=40, saves=30, comments=20, shares=10,
                        deep_reads=200, searches_after_reading=7, spend_cents=110_000)
    assert f.engagement == 100
    assert f.read_rate_bps == 3333 and f.engagement_rate_bps == 1000
    assert f.cpm_cents == 36_667 and f.cost_per_read_cents == 110 and f.cost_per_engagement_cents == 1100
    assert f.planting_value == 200 * 1 + 30 * 3 + 10 * 4 + 7 * 5
    assert reports.Figures().read_rate_bps is None and reports.Figures().cpm_cents is None
    assert reports.ratio(1, 2) == 1 and reports.ratio(1, 3) == 0


@pytest.fixture
def campaign(frozen_clock):
    brief = make_brief(fee_cents=100_000, slots=3)
    first = make_order("published", brief=brief, fund=True)
    second = make_order("published", brief=brief, creator=make_eligible_creator(handle="mei"), funded=False)
    start = first.published_at
    make_metric_report(first.note_id, as_of=start + timedelta(days=1), impressions=1000, reads=300)
    make_metric_report(first.note_id, as_of=start + timedelta(days=3), impressions=3000, reads=900, likes=60)
    make_metric_report(second.note_id, as_of=start + timedelta(days=2), impressions=2000, reads=500)
    db.session.commit()
    frozen_clock.set_now(start + timedelta(days=4))
    return brief, first, second


def test_the_brief_report_sums_the_latest_report_of_each_note(campaign):
    brief, first, second = campaign
    report = reports.brief_report(brief)
    assert [row.order.id for row in report.rows] == [first.id, second.id]
    assert report.total.impressions == 5000 and report.total.reads == 1400
    assert report.total.spend_cents == first.total_cents + second.total_cents
    assert report.budget_cents == 3 * (100_000 + 10_000)
    # Day by day, each note's latest figure so far, carried over days without a report.
    assert [(d[1], d[2]) for d in report.trend] == [(1000, 300), (3000, 800), (5000, 1400), (5000, 1400)]
    assert report.by_creator[0][0] == first.creator.handle and report.by_creator[0][1] == 900


def test_the_brand_reads_its_report_with_charts_and_the_formula(client, login_as, campaign):
    brief, first, _second = campaign
    login_as(brief.brand.user)
    page = client.get(f"/reports/briefs/{brief.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 2 and "@mei" in html
    assert "Planting value = deep reads × 1 + saves × 3 + shares × 4 + searches after reading × 5" in html
    assert "5,000" in html and "1,400" in html
    overview = client.get("/reports").get_data(as_text=True)
    assert brief.title in overview
    note = client.get(f"/reports/orders/{first.id}")
    assert note.status_code == 200 and "<svg" in note.get_data(as_text=True)


def test_csv_export_of_each_report(client, login_as, campaign):
    brief, first, _second = campaign
    login_as(brief.brand.user)
    response = client.get(f"/reports/briefs/{brief.id}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["order"] for r in rows] == [first.reference, _second.reference, "total"]
    total = rows[-1]
    assert total["impressions"] == "5000" and total["reads"] == "1400"
    assert total["read_rate_bps"] == "2800" and total["spend_cents"] == str(first.total_cents + _second.total_cents)
    note = client.get(f"/reports/orders/{first.id}.csv")
    assert note.status_code == 200
    assert [r["impressions"] for r in csv.DictReader(io.StringIO(note.get_data(as_text=True)))] == ["1000", "3000"]


@pytest.mark.parametrize("visitor, status", [("owner", 200), ("staff", 200), ("other brand", 404),
                                             ("creator", 403), ("anonymous", 302)])
def test_who_may_read_a_report(client, login_as, campaign, visitor, status):
    brief, first, _second = campaign
    if visitor == "owner":
        login_as(brief.brand.user)
    elif visitor == "other brand":
        login_as("brand")
    elif visitor != "anonymous":
        login_as(visitor)
    for url in (f"/reports/briefs/{brief.id}", f"/reports/briefs/{brief.id}.csv",
                f"/reports/orders/{first.id}", f"/reports/orders/{first.id}.csv"):
        assert client.get(url).status_code == status, url


def test_another_brand_sees_no_brief_of_others_in_its_list(client, login_as, campaign):
    brief, _first, _second = campaign
    login_as("brand")
    assert brief.title not in client.get("/reports").get_data(as_text=True)


def test_a_note_page_says_it_waits_for_metrics(client, login_as, frozen_clock):
    order = make_order("published")
    frozen_clock.set_now(order.due_at + timedelta(days=1))
    login_as(order.brand.user)
    html = client.get(f"/reports/orders/{order.id}").get_data(as_text=True)
    assert "Waiting for metrics since" in html


def test_a_settled_note_shows_its_checksum(client, login_as):
    order = make_order("metrics_reported")
    from marketplace.metrics.service import frozen_snapshot
    login_as(order.brand.user)
    html = client.get(f"/reports/orders/{order.id}").get_data(as_text=True)
    assert frozen_snapshot(order).checksum in html


def test_the_charts_fit_a_phone():
    from datetime import date

    from marketplace.metrics import charts
    svg = charts.trend_chart([(date(2026, 5, 3), 10, 5), (date(2026, 5, 4), 20, 8)], "T", ("I", "R"), str)
    assert 'viewBox="0 0 360 ' in svg and 'width="100%"' in svg and "<title" in svg
    bars = charts.creator_chart([("<lin>", 10, 2)], "C", ("R", "E"))
    assert "&lt;lin&gt;" in bars and "<lin>" not in bars


def test_order_pages_get_the_waiting_sentence_and_snapshot_as_template_helpers(app, frozen_clock):
    order = make_order("published")
    frozen_clock.set_now(order.due_at + timedelta(days=1))
    render = app.jinja_env.from_string("{{ metrics_waiting(order) }}|{{ settlement_snapshot(order) }}")
    assert render.render(order=order).startswith("Waiting for metrics since ")
    assert render.render(order=order).endswith("|None")
