"""Demo audit case: one demo creator publishes a note that reads like an unfiled ad for a
demo brand (a brand name, a promo code, a call to buy), and the detector scans it at once, as
the outbox would after the commit, so the staff audit queue has an open case to look at.
Idempotent: the note is published once (found again by its title); scanning a version that
already has a case opens no second one."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.auth import service as accounts
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.notes import service as notes
from marketplace.notes.models import Note

CREATOR = "maya@creators.example.com"
TITLE = "My summer beach bag"
BODY = ("Obsessed with the GlowLab SPF50 Sun Veil! Use my code MAYA20 for 20% off, link in bio 💕 "
        "冲就完了，私信我拿优惠码")


def seed_audit_case() -> None:
    user = accounts.find_user_by_email(CREATOR)
    creator = user and db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id))
    if creator is None or db.session.scalar(select(Note.id).where(Note.creator_id == creator.id,
                                                                  Note.title == TITLE)):
        return
    notes.publish_note(creator, TITLE, BODY, "beauty,travel")
