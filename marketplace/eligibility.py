"""May this creator take orders? One answer, with every rule that fails and what to do.

DESIGN.md §3: enough followers (from the feed or staff), payouts set up and identity
confirmed, not suspended or banned, and optionally enough regular notes since the last
commercial one. A brief may add its own minimum followers and a deliverable the creator
must offer. Every place a creator applies to or accepts an order calls ``require_eligible``.

The rules exist twice, on purpose: :func:`check` in Python (to explain each failure to a
person) and :func:`eligible_clause` in SQL (to rank 100,000 creators inside the database).
``tests/eligibility/test_sql_agrees.py`` keeps the two in agreement. This module sits above
creators and notes, whose rows it reads, and below briefs, matching and orders, which ask it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from marketplace import clock
from marketplace.creators.models import CreatorProfile, quote_column
from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.formatting import as_of_day, as_of_moment
from marketplace.notes.models import Note
from marketplace.payout_accounts import service as payout_accounts


@dataclass(frozen=True)
class Failure:
    rule: str  # stable code, e.g. "followers"
    reason: str  # what is wrong, with the numbers
    action: str  # what the creator can do about it


@dataclass
class Eligibility:
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def rules(self) -> list[str]:
        return [f.rule for f in self.failures]


def min_followers_for(brief=None) -> int:
    """The followers a creator needs: the platform's minimum, or the brief's when higher."""
    minimum = current_app.config["MIN_FOLLOWERS"]
    return max(minimum, brief.min_followers) if brief is not None else minimum


def regular_notes_since_last_commercial(profile: CreatorProfile) -> int:
    """Public, undeleted regular notes since the creator's last commercial (paid) one."""
    last_commercial = db.session.scalar(
        select(func.max(Note.created_at)).where(Note.creator_id == profile.id, Note.is_paid.is_(True)))
    query = select(func.count()).select_from(Note).where(
        Note.creator_id == profile.id, Note.is_paid.is_(False), Note.is_private.is_(False),
        Note.deleted_at.is_(None))
    if last_commercial is not None:
        query = query.where(Note.created_at > last_commercial)
    return db.session.scalar(query)


def _payout_failures(profile: CreatorProfile, fail) -> None:
    """Why the creator cannot be paid yet, in Stripe's own terms when it has told us."""
    account = payout_accounts.account_for(profile)
    connected = account is not None and account.stripe_account_id is not None
    if profile.payouts_ready_at is None:
        needed = payout_accounts.still_needed(profile)
        if not connected:
            fail(Failure("payouts", _("You have no payout account connected."),
                         _("Connect a payout account so you can be paid.")))
        elif needed:
            fail(Failure("payouts", _("Stripe still needs %(what)s.", what=", ".join(needed)),
                         _("Continue setting up your payout account with Stripe.")))
        else:
            fail(Failure("payouts", _("Stripe has not enabled payouts on your account yet."),
                         _("Continue setting up your payout account with Stripe, then refresh it.")))
    if profile.identity_confirmed_at is None:
        identity = payout_accounts.identity_needed(profile)
        fail(Failure("identity",
                     _("Stripe still needs %(what)s.", what=", ".join(identity)) if identity
                     else _("Your identity is not confirmed yet."),
                     _("Confirm your identity when you connect your payout account.")))


def _followers_failure(profile: CreatorProfile, needed: int, rule: str, whose: str) -> Failure:
    if profile.followers_as_of is None:
        reported = _("no follower count has been reported for you yet")
    else:
        source = _("staff recorded") if profile.followers_source == "staff" else _("the feed reports")
        reported = _("%(source)s %(n)s as of %(date)s", source=source,
                     n="{:,}".format(profile.follower_count),
                     date=as_of_day(profile.followers_as_of))
    if whose == "brief":
        reason = _("This brief needs %(needed)s followers; %(reported)s.", needed="{:,}".format(needed),
                   reported=reported)
    else:
        reason = _("You need %(needed)s followers to take orders; %(reported)s.", needed="{:,}".format(needed),
                   reported=reported)
    return Failure(
        rule,
        reason,
        _("Keep growing your audience; the count updates when the data feed reports it."),
    )


