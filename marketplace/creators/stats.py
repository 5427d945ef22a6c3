"""Creators' reach: follower count, engagement rate and audience portrait.

Only two writers exist: the data feed (``apply_feed_report``, via a bearer token) and staff
(``set_followers_by_staff``, with a written reason in the staff log). Creators cannot edit
these; the profile form has no such fields and the service there accepts none.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from marketplace import clock
from marketplace import taxonomy
from marketplace.audit_trail import record_staff_action
from marketplace.auth.models import User
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db

AGE_BANDS = ("13-17", "18-24", "25-34", "35-44", "45+")
GENDERS = ("female", "male", "other")
MAX_FOLLOWERS = 2_000_000_000  # more than any account has; bigger is a unit error upstream
CLOCK_SKEW = timedelta(minutes=5)  # feed servers' clocks may run slightly ahead of ours


class FieldErrors(Invalid):
    """Several invalid fields at once: the API returns one reason per field."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(_("Some fields are not valid."), fields=fields)


def _parse_time(raw) -> datetime:
    if not isinstance(raw, str):
        raise ValueError
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError
    return moment


def _shares(raw, allowed: tuple[str, ...], field: str, errors: dict[str, str]) -> dict[str, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors[field] = _("Send an object of percentages, like {\"%(key)s\": 40}.", key=allowed[0])
        return {}
    shares = {}
    for key, value in raw.items():
        if key not in allowed:
            errors[field] = _("Unknown key %(key)s; use one of: %(keys)s.", key=key, keys=", ".join(allowed))
            return {}
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            errors[field] = _("Each share is a whole percentage from 0 to 100.")
            return {}
        shares[key] = value
    if sum(shares.values()) > 100:
        errors[field] = _("The shares add up to more than 100%.")
        return {}
    return shares


def validate_report(payload) -> dict:
    """Check a feed report; return clean values or raise FieldErrors with a reason per field."""
    if not isinstance(payload, dict):
        raise FieldErrors({"body": _("Send a JSON object.")})
    errors: dict[str, str] = {}
    followers = payload.get("followers")
    if not isinstance(followers, int) or isinstance(followers, bool) or not 0 <= followers <= MAX_FOLLOWERS:
        errors["followers"] = _("A whole number of followers, 0 or more.")
    engagement = payload.get("engagement_rate_bps")
    if not isinstance(engagement, int) or isinstance(engagement, bool) or not 0 <= engagement <= 10_000:
        errors["engagement_rate_bps"] = _("Engagement rate in basis points: a whole number from 0 to 10000 (345 = 3.45%).")
    as_of = None
    try:
        as_of = _parse_time(payload.get("as_of"))
        if as_of > clock.now() + CLOCK_SKEW:
            errors["as_of"] = _("This time is in the future.")
    except ValueError:
        errors["as_of"] = _("An ISO 8601 time with a zone, like 2026-05-03T09:00:00Z.")
    audience = payload.get("audience") or {}
    if not isinstance(audience, dict):
        errors["audience"] = _("Send an object with age, gender and regions.")
        audience = {}
    unknown = set(audience) - {"age", "gender", "regions"}
    if unknown:
        errors["audience"] = _("Unknown audience keys: %(keys)s.", keys=", ".join(sorted(unknown)))
    clean_audience = {
        "age": _shares(audience.get("age"), AGE_BANDS, "audience.age", errors),
        "gender": _shares(audience.get("gender"), GENDERS, "audience.gender", errors),
        "regions": _shares(audience.get("regions"), taxonomy.regions(), "audience.regions", errors),
    }
    if errors:
        raise FieldErrors(errors)
    return {"followers": followers, "engagement_bps": engagement, "as_of": as_of,
            "audience": clean_audience}


def _copy_top_regions(profile: CreatorProfile, regions: dict[str, int]) -> None:
    top = sorted(regions.items(), key=lambda item: (-item[1], item[0]))[:3]
    top += [("", 0)] * (3 - len(top))
    for i, (code, share) in enumerate(top, start=1):
        setattr(profile, f"audience_region_{i}", code)
        setattr(profile, f"audience_share_{i}", share)


def apply_feed_report(profile: CreatorProfile, payload) -> bool:
    """Store a data-feed report. Returns False when it changed nothing (a repeat).

    Reports are ordered by ``as_of``: an older one than the figures on file is refused, so a
    delayed retry never overwrites newer numbers (including a staff correction).
    """
    report = validate_report(payload)
    as_of = report["as_of"]
    current = profile.followers_as_of
    same = (profile.follower_count == report["followers"]
            and profile.engagement_bps == report["engagement_bps"]
            and (profile.audience or {}) == report["audience"])
    if current is not None and as_of == current:
        if same and profile.followers_source == "feed":
            return False
        raise Conflict(_("A different report for this creator at this time is already on file. "
                         "Send corrections with a later as_of."))
    if current is not None and as_of < current:
        raise Conflict(_("The figures on file are newer (as of %(when)s).", when=current.isoformat()))
    profile.follower_count = report["followers"]
    profile.followers_as_of = as_of
    profile.followers_source = "feed"
    profile.engagement_bps = report["engagement_bps"]
    profile.engagement_as_of = as_of
    profile.audience = report["audience"]
    profile.audience_as_of = as_of
    _copy_top_regions(profile, report["audience"]["regions"])
    db.session.flush()
    return True


def set_followers_by_staff(actor: User, profile: CreatorProfile, followers: int | None, reason: str) -> None:
    """A staff correction of the follower count, kept in the staff log with its reason."""
    if followers is None or followers < 0 or followers > MAX_FOLLOWERS:
        raise Invalid(_("Enter a whole number of followers, 0 or more."), field="followers")
    record_staff_action(actor, "creator.set_followers", "creator", profile.id, reason,
           before=profile.follower_count, after=followers)
    profile.follower_count = followers
    profile.followers_as_of = clock.now()
    profile.followers_source = "staff"
    db.session.flush()


def set_payout_readiness_by_staff(actor: User, profile: CreatorProfile, *, payouts_ready: bool,
                                  identity_confirmed: bool, reason: str) -> None:
    """Until the payments area connects accounts itself, staff confirm them by hand."""
    record_staff_action(actor, "creator.payout_readiness", "creator", profile.id, reason,
           payouts_ready=payouts_ready, identity_confirmed=identity_confirmed)
    now = clock.now()
    profile.payouts_ready_at = (profile.payouts_ready_at or now) if payouts_ready else None
    profile.identity_confirmed_at = (profile.identity_confirmed_at or now) if identity_confirmed else None
    db.session.flush()
