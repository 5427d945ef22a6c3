"""Demo data: enough creators, verified brands and briefs for every page, loaded idempotently."""
from sqlalchemy import func, select

from marketplace.brands.models import BrandProfile
from marketplace.briefs.models import Brief
from marketplace.creators.models import CreatorProfile
from marketplace.auth.demo import seed_accounts
from marketplace.brands.demo import seed_brands
from marketplace.briefs.demo import seed_briefs
from marketplace.creators.demo import seed_creators
from marketplace.extensions import db
from marketplace.matching.service import creators_for_brief


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_fills_the_marketplace_and_is_idempotent(app):
    for _ in range(2):
        for seed in (seed_accounts, seed_creators, seed_brands, seed_briefs):
            seed()
        db.session.commit()
    assert _count(CreatorProfile) == 200
    assert _count(BrandProfile, BrandProfile.verified_at.is_not(None)) == 5
    assert _count(Brief) == 15 and _count(Brief, Brief.state == "open") == 11
    chinese = _count(CreatorProfile, CreatorProfile.languages == "zh")
    assert 0 < chinese < 200
    first_open = db.session.scalar(select(Brief).where(Brief.state == "open").order_by(Brief.id))
    assert creators_for_brief(first_open).total > 0
