"""Ranking: order on a hand-made set, SQL agreeing with the explanation, filters, pages, both sides."""
import pytest
from sqlalchemy import select

from marketplace import clock
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.matching import scoring
from marketplace.matching.service import Filters, briefs_for_creator, creators_for_brief
from tests.factories import make_brand, make_brief, make_eligible_creator


@pytest.fixture
def brief(app):
    return make_brief(categories=("beauty", "fashion"), regions="shanghai,zhejiang", fee_cents=100000)


@pytest.fixture
def ranked_set(brief):
    """Five creators whose order is clear by construction, made in a shuffled order."""
    c = make_eligible_creator  # each differs from the one above it in ways the score rewards
    mid = c(handle="mid", categories=("beauty",), audience_regions={"shanghai": 40}, engagement_bps=400,
            image_quote_cents=100000)
    worst = c(handle="worst", categories=("beauty",), audience_regions={"beijing": 70}, engagement_bps=100,
              image_quote_cents=400000, orders_completed=4, orders_on_time=1, strike_count=1)
    best = c(handle="best", categories=("beauty", "fashion"), audience_regions={"shanghai": 50, "zhejiang": 30},
             engagement_bps=900, image_quote_cents=80000, orders_completed=10, orders_on_time=10)
    low = c(handle="low", categories=("fashion",), audience_regions={"beijing": 60}, engagement_bps=200,
            image_quote_cents=200000)
    good = c(handle="good", categories=("beauty", "fashion"), audience_regions={"zhejiang": 50},
             engagement_bps=600, image_quote_cents=90000)
    return [best, good, mid, low, worst]


def test_creators_are_ranked_best_first(ranked_set, brief):
    page = creators_for_brief(brief)
    assert [m.subject.handle for m in page.matches] == ["best", "good", "mid", "low", "worst"]
    assert [m.rank for m in page.matches] == [1, 2, 3, 4, 5]
    scores = [m.score for m in page.matches]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 5


def test_database_score_equals_the_explained_score(ranked_set, brief):
    rows = db.session.execute(select(CreatorProfile, scoring.sql_score(brief))).all()
    for profile, sql_value in rows:
        assert sql_value == pytest.approx(scoring.total(scoring.explain(profile, brief)), abs=1e-9)


def test_each_result_explains_itself_in_words_and_numbers(ranked_set, brief):
    top = creators_for_brief(brief).matches[0]
    parts = {r.part: r for r in top.reasons}
    assert set(parts) == {"categories", "audience", "engagement", "price", "on_time", "strikes"}
    assert parts["categories"].points == 30 and "2 of 2" in parts["categories"].words
    assert parts["audience"].points == 16 and "80%" in parts["audience"].words
    assert "9.00%" in parts["engagement"].words and parts["engagement"].points == 18
    assert "fits" in parts["price"].words and parts["price"].points == 15
    assert "10 of 10" in parts["on_time"].words
    worst = creators_for_brief(brief).matches[-1]
    assert {r.part: r.points for r in worst.reasons}["strikes"] == -10


def test_ineligible_creators_are_left_out(brief):
    make_eligible_creator(handle="ok")
    make_eligible_creator(handle="small", follower_count=500)
    make_eligible_creator(handle="paused", accepting_orders=False)
    make_eligible_creator(handle="unpaid", payouts_ready_at=None)
    make_eligible_creator(handle="banned", banned_at=clock.now())
    make_eligible_creator(handle="offtopic", categories=("food",))
    make_eligible_creator(handle="novideo", image_quote_cents=None, video_quote_cents=50000)
    assert [m.subject.handle for m in creators_for_brief(brief).matches] == ["ok"]


def test_the_briefs_minimum_followers_applies(app):
    brief = make_brief(min_followers=10000)
    make_eligible_creator(handle="big", follower_count=10000)
    make_eligible_creator(handle="mid", follower_count=9999)
    assert [m.subject.handle for m in creators_for_brief(brief).matches] == ["big"]


@pytest.mark.parametrize("filters, expected", [
    (Filters(category="fashion"), ["best", "good", "low"]),
    (Filters(min_followers=3000, max_followers=6000), ["best", "good", "mid", "low", "worst"]),
    (Filters(max_quote_cents=95000), ["best", "good"]),
    (Filters(min_quote_cents=150000), ["low", "worst"]),
    (Filters(region="beijing"), ["worst"]),
])
def test_filters_narrow_the_list(ranked_set, brief, filters, expected):
    ranked_set[-1].region = "beijing"
    db.session.commit()
    assert [m.subject.handle for m in creators_for_brief(brief, filters).matches] == expected


def test_sorting_and_pages(ranked_set, brief):
    by_quote = creators_for_brief(brief, Filters(sort="quote"))
    assert [m.subject.handle for m in by_quote.matches] == ["best", "good", "mid", "low", "worst"][:2] + ["mid", "low", "worst"]
    first = creators_for_brief(brief, Filters(per_page=2, page=1))
    third = creators_for_brief(brief, Filters(per_page=2, page=3))
    assert first.total == 5 and first.pages == 3 and first.has_next and not first.has_prev
    assert [m.subject.handle for m in third.matches] == ["worst"] and third.matches[0].rank == 5


