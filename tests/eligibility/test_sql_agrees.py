"""The eligibility rules exist in Python (to explain) and in SQL (to rank): on a random
population, with and without a brief and with the notes ratio rule on, both pick the same
creators."""
import random
from datetime import timedelta

import pytest

from marketplace import clock, eligibility
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from tests.factories import make_brief, make_eligible_creator, make_note


@pytest.mark.parametrize("seed, ratio", [(1, 0), (2, 0), (3, 2)])
def test_python_and_sql_agree(app, frozen_clock, seed, ratio):
    rng = random.Random(seed)
    now = clock.now()
    for n in range(60):
        profile = make_eligible_creator(
            handle=f"e{seed}_{n}", follower_count=rng.choice((0, 999, 1000, 4000, 20000)),
            followers_as_of=None if rng.random() < 0.05 else now,
            image_quote_cents=rng.choice((None, 30000)), video_quote_cents=rng.choice((None, 90000)),
            accepting_orders=rng.random() < 0.9, payouts_ready_at=now if rng.random() < 0.9 else None,
            identity_confirmed_at=now if rng.random() < 0.9 else None,
            banned_at=now if rng.random() < 0.05 else None,
            suspended_until=rng.choice((None, None, now - timedelta(days=1), now + timedelta(days=1))))
        if ratio and not profile.is_banned:
            for kind in rng.sample(("regular", "regular", "paid", "private"), rng.randint(0, 4)):
                frozen_clock.advance(timedelta(minutes=1))
                make_note(profile, is_paid=kind == "paid", is_private=kind == "private")
    app.config["REGULAR_NOTES_PER_COMMERCIAL"] = ratio
    picked = []
    try:
        for brief in (None, make_brief(min_followers=4000, deliverable=rng.choice(("image", "video")))):
            in_sql = set(db.session.scalars(db.select(CreatorProfile.id)
                                            .where(*eligibility.eligible_clause(brief))))
            in_python = {p.id for p in db.session.scalars(db.select(CreatorProfile))
                         if eligibility.check(p, brief).ok}
            assert in_sql == in_python
            picked.append(len(in_sql))
    finally:
        app.config["REGULAR_NOTES_PER_COMMERCIAL"] = 0
    assert 0 < max(picked) < 60  # the population has both eligible and ineligible creators
