"""The SQL ranking agrees with the rules written in Python, on a random population:
the same eligible creators (marketplace.eligibility) in the same order (scoring.explain)."""
import random
from datetime import timedelta

import pytest

from marketplace import clock, eligibility
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.matching import scoring
from marketplace.matching.service import Filters, creators_for_brief
from tests.factories import make_brief, make_eligible_creator

CATEGORIES = ("beauty", "fashion", "food", "travel", "home")
REGIONS = ("shanghai", "beijing", "zhejiang", "sichuan")


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_ranking_matches_python_rules(app, seed):
    rng = random.Random(seed)
    now = clock.now()
    for n in range(80):
        done = rng.choice((0, 0, 3, 8))
        make_eligible_creator(
            handle=f"r{seed}_{n}", categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
            region=rng.choice(REGIONS), follower_count=rng.choice((500, 999, 1000, 4000, 20000)),
            engagement_bps=rng.randint(0, 1500), image_quote_cents=rng.choice((None, 30000, 100000, 250000)),
            video_quote_cents=rng.choice((None, 90000)), currency=rng.choice(("CNY", "CNY", "CNY", "USD")),
            audience_regions=dict(zip(rng.sample(REGIONS, 3), (40, 25, 10))),
            orders_completed=done, orders_on_time=rng.randint(0, done), strike_count=rng.choice((0, 0, 0, 1, 2)),
            accepting_orders=rng.random() < 0.9, payouts_ready_at=now if rng.random() < 0.9 else None,
            suspended_until=now + timedelta(days=1) if rng.random() < 0.05 else None)
    brief = make_brief(categories=rng.sample(CATEGORIES, 2), regions=",".join(rng.sample(REGIONS, 2)),
                       fee_cents=100000, min_followers=rng.choice((1000, 4000)))

    page = creators_for_brief(brief, Filters(per_page=100))
    expected = []
    for profile in db.session.scalars(db.select(CreatorProfile)):
        if eligibility.check(profile, brief).ok and profile.categories_mask & brief.categories_mask:
            expected.append((-scoring.total(scoring.explain(profile, brief)), -profile.follower_count, profile.id))
    expected.sort()
    assert page.total == len(expected) > 5
    assert [m.subject.id for m in page.matches] == [item[2] for item in expected]
