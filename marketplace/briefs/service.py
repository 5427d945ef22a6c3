"""Brief rules: what a valid brief is, who may see and change it, draft → open → closed.

State changes are conditional updates (``WHERE state = :expected``), so two clicks that race
(open and close at once) cannot both succeed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from marketplace import clock
from marketplace import taxonomy
from marketplace.auth.models import User
from marketplace.brands import service as brands
from marketplace.briefs.models import Brief, BriefState
from marketplace.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, Problems
from marketplace.extensions import db
from marketplace.formatting import as_of_moment
from marketplace.money import MAX_AMOUNT_CENTS as MAX_FEE_CENTS

MAX_SLOTS = 500


@dataclass
class BriefInput:
    """What a brand types into the brief form, already converted to plain values."""

    title: str = ""
    product: str = ""
    description: str = ""
    must_include: str = ""
    must_avoid: str = ""
    categories: list[str] = field(default_factory=list)
    deliverable: str = "image"
    fee_mode: str = "fixed"
    fee_cents: int | None = None
    slots: int | None = 1
    min_followers: int | None = None
    regions: list[str] = field(default_factory=list)
    apply_by: datetime | None = None
    draft_due: datetime | None = None
    publish_by: datetime | None = None
    metrics_window_days: int | None = 7
    protection_days: int | None = 30
    bonus_per_1k_reads_cents: int | None = None
    bonus_cap_cents: int | None = None


def end_of_day(day: date | None) -> datetime | None:
    """A brief's date means "by the end of that day" (UTC)."""
    return None if day is None else datetime.combine(day, time(23, 59), tzinfo=timezone.utc)


# (field, longest, the reason when it is required and empty; None when it may be empty)
_TEXT_FIELDS = (
    ("title", 120, lambda: _("Give the brief a title creators will understand.")),
    ("product", 120, lambda: _("Name the product the notes are about.")),
    ("description", 5000, None),
    ("must_include", 2000, None),
    ("must_avoid", 2000, None),
)


def problems(data: BriefInput) -> Problems:
    """Every rule this brief breaks, by field in form order. Tidies ``data`` in place: text
    is stripped and a quote-mode brief forgets any fee typed."""
    config = current_app.config
    now = clock.now()
    found = Problems()
    for name, limit, required in _TEXT_FIELDS:
        value = (getattr(data, name) or "").strip()
        setattr(data, name, value)
        if required and not value:
            found.add(name, required())
        elif len(value) > limit:
            found.add(name, _("Keep this under %(n)d characters.", n=limit))
    if not data.categories or any(c not in taxonomy.categories() for c in data.categories):
        found.add("categories", _("Choose at least one category from the list."))
    elif len(data.categories) > 5:
        found.add("categories", _("Choose at most five categories."))
    if data.deliverable not in ("image", "video"):
        found.add("deliverable", _("Choose an image note or a video note."))
    if data.fee_mode not in ("fixed", "quote"):
        found.add("fee_mode", _("Choose a fixed fee or the creator's quote."))
    elif data.fee_mode == "quote":
        data.fee_cents = None
    elif data.fee_cents is None or data.fee_cents <= 0:
        found.add("fee", _("Enter a fee above zero, or pay each creator's quote."))
    elif data.fee_cents > MAX_FEE_CENTS:
        found.add("fee", _("That fee looks too large. Check the amount."))
    if data.slots is None or not 1 <= data.slots <= MAX_SLOTS:
        found.add("slots", _("Ask for between 1 and %(n)d creators.", n=MAX_SLOTS))
    minimum = config["MIN_FOLLOWERS"]
    if data.min_followers is None or data.min_followers < minimum:
        found.add("min_followers", _("The platform minimum is %(n)s followers; a brief cannot ask for fewer.",
                                     n="{:,}".format(minimum)))
    if any(code not in taxonomy.regions() for code in data.regions):
        found.add("regions", _("Choose regions from the list."))
    if data.apply_by is None or data.apply_by <= now:
        found.add("apply_by", _("The apply-by date must be in the future."))
    if data.draft_due is None or (data.apply_by is not None and data.draft_due <= data.apply_by):
        found.add("draft_due", _("Drafts can only be due after creators have applied: pick a date after apply-by."))
    if data.publish_by is None or (data.draft_due is not None and data.publish_by <= data.draft_due):
        found.add("publish_by", _("Publishing comes after the draft is approved: pick a date after the draft is due."))
    if data.metrics_window_days is None or not 1 <= data.metrics_window_days <= 90:
        found.add("metrics_window_days", _("The metrics window is between 1 and 90 days."))
    low, high = config["PROTECTION_MIN_DAYS"], config["PROTECTION_MAX_DAYS"]
    if data.protection_days is None or not low <= data.protection_days <= high:
        found.add("protection_days", _("The protection period is between %(low)d and %(high)d days.",
                                       low=low, high=high))
    bonus, cap = data.bonus_per_1k_reads_cents, data.bonus_cap_cents
    if bonus is None and cap is None:
        pass
    elif bonus is None or bonus <= 0:
        found.add("bonus_per_1k", _("Enter a bonus per 1,000 reads above zero, or leave both bonus fields empty."))
    elif cap is None or cap < bonus:
        found.add("bonus_cap", _("Cap the bonus at no less than one step (the amount per 1,000 reads)."))
    return found