def check(profile: CreatorProfile | None, brief=None) -> Eligibility:
    """Every failing rule for this creator (and this brief, when given)."""
    result = Eligibility()
    fail = result.failures.append
    if profile is None:
        fail(Failure("profile", _("You have no creator profile yet."),
                     _("Set up your profile and price card.")))
        return result
    config = current_app.config
    now = clock.now()
    if profile.is_banned:
        fail(Failure("banned", _("Your account is banned from the marketplace."),
                     _("Contact support if you believe this is a mistake.")))
    elif profile.is_suspended(now):
        fail(Failure("suspended",
                     _("Your account is suspended until %(when)s.",
                       when=as_of_moment(profile.suspended_until)),
                     _("You can take orders again after that time.")))
    minimum = config["MIN_FOLLOWERS"]
    if profile.follower_count < minimum or profile.followers_as_of is None:
        fail(_followers_failure(profile, minimum, "followers", "platform"))
    if profile.payouts_ready_at is None or profile.identity_confirmed_at is None:
        _payout_failures(profile, fail)
    if not profile.accepting_orders:
        fail(Failure("not_accepting", _("Your price card says you are not accepting orders."),
                     _("Switch on \"accepting orders\" on your profile.")))
    needed_regular = config["REGULAR_NOTES_PER_COMMERCIAL"]
    if needed_regular > 0:
        have = regular_notes_since_last_commercial(profile)
        if have < needed_regular:
            fail(Failure("ratio",
                         _("You need %(needed)d regular notes since your last commercial one; you have %(have)d.",
                           needed=needed_regular, have=have),
                         _("Publish %(n)d more regular notes.", n=needed_regular - have)))
    if brief is not None:
        needed = min_followers_for(brief)
        if needed > minimum and profile.follower_count < needed:
            fail(_followers_failure(profile, needed, "brief_followers", "brief"))
        if profile.quote_for(brief.deliverable) is None:
            fail(Failure("deliverable",
                         _("This brief wants a video note, which your price card does not offer.")
                         if brief.deliverable == "video" else
                         _("This brief wants an image note, which your price card does not offer."),
                         _("Add a quote for this format on your price card.")))
    return result


def require_eligible(profile: CreatorProfile | None, brief=None) -> None:
    """Refuse (NotAllowed) with every failing rule's reason; used where orders start."""
    result = check(profile, brief)
    if not result.ok:
        raise NotAllowed(" ".join(f.reason for f in result.failures))


# ---- the same rules in SQL --------------------------------------------------------------

def _ratio_clause(needed: int):
    """REGULAR_NOTES_PER_COMMERCIAL: the notes :func:`regular_notes_since_last_commercial` counts."""
    paid = aliased(Note)
    # Correlated to the outer creator explicitly: nested one level deeper than the count, it
    # would otherwise join every creator and take the platform's last paid note.
    last_paid = (select(func.max(paid.created_at))
                 .where(paid.creator_id == CreatorProfile.id, paid.is_paid.is_(True))
                 .correlate(CreatorProfile).scalar_subquery())
    regular = (select(func.count()).select_from(Note)
               .where(Note.creator_id == CreatorProfile.id, Note.is_paid.is_(False),
                      Note.is_private.is_(False), Note.deleted_at.is_(None),
                      or_(last_paid.is_(None), Note.created_at > last_paid))
               .scalar_subquery())
    return regular >= needed


def eligible_clause(brief=None, now: datetime | None = None) -> list:
    """WHERE terms over ``creator_profiles`` true exactly for the creators :func:`check`
    passes (for ``brief``, when given)."""
    now = now or clock.now()
    C = CreatorProfile
    # The first five terms repeat the WHERE of ix_creator_profiles_ready_to_match so the
    # planner can use that narrow index.
    conditions = [
        C.accepting_orders.is_(True),
        C.follower_count >= min_followers_for(brief),
        C.followers_as_of.is_not(None),
        C.payouts_ready_at.is_not(None),
        C.identity_confirmed_at.is_not(None),
        C.banned_at.is_(None),
        or_(C.suspended_until.is_(None), C.suspended_until <= now),
    ]
    if brief is not None:
        conditions.append(quote_column(brief.deliverable).is_not(None))
    needed_regular = current_app.config["REGULAR_NOTES_PER_COMMERCIAL"]
    if needed_regular > 0:  # off by default; a correlated count per creator when on
        conditions.append(_ratio_clause(needed_regular))
    return conditions
