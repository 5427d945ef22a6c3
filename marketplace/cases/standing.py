"""The strike ladder and brand violation points (DESIGN "Staff audit of undisclosed ads").

A confirmed case gives its creator a strike and, when it is tied to a brand, the brand
``BRAND_VIOLATION_POINTS``. Live strikes decide the ladder: the first suspends the creator
for ``STRIKE_1_SUSPENSION_DAYS``, the second for ``STRIKE_2_SUSPENSION_DAYS``, and
``STRIKES_TO_BAN`` bans. A brand whose live points reach ``BRAND_VIOLATION_LIMIT`` may not open
briefs for ``BRAND_VIOLATION_BLOCK_DAYS``. Strikes and points stop counting after
``STRIKE_EXPIRY_DAYS`` / ``BRAND_VIOLATION_EXPIRY_DAYS`` (the sweep) or when an appeal is
granted. ``CreatorProfile.strike_count``, ``suspended_until`` and ``banned_at`` and
``BrandProfile.violation_points`` and ``briefs_blocked_until`` are what eligibility, matching
and briefs read.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from marketplace.brands.models import BrandProfile
from marketplace.cases.models import AuditCase, BrandPoints, Strike
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.notifications import notify

SUSPENDED = "suspended"
BANNED = "banned"


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def live_strikes(creator_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Strike)
                             .where(Strike.creator_id == creator_id, Strike.ended_at.is_(None))) or 0


def live_points(brand_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(BrandPoints.points), 0))
                             .where(BrandPoints.brand_id == brand_id, BrandPoints.ended_at.is_(None))) or 0


def give_strike(case: AuditCase, now: datetime) -> Strike:
    creator = case.creator
    strike = Strike(creator_id=creator.id, case_id=case.id, given_at=now,
                    expires_at=now + _days("STRIKE_EXPIRY_DAYS"))
    db.session.add(strike)
    db.session.flush()
    count = live_strikes(creator.id)
    creator.strike_count = count
    if count >= int(current_app.config["STRIKES_TO_BAN"]):
        if creator.banned_at is None:
            creator.banned_at = now
            strike.consequence = BANNED
    else:
        days = _days("STRIKE_1_SUSPENSION_DAYS" if count == 1 else "STRIKE_2_SUSPENSION_DAYS")
        until = now + days
        if creator.suspended_until is None or creator.suspended_until < until:
            creator.suspended_until = until
            strike.consequence = SUSPENDED
    db.session.flush()
    return strike


def give_points(case: AuditCase, now: datetime) -> BrandPoints | None:
    brand = case.brand
    if brand is None:
        return None
    points = BrandPoints(brand_id=brand.id, case_id=case.id, points=int(current_app.config["BRAND_VIOLATION_POINTS"]),
                         given_at=now, expires_at=now + _days("BRAND_VIOLATION_EXPIRY_DAYS"))
    db.session.add(points)
    db.session.flush()
    brand.violation_points = live_points(brand.id)
    if brand.violation_points >= int(current_app.config["BRAND_VIOLATION_LIMIT"]):
        until = now + _days("BRAND_VIOLATION_BLOCK_DAYS")
        if brand.briefs_blocked_until is None or brand.briefs_blocked_until < until:
            brand.briefs_blocked_until = until
    notify(brand.user, "brand.violation_points", points=brand.violation_points,
           limit=int(current_app.config["BRAND_VIOLATION_LIMIT"]))
    db.session.flush()
    return points


def remove_for(case: AuditCase, now: datetime) -> None:
    """An appeal was granted: the case's strike and points stop counting, and what the strike
    did (its suspension or ban) is lifted unless other strikes still call for it."""
    strike = db.session.scalar(select(Strike).where(Strike.case_id == case.id, Strike.ended_at.is_(None)))
    if strike is not None:
        strike.ended_at = now
        db.session.flush()
        creator = case.creator
        creator.strike_count = live_strikes(creator.id)
        if strike.consequence == BANNED and creator.strike_count < int(current_app.config["STRIKES_TO_BAN"]):
            creator.banned_at = None
        if strike.consequence == SUSPENDED and creator.suspended_until and creator.suspended_until > now:
            creator.suspended_until = None
    points = db.session.scalar(select(BrandPoints).where(BrandPoints.case_id == case.id,
                                                         BrandPoints.ended_at.is_(None)))
    if points is not None:
        points.ended_at = now
        db.session.flush()
        brand = db.session.get(BrandProfile, points.brand_id)
        brand.violation_points = live_points(brand.id)
        if brand.violation_points < int(current_app.config["BRAND_VIOLATION_LIMIT"]):
            brand.briefs_blocked_until = None
    db.session.flush()


def expire(now: datetime) -> int:
    """End strikes and points past their expiry, one conditional update each (two sweeps at
    once end each row once), and bring the counts up to date. Returns how many ended."""
    ended = 0
    creators: set[int] = set()
    for strike_id, creator_id in db.session.execute(
            select(Strike.id, Strike.creator_id).where(Strike.ended_at.is_(None), Strike.expires_at <= now)).all():
        done = db.session.execute(update(Strike).where(Strike.id == strike_id, Strike.ended_at.is_(None))
                                  .values(ended_at=now).execution_options(synchronize_session=False)).rowcount
        if done:
            ended += 1
            creators.add(creator_id)
    brands: set[int] = set()
    for points_id, brand_id in db.session.execute(
            select(BrandPoints.id, BrandPoints.brand_id)
            .where(BrandPoints.ended_at.is_(None), BrandPoints.expires_at <= now)).all():
        done = db.session.execute(update(BrandPoints).where(BrandPoints.id == points_id, BrandPoints.ended_at.is_(None))
                                  .values(ended_at=now).execution_options(synchronize_session=False)).rowcount
        if done:
            ended += 1
            brands.add(brand_id)
    for creator_id in creators:
        creator = db.session.get(CreatorProfile, creator_id)
        creator.strike_count = live_strikes(creator_id)
    for brand_id in brands:
        brand = db.session.get(BrandProfile, brand_id)
        brand.violation_points = live_points(brand_id)
    db.session.flush()
    return ended
