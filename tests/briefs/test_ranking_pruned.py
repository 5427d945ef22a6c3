"""The pruned first try of the ranking (only creators sharing every category of the brief,
plus any with unusual columns) gives exactly the page the full ranking gives, or steps aside."""
import random

import pytest
from sqlalchemy import event

from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.matching import service
from marketplace.matching.service import Filters, creators_for_brief
from tests.factories import make_brief, make_eligible_creator

CATEGORIES = ("beauty", "fashion", "food", "travel")
REGIONS = ("shanghai", "beijing", "zhejiang", "sichuan")


def _population(seed: int, strong_partial: int = 0, strong_full: int = 0) -> None:
    rng = random.Random(seed)
    for n in range(60):
        done = rng.choice((0, 3, 8))
        make_eligible_creator(
            handle=f"p{seed}_{n}", categories=rng.sample(CATEGORIES, rng.randint(1, 3)),
            follower_count=rng.choice((1000, 4000, 20000)), engagement_bps=rng.randint(0, 1500),
            image_quote_cents=rng.choice((30000, 100000, 250000)),
            audience_regions=dict(zip(rng.sample(REGIONS, 3), (40, 25, 10))),
            orders_completed=done, orders_on_time=rng.randint(0, done), strike_count=rng.choice((0, 0, 1)))
    for n in range(strong_partial + strong_full):  # top marks everywhere (but maybe one category)
        make_eligible_creator(handle=f"strong{seed}_{n}", categories=["beauty"] if n < strong_partial else
                              ["beauty", "fashion"], engagement_bps=1500 - n, image_quote_cents=30000,
                              audience_regions={"shanghai": 60, "zhejiang": 40}, orders_completed=5, orders_on_time=5)


def _pages(brief, monkeypatch, per_page: int) -> tuple[list, list, int]:
    """(pruned page ids, full ranking's page ids, ranking statements the pruned call ran)."""
    monkeypatch.setattr(service, "COUNT_CAP", 3)  # "many creators": the pruned try is allowed
    statements = []

    def record(_conn, _cursor, statement, *_args):
        if "ORDER BY score" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        pruned = [m.subject.id for m in creators_for_brief(brief, Filters(per_page=per_page)).matches]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    monkeypatch.setattr(service, "PRUNED_UP_TO", 0)
    full = [m.subject.id for m in creators_for_brief(brief, Filters(per_page=per_page)).matches]
    return pruned, full, len(statements)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_pruned_ranking_gives_the_full_rankings_page(app, monkeypatch, seed):
    _population(seed, strong_full=4)
    brief = make_brief(categories=["beauty", "fashion"], regions="shanghai,zhejiang", fee_cents=100000)
    pruned, full, ranked = _pages(brief, monkeypatch, per_page=3)
    assert pruned == full and len(full) == 3
    assert ranked == 1  # the page came from the pruned try alone


def test_a_creator_sharing_fewer_categories_who_could_rank_makes_it_rank_everyone(app, monkeypatch):
    _population(4, strong_partial=3)
    brief = make_brief(categories=["beauty", "fashion"], regions="shanghai", fee_cents=100000)
    pruned, full, ranked = _pages(brief, monkeypatch, per_page=5)
    assert pruned == full
    assert ranked == 2  # the pruned try could not vouch for its page: everyone was ranked
    strong = {p.id for p in db.session.scalars(db.select(CreatorProfile).where(CreatorProfile.handle.like("strong%")))}
    assert strong & set(full)


def test_a_creator_with_unusual_columns_is_ranked_by_the_pruned_try_too(app, monkeypatch):
    _population(5)
    odd = make_eligible_creator(handle="odd", categories=["beauty"], strike_count=-5, engagement_bps=1000)
    brief = make_brief(categories=["beauty", "fashion"], regions="shanghai", fee_cents=100000)
    pruned, full, ranked = _pages(brief, monkeypatch, per_page=3)
    assert pruned == full and full[0] == odd.id
