"""Factories that build valid objects in one call, committed, for tests."""
from __future__ import annotations

import itertools

from marketplace.auth import service as accounts
from marketplace.auth.models import Role, User
from marketplace.extensions import db

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_user(role: str = "creator", *, email: str | None = None, password: str = DEFAULT_PASSWORD,
              display_name: str | None = None, verified: bool = True, **fields) -> User:
    """A user whose email address is confirmed unless ``verified=False``."""
    n = next(_sequence)
    user = accounts.create_user(
        email or f"{role}{n}@example.com",
        password,
        display_name or f"{role.title()} {n}",
        Role(role),
        verified=verified,
    )
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def open_session(user: User) -> str:
    """A log-in for ``user`` (committed); put the key in a test client's session as
    ``session["_user_id"]`` to be that user in that client."""
    from marketplace.auth.sessions import open_session as open_

    key = open_(user, "test client")
    db.session.commit()
    return key


def make_creator(*, handle: str | None = None, **profile_fields):
    """A creator user with a profile. Profile fields are set as given."""
    from marketplace.creators.models import CreatorProfile

    user = make_user("creator")
    profile = CreatorProfile(user_id=user.id, handle=handle or f"creator{user.id}", **profile_fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def make_brand(*, company_name: str | None = None, verified: bool = True, **profile_fields):
    """A brand user with a company profile, verified unless told otherwise."""
    from marketplace import clock
    from marketplace.brands.models import BrandProfile

    user = make_user("brand")
    profile = BrandProfile(user_id=user.id, company_name=company_name or f"Brand {user.id}",
                           verified_at=clock.now() if verified else None, **profile_fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def make_note(creator=None, *, title: str = "A note", body: str = "", tags: str = "",
              is_paid: bool = False, is_private: bool = False, **fields):
    """A published note (by a new creator unless one is given). Extra fields are set as given."""
    from marketplace.notes import service as notes

    creator = creator or make_creator()
    note = notes.publish_note(creator, title, body, tags, is_paid=is_paid, is_private=is_private)
    for name, value in fields.items():
        setattr(note, name, value)
    db.session.commit()
    return note


def make_filing(note=None, brand=None, *, order_reference: str = "ORDER-1", **kwargs):
    """File ``note`` (a new paid note unless given) for ``brand`` (a new brand unless given)."""
    from marketplace.filings.service import file_note

    note = note or make_note(is_paid=True)
    filing = file_note(note, brand or make_brand(), order_reference, **kwargs)
    db.session.commit()
    return filing


def make_eligible_creator(*, handle: str | None = None, categories=("beauty",), region: str = "shanghai",
                          followers: int = 5000, engagement_bps: int = 300, image_quote_cents: int | None = 50000,
                          video_quote_cents: int | None = None, audience_regions: dict | None = None, **fields):
    """A creator who passes every eligibility rule: reach reported, payouts ready, accepting orders."""
    from marketplace import clock
    from marketplace.taxonomy import mask_from_categories

    now = clock.now()
    audience_regions = audience_regions if audience_regions is not None else {region: 60}
    top = sorted(audience_regions.items(), key=lambda item: -item[1])[:3] + [("", 0)] * 3
    values = dict(
        categories_mask=mask_from_categories(categories), region=region, languages="zh",
        follower_count=followers, followers_as_of=now, followers_source="feed",
        engagement_bps=engagement_bps, engagement_as_of=now, audience={"regions": audience_regions},
        audience_as_of=now, image_quote_cents=image_quote_cents, video_quote_cents=video_quote_cents,
        accepting_orders=True, payouts_ready_at=now, identity_confirmed_at=now, currency="CNY",
        audience_region_1=top[0][0], audience_share_1=top[0][1], audience_region_2=top[1][0],
        audience_share_2=top[1][1], audience_region_3=top[2][0], audience_share_3=top[2][1],
    )
    values.update(fields)
    return make_creator(handle=handle, **values)


def make_brief(brand=None, *, state: str = "open", categories=("beauty",), **fields):
    """A valid brief (open unless told otherwise) for a verified brand, dates ahead of the clock."""
    from datetime import timedelta

    from marketplace import clock
    from marketplace.briefs.models import Brief
    from marketplace.taxonomy import mask_from_categories

    brand = brand or make_brand()
    now = clock.now()
    values = dict(
        title="Spring serum launch", product="Glow serum", description="Show your routine.",
        categories_mask=mask_from_categories(categories), deliverable="image", fee_mode="fixed",
        fee_cents=100000, currency="CNY", slots=3, min_followers=1000, regions="",
        apply_by=now + timedelta(days=7), draft_due=now + timedelta(days=14),
        publish_by=now + timedelta(days=21), metrics_window_days=7, protection_days=30,
        created_at=now, opened_at=now if state != "draft" else None,
    )
    values.update(fields)
    brief = Brief(brand_id=brand.id, state=state, **values)
    db.session.add(brief)
    db.session.commit()
    return brief


def make_api_token(name: str = "Follower feed"):
    """An API token and its plain text (the only time the plain text exists)."""
    from marketplace.api_tokens.service import create_token

    token, plain = create_token(name)
    db.session.commit()
    return token, plain


def fund_brand(brand, cents: int = 1_000_000, currency: str = "CNY"):
    """Credit the brand's balance as a card top-up would (committed)."""
    from marketplace.ledger import service as ledger
    from marketplace.money import Money

    ledger.credit_topup(brand.id, Money(cents, currency), f"test-topup-{next(_sequence)}")
    db.session.commit()
    return brand


# How a test order reaches each state, through the same services people use. The states
# after metrics_reported belong to the payouts step; until it exists, tests set them directly.
_PATH = {
    "invited": [], "applied": [],
    "accepted": ["accept"], "in_review": ["accept", "submit"], "approved": ["accept", "submit", "approve"],
    "published": ["accept", "submit", "approve", "publish"],
    "metrics_reported": ["accept", "submit", "approve", "publish", "close_metrics"],
    "payout_scheduled": ["accept", "submit", "approve", "publish", "close_metrics", "=payout_scheduled"],
    "paid": ["accept", "submit", "approve", "publish", "close_metrics", "=paid"],
    "completed": ["accept", "submit", "approve", "publish", "close_metrics", "=completed"],
    "declined": ["decline"], "withdrawn": ["withdraw"], "expired": ["expire"], "cancelled": ["accept", "cancel"],
}


def make_order(state: str = "invited", *, brief=None, creator=None, funded: bool = True, **brief_fields):
    """An order in ``state`` for a new brief (funded brand) and eligible creator, brought there
    by the services. Orders that start by application use state "applied"."""
    from sqlalchemy import update

    from marketplace.orders import drafts, service, transitions
    from marketplace.orders.models import Order

    brief = brief or make_brief(**brief_fields)
    if funded and brief_fields.get("fund", True):
        fund_brand(brief.brand)
    creator = creator or make_eligible_creator()
    if state == "applied":
        order = service.apply(creator.user, brief, "I love this serum.")
    else:
        order = service.invite(brief.brand.user, brief, creator, "Would you like to?")
    db.session.commit()
    brand_user, creator_user = brief.brand.user, creator.user
    steps = {
        "accept": lambda: service.accept(creator_user, order),
        "submit": lambda: drafts.submit(creator_user, order, "My serum routine", "Glow all day.", "beauty"),
        "approve": lambda: drafts.approve(brand_user, order),
        "publish": lambda: drafts.publish(creator_user, order),
        "close_metrics": lambda: _report_and_close(order),
        "decline": lambda: service.decline(creator_user, order),
        "withdraw": lambda: service.withdraw(brand_user, order),
        "expire": lambda: transitions.move(order, "expire", None),
        "cancel": lambda: service.cancel(brand_user, order),
    }
    for step in _PATH[state]:
        if step.startswith("="):
            db.session.execute(update(Order).where(Order.id == order.id).values(state=step[1:], due_at=None))
        else:
            steps[step]()
        db.session.commit()
    db.session.refresh(order)
    assert order.state == state, (order.state, state)
    return order


def make_metric_report(note, *, as_of, source: str = "api", **figures):
    """A stored metric report for ``note`` (straight to the table: tests of the rules send
    reports through ``metrics.service``)."""
    from marketplace.metrics.models import FIELDS, MetricReport

    values = {name: 0 for name in FIELDS}
    values.update(impressions=1000, reads=400, likes=50, saves=20, comments=10, shares=5, follows=3,
                  deep_reads=100, searches_after_reading=8)
    values.update(figures)
    report = MetricReport(note_id=note.id if hasattr(note, "id") else note, as_of=as_of, source=source, **values)
    db.session.add(report)
    db.session.flush()
    return report


def _report_and_close(order):
    """The metrics window closes the way the scheduler closes it: a report covering the window
    arrives and ``metrics.jobs`` moves the order and freezes the snapshot."""
    from marketplace.metrics import jobs

    make_metric_report(order.note_id, as_of=order.due_at)
    jobs.close_one(order.id, order.due_at)


def make_payout_account(creator, local_stripe=None, *, ready: bool = True):
    """The creator's payout account row; with ``local_stripe``, a real connected account at
    the local server (activated when ``ready``)."""
    from marketplace.payments import gateway
    from marketplace.payout_accounts.models import PayoutAccount

    stripe_id = None
    if local_stripe is not None:
        status = gateway.create_express_account(creator.user.email, idempotency_key=f"test-acct-{creator.id}")
        stripe_id = status.id
        if ready:
            local_stripe.activate(stripe_id)
    else:
        stripe_id = f"acct_test{creator.id}"
    account = PayoutAccount(creator_id=creator.id, idempotency_key=f"payout-account-test-{creator.id}",
                            stripe_account_id=stripe_id, details_submitted=ready, payouts_enabled=ready,
                            transfers_active=ready, requirements_due=[] if ready else ["individual.verification.document"])
    db.session.add(account)
    db.session.commit()
    return account


def make_payout(local_stripe=None, *, reads: int = 0, ready: bool = True, order=None, **brief_fields):
    """An order settled on a snapshot with ``reads`` (committed), its payout due now."""
    from types import SimpleNamespace

    from marketplace.payouts import settlement

    from marketplace.payout_accounts.models import PayoutAccount

    order = order or make_order("metrics_reported", **brief_fields)
    if db.session.query(PayoutAccount).filter_by(creator_id=order.creator_id).first() is None:
        make_payout_account(order.creator, local_stripe, ready=ready)
    payout = settlement.settle(order, SimpleNamespace(reads=reads, checksum="0" * 64))
    db.session.commit()
    return payout


def make_due_payouts(n: int, local_stripe=None, *, creators: int = 6, fee_cents: int = 10000):
    """``n`` settled orders with their payouts due now, quickly: a few creators (with payout
    accounts) each take one order on several briefs; the orders are accepted through the
    service (money held), brought to metrics_reported directly, then settled. Committed."""
    from types import SimpleNamespace

    from sqlalchemy import update

    from marketplace import clock
    from marketplace.orders import service
    from marketplace.orders.models import Order
    from marketplace.payouts import settlement

    brand = make_brand()
    fund_brand(brand, n * fee_cents * 2)
    people = [make_eligible_creator() for _ in range(min(creators, n))]
    for creator in people:
        make_payout_account(creator, local_stripe)
    briefs = [make_brief(brand, slots=len(people), fee_cents=fee_cents)
              for _ in range((n + len(people) - 1) // len(people))]
    payouts = []
    for i in range(n):
        brief, creator = briefs[i // len(people)], people[i % len(people)]
        order = service.invite(brand.user, brief, creator)
        service.accept(creator.user, order)
        db.session.execute(update(Order).where(Order.id == order.id).values(
            state="metrics_reported", metrics_closed_at=clock.now(), due_at=None))
        db.session.refresh(order)
        payouts.append(settlement.settle(order, SimpleNamespace(reads=0, checksum="0" * 64)))
    db.session.commit()
    return payouts
