"""Demo orders: a handful between the demo brands and the demo creators, one in each of the
order's main states, made through the same services people use (so the money is held in the
ledger as for any order). Idempotent: if any demo order exists, nothing is made.

Orders that are further along (published, or waiting for their metrics window to close) are
made with the clock set back, so their dates are real; ``metrics.demo`` then reports their
metrics and closes the window, and ``payouts.demo`` settles the one whose window closed.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import select

from marketplace import clock, eligibility
from marketplace.auth import service as accounts
from marketplace.briefs.models import Brief, BriefState
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.orders import drafts, service
from marketplace.orders.models import Order

# Every demo order's message ends with this, so the seeders can find them again.
DEMO_MARK = "(demo)"
CREATORS = ("lin@creators.example.com", "maya@creators.example.com", "zhou@creators.example.com",
            "sam@creators.example.com")
# (state to reach, days ago the order started: None = now)
PLAN = [("invited", None), ("applied", None), ("accepted", None), ("in_review", None),
        ("published", 6), ("metrics_reported", 12)]


def demo_orders(state: str | None = None) -> list[Order]:
    query = select(Order).where(Order.message.like(f"%{DEMO_MARK}"))
    if state:
        query = query.where(Order.state == state)
    return list(db.session.scalars(query.order_by(Order.id)))


@contextmanager
def _clock_at(moment: datetime | None):
    before = clock._frozen  # noqa: SLF001  (put back exactly as it was, frozen or not)
    if moment is not None:
        clock.set_now(moment)
    try:
        yield
    finally:
        clock.set_now(before)


def _pairs() -> list[tuple[Brief, CreatorProfile]]:
    """Eligible (open fixed-fee brief, demo creator) pairs, demo creators in order."""
    creators = []
    for email in CREATORS:
        user = accounts.find_user_by_email(email)
        profile = user and db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id))
        if profile is not None:
            creators.append(profile)
    briefs = list(db.session.scalars(select(Brief).where(
        Brief.state == BriefState.OPEN, Brief.fee_mode == "fixed").order_by(Brief.id)))
    return [(brief, creator) for creator in creators for brief in briefs
            if eligibility.check(creator, brief).ok]


def seed_orders() -> None:
    if demo_orders():
        return
    used_briefs: set[int] = set()
    pairs = _pairs()
    start = clock.now()
    orders_of: dict[int, int] = {}
    for state, days_ago in PLAN:
        free = [(b, c) for b, c in pairs if b.id not in used_briefs]
        if not free:
            return
        # Spread the orders over the creators who can take them: the one with fewest first.
        brief, creator = min(free, key=lambda pair: orders_of.get(pair[1].id, 0))
        used_briefs.add(brief.id)
        orders_of[creator.id] = orders_of.get(creator.id, 0) + 1
        moment = None if days_ago is None else start - timedelta(days=days_ago)
        with _clock_at(moment):
            _make(state, brief, creator, backdated=moment is not None)


def _make(state: str, brief: Brief, creator: CreatorProfile, *, backdated: bool) -> Order:
    def _step() -> None:
        """A day passes between the steps of a back-dated order."""
        if backdated:
            clock.advance(timedelta(days=1))

    brand_user, creator_user = brief.brand.user, creator.user
    if state == "applied":
        return service.apply(creator_user, brief, f"I would love to try {brief.product}. {DEMO_MARK}")
    order = service.invite(brand_user, brief, creator, f"We think our audiences match. {DEMO_MARK}")
    if state == "invited":
        return order
    _step()
    service.accept(creator_user, order)
    if state == "accepted":
        return order
    _step()
    drafts.submit(creator_user, order, f"{brief.product}: one week in",
                  "What I liked, what I did not, and who it suits.\n用了一周的真实感受。", "review")
    if state == "in_review":
        return order
    _step()
    drafts.approve(brand_user, order, "Looks good, thank you!")
    _step()
    drafts.publish(creator_user, order)
    return order