def validate(data: BriefInput) -> None:
    """Raise Invalid for the first problem, naming its field, in form order."""
    problems(data).raise_first()


def _apply(brief: Brief, data: BriefInput) -> None:
    brief.title = data.title
    brief.product = data.product
    brief.description = data.description
    brief.must_include = data.must_include
    brief.must_avoid = data.must_avoid
    brief.categories_mask = taxonomy.mask_from_categories(data.categories)
    brief.deliverable = data.deliverable
    brief.fee_mode = data.fee_mode
    brief.fee_cents = data.fee_cents
    brief.slots = data.slots
    brief.min_followers = data.min_followers
    brief.regions = ",".join(code for code in taxonomy.regions() if code in data.regions)
    brief.apply_by = data.apply_by
    brief.draft_due = data.draft_due
    brief.publish_by = data.publish_by
    brief.metrics_window_days = data.metrics_window_days
    brief.protection_days = data.protection_days
    brief.bonus_per_1k_reads_cents = data.bonus_per_1k_reads_cents
    brief.bonus_cap_cents = data.bonus_cap_cents
    brief.updated_at = clock.now()


def _brand_of(user: User):
    if not user.is_brand:
        raise NotAllowed(_("Only brands post briefs."))
    brand = brands.profile_for(user)
    if brand is None:
        raise NotAllowed(_("Set up your company profile before posting a brief."))
    return brand


def create_draft(user: User, data: BriefInput) -> Brief:
    """A new draft. Unverified brands may draft; opening waits for verification."""
    brand = _brand_of(user)
    validate(data)
    brief = Brief(brand_id=brand.id, state=BriefState.DRAFT, currency=current_app.config["DEFAULT_CURRENCY"],
                  created_at=clock.now())
    _apply(brief, data)
    db.session.add(brief)
    db.session.flush()
    return brief


def edit_refusal(brief: Brief) -> str | None:
    """Why this brief cannot be edited, or None when it can (pages hide the form then)."""
    if not brief.is_draft:
        return _("Only drafts can be edited; creators may already be relying on an open brief.")
    return None


def update_draft(user: User, brief: Brief, data: BriefInput, *, version: int | None = None) -> Brief:
    """Save the brand's edit of a draft, opened at ``version`` (a save made since is not
    overwritten: :class:`~marketplace.errors.Changed`)."""
    _require_owner(user, brief)
    if reason := edit_refusal(brief):
        raise Conflict(reason)
    validate(data)
    brief.saving(version)
    _apply(brief, data)
    db.session.flush()
    return brief


def _require_owner(user: User, brief: Brief) -> None:
    if not user.is_brand or brief.brand.user_id != user.id:
        raise NotAllowed(_("Only the brand that wrote this brief can change it."))


