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
