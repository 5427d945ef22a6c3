"""Eligibility: each rule refuses when broken and passes when met, with reasons in numbers."""
from datetime import timedelta

import pytest

from marketplace import clock
from marketplace import eligibility
from tests.factories import make_brief, make_eligible_creator, make_note


def test_an_eligible_creator_passes_every_rule(app):
    assert eligibility.check(make_eligible_creator()).ok


def test_no_profile_is_a_reason_too(app):
    result = eligibility.check(None)
    assert result.rules() == ["profile"]


@pytest.mark.parametrize("rule, broken, fixed", [
    ("followers", dict(follower_count=999), dict(follower_count=1000)),
    ("payouts", dict(payouts_ready_at=None), dict()),
    ("identity", dict(identity_confirmed_at=None), dict()),
    ("not_accepting", dict(accepting_orders=False), dict(accepting_orders=True)),
    ("banned", dict(banned_at="now"), dict(banned_at=None)),
])
def test_each_rule_both_ways(app, rule, broken, fixed):
    broken = {k: (clock.now() if v == "now" else v) for k, v in broken.items()}
    assert rule in eligibility.check(make_eligible_creator(**broken)).rules()
    assert rule not in eligibility.check(make_eligible_creator(**fixed)).rules()


def test_suspension_counts_until_it_ends(app, frozen_clock):
    profile = make_eligible_creator(suspended_until=clock.now() + timedelta(days=7))
    assert eligibility.check(profile).rules() == ["suspended"]
    frozen_clock.advance(timedelta(days=7, seconds=1))
    assert eligibility.check(profile).ok


def test_follower_reason_names_the_numbers_and_the_date(app, frozen_clock):
    profile = make_eligible_creator(follower_count=640)
    [failure] = eligibility.check(profile).failures
    assert "1,000" in failure.reason and "640" in failure.reason and "3 May 2026" in failure.reason
    assert failure.action


def test_a_count_never_reported_is_not_enough(app):
    profile = make_eligible_creator(follower_count=5000, followers_as_of=None)
    assert "no follower count has been reported" in eligibility.check(profile).failures[0].reason


def test_ratio_rule_counts_regular_notes_when_switched_on(app, frozen_clock):
    profile = make_eligible_creator()
    make_note(profile, title="Old regular")
    frozen_clock.advance(timedelta(hours=1))
    make_note(profile, title="Sponsored", is_paid=True)
    frozen_clock.advance(timedelta(hours=1))
    make_note(profile, title="Regular 1")
    make_note(profile, title="Private", is_private=True)  # only public notes count
    app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 2
    try:
        [failure] = eligibility.check(profile).failures
        assert failure.rule == "ratio" and "you have 1" in failure.reason
        make_note(profile, title="Regular 2")
        assert eligibility.check(profile).ok
    finally:
        app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 0


def test_the_effective_minimum_is_the_larger_of_platform_and_brief(app):
    assert eligibility.min_followers_for(None) == 1000
    assert eligibility.min_followers_for(make_brief(min_followers=500)) == 1000
    assert eligibility.min_followers_for(make_brief(min_followers=20000)) == 20000


def test_a_brief_adds_its_minimum_and_its_format(app):
    brief = make_brief(min_followers=20000, deliverable="video")
    small = make_eligible_creator(follower_count=5000, video_quote_cents=None)
    assert eligibility.check(small, brief).rules() == ["brief_followers", "deliverable"]
    big = make_eligible_creator(follower_count=20000, video_quote_cents=90000)
    assert eligibility.check(big, brief).ok


def test_require_eligible_refuses_with_every_reason(app):
    from marketplace.errors import NotAllowed

    profile = make_eligible_creator(follower_count=10, payouts_ready_at=None)
    with pytest.raises(NotAllowed) as refused:
        eligibility.require_eligible(profile)
    assert "1,000" in refused.value.reason and "payout" in refused.value.reason


def test_dashboard_tells_the_creator_what_to_do(client, login_as, frozen_clock):
    profile = make_eligible_creator(follower_count=640, payouts_ready_at=None)
    login_as(profile.user)
    page = client.get("/creator").get_data(as_text=True)
    assert "Not yet" in page
    assert "You need 1,000 followers to take orders" in page and "640" in page and "3 May 2026" in page
    assert "Connect a payout account" in page


def test_dashboard_says_yes_when_eligible(client, login_as):
    login_as(make_eligible_creator().user)
    assert "you meet every rule" in client.get("/creator").get_data(as_text=True)


def test_ratio_rule_counts_real_notes(app, frozen_clock):
    from tests.factories import make_note

    profile = make_eligible_creator()
    app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 2
    try:
        make_note(profile, title="Regular before")
        frozen_clock.advance(timedelta(hours=1))
        make_note(profile, title="Sponsored", is_paid=True)
        frozen_clock.advance(timedelta(hours=1))
        make_note(profile, title="Regular after")
        [failure] = eligibility.check(profile).failures
        assert failure.rule == "ratio" and "you have 1" in failure.reason
        frozen_clock.advance(timedelta(hours=1))
        make_note(profile, title="Private one", is_private=True)
        assert eligibility.check(profile).rules() == ["ratio"]
        make_note(profile, title="Regular again")
        assert eligibility.check(profile).ok
    finally:
        app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 0


def test_dashboard_reason_reads_naturally_in_chinese(client, login_as, frozen_clock):
    profile = make_eligible_creator(follower_count=640)
    login_as(profile.user)
    page = client.get("/creator", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "2026年5月3日" in page and "640" in page
    assert "3 5月 2026" not in page
