"""Note rules: publishing, editing, deleting, who may see a note, and whether it is indexable.

Functions flush, never commit. The search area, above this one, keeps its index in step
after the caller commits (``marketplace.search.sync``), so nothing here talks to the index.
"""
from __future__ import annotations

import re
import unicodedata

from flask import current_app
from flask_babel import format_date, gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace import clock
from marketplace.audit_trail import record_staff_action
from marketplace.auth.models import User
from marketplace.creators import service as creators
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, Invalid, NotAllowed, NotFound, Problems
from marketplace.extensions import db
from marketplace.notes import images
from marketplace.notes.models import TAG_MAX, TITLE_MAX, Note, NoteImage, NoteTag

_TAG_SPLIT = re.compile(r"[\s,，#＃、]+")


# ---- the rule -------------------------------------------------------------------------

def not_indexable_reason(note: Note) -> str | None:
    """Why ``note`` must stay out of public search, or None when it may be shown there.

    DESIGN.md: indexable iff public AND (regular OR filed) AND not de-indexed; a deleted
    note or one whose creator is banned is not public any more.
    """
    if note.is_deleted:
        return _("The note is deleted.")
    if note.is_private:
        return _("The note is private: only you can see it.")
    if note.creator.is_banned:
        return _("The creator's account is banned.")
    if note.deindexed_at is not None:
        return _("Staff removed the note from search after an audit.")
    if note.is_paid and note.filing is None:
        return _("The note is marked as paid content but is not filed. Paid notes appear in "
                 "search only once they are filed against an order, so readers can see who paid.")
    return None


def is_indexable(note: Note) -> bool:
    """The one test the search index obeys: it holds a note iff this says True."""
    return not_indexable_reason(note) is None


# ---- loading --------------------------------------------------------------------------

def publisher(user: User) -> CreatorProfile:
    """The creator profile ``user`` publishes notes as; refused before they have one."""
    profile = creators.profile_for(user)
    if profile is None:
        raise Invalid(_("Set up your creator profile before publishing notes."))
    return profile


def load_note(note_id: int, viewer, *, own: bool = False) -> Note:
    """The note as ``viewer`` may read it, else NotFound: deleted notes, others' private notes
    and a banned creator's notes are not acknowledged (staff still see the last two). With
    ``own``, only the viewer's own note is found (for editing and deleting)."""
    note = db.session.get(Note, note_id)
    if note is None or note.is_deleted:
        raise NotFound(_("There is no note %(id)s.", id=note_id))
    owner = _owns(viewer, note)
    if own and not owner:
        raise NotFound(_("There is no note %(id)s.", id=note_id))
    if not owner and ((note.is_private and not getattr(viewer, "is_staff", False))
                      or creators.hidden_from(note.creator, viewer)):
        raise NotFound(_("There is no note %(id)s.", id=note_id))
    return note


def load_note_image(name: str, viewer) -> NoteImage:
    """A stored image whose note this viewer may read, else NotFound: an image is never more
    public than its note (a deleted or private note's images are not served)."""
    image = db.session.scalar(select(NoteImage).where(NoteImage.filename == name))
    if image is None:
        raise NotFound(_("There is no such image."))
    load_note(image.note_id, viewer)
    return image


def _owns(viewer, note: Note) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and note.creator.user_id == viewer.id


def notes_by_creator(creator: CreatorProfile, viewer) -> list[Note]:
    """The creator's notes as ``viewer`` may see them (their own private ones included)."""
    query = select(Note).where(Note.creator_id == creator.id, Note.deleted_at.is_(None))
    if not (_owns_profile(viewer, creator) or getattr(viewer, "is_staff", False)):
        query = query.where(Note.is_private.is_(False))
    return list(db.session.scalars(query.options(selectinload(Note.images))
                                   .order_by(Note.created_at.desc(), Note.id.desc())))


def _owns_profile(viewer, creator: CreatorProfile) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and creator.user_id == viewer.id


# ---- creator actions ------------------------------------------------------------------

def parse_tags(raw: str) -> list[str]:
    tags: list[str] = []
    for part in _TAG_SPLIT.split(unicodedata.normalize("NFKC", raw or "").lower()):
        part = part.strip()
        if part and part not in tags:
            if len(part) > TAG_MAX:
                raise Invalid(_("Keep each tag under %(n)d characters.", n=TAG_MAX), field="tags")
            tags.append(part)
    limit = current_app.config["NOTE_MAX_TAGS"]
    if len(tags) > limit:
        raise Invalid(_("Use at most %(n)d tags.", n=limit), field="tags")
    return tags


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the note a title."), field="title")
    if len(title) > TITLE_MAX:
        raise Invalid(_("Keep the title to %(n)d characters.", n=TITLE_MAX), field="title")
    return title


def _check_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    limit = current_app.config["NOTE_BODY_MAX_CHARS"]
    if len(body) > limit:
        raise Invalid(_("Keep the note to %(n)d characters.", n=limit), field="body")
    return body


def check_text(title: str, body: str) -> tuple[str, str]:
    """A note's (or an order draft's) title and body, trimmed, or the reason they are refused."""
    return _check_title(title), _check_body(body)


