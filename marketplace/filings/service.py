"""Filing rules: file a commercial note against its order and brand; receipts; the library.

Step 4's order flow calls :func:`file_note` when the creator publishes the order's note.
Until then staff file notes from the note's staff page (:func:`staff_file_note`).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import clock
from marketplace.audit_trail import record_staff_action
from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, Invalid, NotFound
from marketplace.extensions import db
from marketplace.filings import codes
from marketplace.filings.models import Filing
from marketplace.transaction import refuse_duplicates
from marketplace.notes.models import Note

REFERENCE_MAX = 64

# Two filings of one note at once: the second commit hits the unique note_id.
refuse_duplicates("uq_filings_note_id", lambda: Conflict(_("This note is already filed.")))


def file_note(note: Note, brand: BrandProfile, order_reference: str, *, order_id: int | None = None,
              filed_by: User | None = None, protection_days: int | None = None) -> Filing:
    """Tie ``note`` to its order and brand: it becomes labelled, receipted and indexable."""
    order_reference = (order_reference or "").strip()
    if not order_reference:
        raise Invalid(_("Give the order reference this note was made for."), field="order_reference")
    if len(order_reference) > REFERENCE_MAX:
        raise Invalid(_("An order reference has at most %(n)d characters.", n=REFERENCE_MAX),
                      field="order_reference")
    if note.is_deleted:
        raise Conflict(_("A deleted note cannot be filed."))
    if note.filing is not None:
        raise Conflict(_("This note is already filed (receipt %(code)s).", code=note.filing.code))
    if brand is None:
        raise Invalid(_("Choose the brand that paid for this note."), field="brand_id")
    days = protection_days if protection_days is not None else current_app.config["PROTECTION_MIN_DAYS"]
    filed_at = clock.now()
    filing = Filing(code=codes.new_code(), note=note, filed_title=note.title, filed_body=note.body, brand=brand, order_id=order_id,
                    order_reference=order_reference, filed_at=filed_at,
                    filed_by_id=filed_by.id if filed_by else None,
                    protected_until=filed_at + timedelta(days=days))
    note.is_paid = True  # a filed note is commercial by definition
    db.session.add(filing)
    db.session.flush()
    return filing


def staff_file_note(note: Note, brand_id: int | None, order_reference: str, actor: User,
                    reason: str) -> Filing:
    brand = db.session.get(BrandProfile, brand_id) if brand_id else None
    record_staff_action(actor, "note.file", "note", note.id, reason,
                     brand_id=brand_id, order_reference=(order_reference or "").strip())
    return file_note(note, brand, order_reference, filed_by=actor)


def load_filing(code: str) -> Filing:
    """A filing by its receipt code (receipts are public)."""
    filing = db.session.scalar(select(Filing).where(Filing.code == codes.canonical(code)))
    if filing is None:
        raise NotFound(_("There is no filing with this receipt code."))
    return filing


def brand_choices() -> list[tuple[int, str]]:
    return [(b.id, b.company_name) for b in
            db.session.scalars(select(BrandProfile).order_by(BrandProfile.company_name))]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


# The library counts its filings up to here ("1,000+"): an exact count would join every
# filing to its note, creator and brand on every view of a public page.
COUNT_CAP = 1000


def library(brand: str = "", creator: str = "", since: date | None = None,
            until: date | None = None, page: int = 1, per_page: int = 20):
    """Filings newest first, narrowed by brand name, creator handle or name, and filing date.
    Returns (filings, total, more): ``total`` is exact up to ``COUNT_CAP`` or the end of
    this page, whichever is further; ``more`` says there are more than ``total``."""
    # Join only what a filter reads: unfiltered, the newest filings come straight off the
    # filed_at index (the page's own rows still bring their note, creator and brand along).
    query = select(Filing)
    if brand.strip():
        query = query.join(Filing.brand).where(
            func.lower(BrandProfile.company_name).contains(brand.strip().lower(), autoescape=True))
    if creator.strip():
        needle = creator.strip().lstrip("@").lower()
        query = (query.join(Filing.note).join(Note.creator).join(User, User.id == CreatorProfile.user_id)
                 .where(func.lower(CreatorProfile.handle).contains(needle, autoescape=True)
                        | func.lower(User.display_name).contains(needle, autoescape=True)))
    if since:
        query = query.where(Filing.filed_at >= _day_start(since))
    if until:
        query = query.where(Filing.filed_at < _day_start(until + timedelta(days=1)))
    bound = max(COUNT_CAP, page * per_page)
    counted = db.session.scalar(select(func.count()).select_from(
        query.with_only_columns(Filing.id).limit(bound + 1).subquery()))
    rows = db.session.scalars(query.order_by(Filing.filed_at.desc(), Filing.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).unique().all()
    return list(rows), min(counted, bound), counted > bound
