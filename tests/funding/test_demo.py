"""Demo data shows money at once: funded brands, creators with ready payout accounts."""
from sqlalchemy import func, select

from marketplace import eligibility
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.demo import load_demo
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.money import Money
from marketplace.orders.models import Order
from marketplace.payout_accounts.models import PayoutAccount


def test_demo_brands_are_funded_and_ready_creators_have_payout_accounts_once(app):
    for _ in range(2):
        load_demo()
        db.session.commit()
    ordering = set(db.session.scalars(select(Order.brand_id)))  # the demo orders hold some of it
    for brand in db.session.scalars(select(BrandProfile).where(BrandProfile.id.not_in(ordering))):
        available, held = ledger.brand_balance(brand.id, "CNY")
        assert available == Money(5_000_000 if brand.is_verified else 200_000, "CNY") and held.cents == 0
    ready = db.session.scalar(select(func.count()).select_from(CreatorProfile)
                              .where(CreatorProfile.payouts_ready_at.is_not(None)))
    assert db.session.scalar(select(func.count()).select_from(PayoutAccount)) == ready > 0
    first = db.session.scalar(select(PayoutAccount).order_by(PayoutAccount.id))
    assert first.ready and "payouts" not in {f.rule for f in eligibility.check(first.creator).failures}