def _transition(brief: Brief, expected: BriefState, new: BriefState, **values) -> None:
    result = db.session.execute(
        update(Brief).where(Brief.id == brief.id, Brief.state == expected)
        .values(state=new, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(brief)
        raise Conflict(_("This brief is %(state)s now; refresh the page.", state=state_label(brief.state)))
    db.session.refresh(brief)


def open_refusal(user: User, brief: Brief) -> DomainError | None:
    """Why ``user`` (the brief's brand) cannot open this brief now, or None when it can. Pages
    show the reason beside a disabled button instead of offering an action that would be refused."""
    if not user.is_verified:
        # Creators act on an open brief: the brand must be reachable at its address first.
        return NotAllowed(_("Confirm your email address before opening a brief: open the link we sent "
                            "to %(email)s, or send a new one from your account page.", email=user.email))
    if not brief.brand.is_verified:
        return NotAllowed(_("Your brand is not verified yet, so this brief stays a draft. Staff check "
                            "new brands; you will be able to open it once they have."))
    if brief.brand.is_blocked_from_briefs():
        return NotAllowed(_("Your brand reached the limit of violation points for undisclosed ads, so it "
                            "cannot open briefs until %(when)s.", when=as_of_moment(brief.brand.briefs_blocked_until)))
    if not brief.is_draft:
        return Conflict(_("Only a draft can be opened."))
    if brief.apply_by <= clock.now():
        return Invalid(_("The apply-by date has passed. Edit the dates, then open the brief."), field="apply_by")
    return None


def open_brief(user: User, brief: Brief) -> None:
    """Publish a draft to creators. Needs a confirmed email address, a verified brand and
    dates still in the future."""
    _require_owner(user, brief)
    if refusal := open_refusal(user, brief):
        raise refusal
    _transition(brief, BriefState.DRAFT, BriefState.OPEN, opened_at=clock.now())


def close_brief(user: User, brief: Brief) -> None:
    """Stop taking applications. Orders already made go on (orders area)."""
    _require_owner(user, brief)
    if brief.state != BriefState.OPEN:
        raise Conflict(_("Only an open brief can be closed."))
    _transition(brief, BriefState.OPEN, BriefState.CLOSED, closed_at=clock.now())


def delete_draft(user: User, brief: Brief) -> None:
    """Delete a draft for good. Open and closed briefs stay: creators saw them and orders may
    point at them. A conditional delete, so a draft opened meanwhile is not deleted."""
    _require_owner(user, brief)
    if not brief.is_draft:
        raise Conflict(_("Only a draft can be deleted; close an open brief instead."))
    result = db.session.execute(
        delete(Brief).where(Brief.id == brief.id, Brief.state == BriefState.DRAFT)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        current = db.session.get(Brief, brief.id, populate_existing=True)
        if current is None:
            raise Conflict(_("This brief is already deleted."))
        raise Conflict(_("This brief is %(state)s now; refresh the page.", state=state_label(current.state)))
    db.session.expunge(brief)


def state_label(state: str) -> str:
    return {"draft": _("a draft"), "open": _("open"), "closed": _("closed")}.get(state, state)


def is_owner(viewer, brief: Brief) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and getattr(viewer, "is_brand", False)
                and brief.brand.user_id == viewer.id)


def load_brief(brief_id: int, viewer, *, edit: bool = False) -> Brief:
    """The brief as ``viewer`` may see it: NotFound if missing or a draft of another brand
    (drafts are private: not even their existence is confirmed); NotAllowed when ``edit``
    asks for the owner and the viewer is not."""
    brief = db.session.get(Brief, brief_id)
    if brief is None or (brief.is_draft and not is_owner(viewer, brief)):
        raise NotFound(_("There is no brief %(id)s.", id=brief_id))
    if edit and not is_owner(viewer, brief):
        raise NotAllowed(_("This brief belongs to another brand."))
    return brief


def briefs_of(user: User) -> list[Brief]:
    brand = brands.profile_for(user)
    if brand is None:
        return []
    order = {"open": 0, "draft": 1, "closed": 2}
    briefs = list(db.session.scalars(select(Brief).where(Brief.brand_id == brand.id)
                                     .order_by(Brief.created_at.desc())))
    return sorted(briefs, key=lambda b: order.get(b.state, 3))