def note_problems(title: str, body: str, tags: str = "", uploads=(), images_kept: int = 0) -> Problems:
    """Every rule a note's fields break (the form shows them all at once); ``images_kept`` is
    how many stored images the note keeps. Uploads are read to check them, then rewound so
    publishing can read them again."""
    found = Problems()
    found.check(_check_title, title)
    found.check(_check_body, body)
    found.check(parse_tags, tags)
    found.check(images.check_uploads, uploads, already=images_kept)
    for upload in uploads or ():
        if upload and getattr(upload, "filename", ""):
            upload.seek(0)
    return found


def _set_tags(note: Note, tags: list[str]) -> None:
    note.tags = [NoteTag(tag=tag, position=i) for i, tag in enumerate(tags)]


def _add_images(note: Note, uploads) -> None:
    checked = images.check_uploads(uploads, already=len(note.images))
    start = len(note.images)
    for i, image in enumerate(checked):
        note.images.append(NoteImage(filename=images.store(image), content_type=image.content_type,
                                     size_bytes=len(image.data), position=start + i))


def publish_note(creator: CreatorProfile, title: str, body: str, tags: str = "", *,
                 is_paid: bool = False, is_private: bool = False, uploads=()) -> Note:
    if creator.is_banned:
        raise NotAllowed(_("Your account is banned, so you cannot publish notes."))
    title, body = check_text(title, body)
    note = Note(creator=creator, title=title, body=body, is_paid=bool(is_paid),
                is_private=bool(is_private), created_at=clock.now(), updated_at=clock.now())
    _set_tags(note, parse_tags(tags))
    _add_images(note, uploads)
    db.session.add(note)
    db.session.flush()
    return note


def edit_note(note: Note, title: str, body: str, tags: str = "", *, is_paid: bool = False,
              is_private: bool = False, uploads=(), remove_image_ids=(), version: int | None = None) -> Note:
    """The creator's edit, made from the form opened at ``version`` (a save made since, say
    in another tab, is not overwritten)."""
    title, body = check_text(title, body)
    if note.is_filed and not is_paid:
        raise Invalid(_("A filed note stays marked as paid content."), field="is_paid")
    if is_private and not note.is_private and (until := note.protection_ends):
        raise Invalid(_("This note is filed for a brand and protected until %(date)s: it stays "
                        "public until then.", date=format_date(until, "long")), field="is_private")
    note.saving(version)
    note.title, note.body = title, body
    note.is_paid, note.is_private = bool(is_paid), bool(is_private)
    _set_tags(note, parse_tags(tags))
    removing = {int(i) for i in remove_image_ids}
    for image in note.images:
        if image.id in removing:
            images.discard(image.filename)
    note.images = [image for image in note.images if image.id not in removing]
    for position, image in enumerate(note.images):
        image.position = position
    _add_images(note, uploads)
    note.updated_at = clock.now()
    db.session.flush()
    return note


def delete_refusal(note: Note) -> str | None:
    """Why the creator cannot delete this note now, or None when they can: a filed note stays
    up while its protection period runs (the brand paid for it). Pages show this reason in
    place of the Delete button."""
    filing = note.filing
    if note.protection_ends:
        return _("This note is filed for a brand and protected until %(date)s. You can "
                 "delete it after that date.", date=format_date(filing.protected_until, "long"))
    return None


def delete_note(note: Note) -> None:
    """Soft-delete; refused while a filing's protection period runs (``delete_refusal``)."""
    if reason := delete_refusal(note):
        raise Conflict(reason)
    note.deleted_at = clock.now()
    db.session.flush()


# ---- staff actions --------------------------------------------------------------------

# The states staff filter notes by (``notes_for_staff``): code -> condition.
STAFF_STATES = ("paid", "filed", "unfiled_paid", "deindexed", "private", "deleted")


def notes_for_staff(creator: str = "", title: str = "", state: str = "", page: int = 1,
                    per_page: int = 50) -> tuple[list[Note], int]:
    """Every note, deleted ones included, newest first, narrowed by the creator (handle or
    display name, any script), words in the title, and a state. Returns (notes, total)."""
    query = select(Note).join(Note.creator).join(User, User.id == CreatorProfile.user_id)
    if who := (creator or "").strip():
        handle = who.lstrip("@").lower()
        query = query.where(CreatorProfile.handle.contains(handle, autoescape=True)
                            | func.lower(User.display_name).contains(who.lower(), autoescape=True))
    if words := (title or "").strip():
        query = query.where(func.lower(Note.title).contains(words.lower(), autoescape=True))
    conditions = {
        "paid": Note.is_paid.is_(True),
        "filed": Note.filing.has(),
        "unfiled_paid": Note.is_paid.is_(True) & ~Note.filing.has(),
        "deindexed": Note.deindexed_at.is_not(None),
        "private": Note.is_private.is_(True),
        "deleted": Note.deleted_at.is_not(None),
    }
    if state in conditions:
        query = query.where(conditions[state])
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(page, 1)
    rows = db.session.scalars(query.order_by(Note.created_at.desc(), Note.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).unique().all()
    return list(rows), total


def deindex_note(note: Note, actor: User, reason: str) -> None:
    if note.deindexed_at is not None:
        raise Conflict(_("The note is already out of search."))
    record_staff_action(actor, "note.deindex", "note", note.id, reason)
    note.deindexed_at = clock.now()
    db.session.flush()


def restore_to_index(note: Note, actor: User, reason: str) -> None:
    if note.deindexed_at is None:
        raise Conflict(_("The note is not de-indexed."))
    record_staff_action(actor, "note.reindex", "note", note.id, reason)
    note.deindexed_at = None
    db.session.flush()