def test_brand_page_shows_ranked_explained_creators(client, login_as, ranked_set, brief):
    login_as(brief.brand.user)
    page = client.get(f"/briefs/{brief.id}/matches").get_data(as_text=True)
    assert page.index("@best") < page.index("@good") < page.index("@mid") < page.index("@worst")
    assert "Shares 2 of 2 categories" in page and "1 strike for undisclosed ads." in page
    filtered = client.get(f"/briefs/{brief.id}/matches?category=fashion&sort=score").get_data(as_text=True)
    assert "@mid" not in filtered and "@low" in filtered


def test_another_brand_cannot_see_my_matches(client, login_as, brief):
    login_as(make_brand().user)
    assert client.get(f"/briefs/{brief.id}/matches").status_code == 403


def test_creators_see_open_briefs_ranked_for_them(client, login_as):
    me = make_eligible_creator(handle="me", categories=("food",), audience_regions={"sichuan": 70})
    make_brief(title="Hotpot tour", categories=("food",), regions="sichuan")
    make_brief(title="Spice box", categories=("food", "home"), regions="beijing")
    make_brief(title="Lipstick", categories=("beauty",))
    make_brief(title="Old draft", categories=("food",), state="draft")
    make_brief(title="Finished", categories=("food",), state="closed")
    page = briefs_for_creator(me)
    assert [m.subject.title for m in page.matches] == ["Hotpot tour", "Spice box", "Lipstick"]
    login_as(me.user)
    html = client.get("/briefs").get_data(as_text=True)
    assert html.index("Hotpot tour") < html.index("Spice box") < html.index("Lipstick")
    assert "Old draft" not in html and "Finished" not in html
    assert "70% of the audience" in html


def test_creators_see_why_they_cannot_take_a_brief(client, login_as):
    me = make_eligible_creator(handle="me2", follower_count=2000)
    make_brief(title="Big league", min_followers=50000)
    login_as(me.user)
    html = client.get("/briefs").get_data(as_text=True)
    assert "Not eligible for this brief" in html and "This brief needs 50,000 followers" in html


def test_brand_page_pages_through_results(app, client, login_as, ranked_set, brief):
    app.config["MATCHES_PER_PAGE"] = 2
    try:
        login_as(brief.brand.user)
        first = client.get(f"/briefs/{brief.id}/matches?category=beauty").get_data(as_text=True)
        assert "Page 1 of 2" in first and "page=2" in first and "category=beauty" in first
        second = client.get(f"/briefs/{brief.id}/matches?category=beauty&page=2").get_data(as_text=True)
        assert "@worst" in second and "@best" not in second
    finally:
        app.config["MATCHES_PER_PAGE"] = 20


def test_the_matches_page_does_not_query_per_creator(client, login_as, brief, count_queries):
    for n in range(30):
        make_eligible_creator(handle=f"many_{n}")
    login_as(brief.brand.user)
    with count_queries() as statements:
        response = client.get(f"/briefs/{brief.id}/matches")
    assert response.status_code == 200 and "@many_0" in response.get_data(as_text=True)
    assert len(statements) <= 8, statements


def test_the_ratio_rule_applies_to_rankings_when_switched_on(app, brief, frozen_clock):
    from datetime import timedelta

    from tests.factories import make_note

    ready = make_eligible_creator(handle="ready")
    due = make_eligible_creator(handle="due")
    make_note(due, title="Sponsored", is_paid=True)
    frozen_clock.advance(timedelta(hours=1))
    make_note(ready, title="Sponsored", is_paid=True)
    frozen_clock.advance(timedelta(hours=1))
    make_note(ready, title="Regular")
    app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 1
    try:
        assert [m.subject.handle for m in creators_for_brief(brief).matches] == ["ready"]
    finally:
        app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 0
    assert len(creators_for_brief(brief).matches) == 2


@pytest.mark.parametrize("locale, words", [
    ("en", ["1 creator meets this brief's rules", "a quote for an image note", "Shares 1 of 1 category: Beauty.",
            "2 strikes for undisclosed ads."]),
    ("zh_Hans", ["1 位创作者符合该需求的要求", "有图文笔记报价", "匹配 1 个领域中的 1 个：美妆。",
                 "因未报备广告有 2 条违规记录。"]),
])
def test_reasons_read_naturally_in_both_languages(client, login_as, locale, words):
    brief = make_brief(categories=("beauty",))
    make_eligible_creator(handle="twostrikes", categories=("beauty",), strike_count=2)
    brief.brand.user.locale = locale
    db.session.commit()
    login_as(brief.brand.user)
    page = client.get(f"/briefs/{brief.id}/matches").get_data(as_text=True)
    for expected in words:
        assert expected in page
    assert "a image" not in page and "1 categories" not in page


def test_a_video_brief_asks_for_a_quote_for_a_video_note(client, login_as):
    brief = make_brief(deliverable="video")
    login_as(brief.brand.user)
    assert "a quote for a video note" in client.get(f"/briefs/{brief.id}/matches").get_data(as_text=True)


def test_the_creators_filters_use_words_that_are_not_marketplace_actions(client, login_as):
    creator = make_eligible_creator()
    login_as(creator.user)
    page = client.get("/briefs?min_quote=500&category=beauty").get_data(as_text=True)
    assert "Show briefs" in page and "Fee at least" in page and "Filters (2)" in page
    assert ">Apply<" not in page and "Quote from" not in page
