"""Drafts, review and publishing: the creator submits a draft, the brand approves it or asks
for a revision (after ``MAX_REVISIONS`` requests the next draft is approved), and the creator
publishes the approved draft as a note that is filed in the same transaction.
"""
from __future__ import annotations

import difflib

from flask import current_app
from flask_babel import gettext as _

from marketplace import clock
from marketplace.auth.models import User
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.filings.service import file_note
from marketplace.notes import service as notes
from marketplace.orders import images, transitions
from marketplace.orders.models import Draft, Order
from marketplace.orders.states import Actor

COMMENTS_MAX = 2000


def submit(user: User, order: Order, title: str, body: str, tags: str = "", uploads=()) -> Draft:
    """The creator hands in a draft for review, with images checked as a note's (none sent:
    the previous version's are kept). When the brand has used every revision request, the
    draft is approved at once (DESIGN: "after 3 revision requests the next draft is approved")."""
    title, body = notes.check_text(title, body)
    tag_list = notes.parse_tags(tags)
    checked = images.check(uploads)
    previous = order.latest_draft
    now = clock.now()
    transitions.move(order, "submit", user, submitted_at=now)
    draft = Draft(order_id=order.id, number=len(order.drafts) + 1, title=title, body=body,
                  tags=",".join(tag_list), submitted_at=now)
    images.attach(draft, checked, previous)
    db.session.add(draft)
    db.session.flush()
    db.session.refresh(order)
    if order.revision_count >= current_app.config["MAX_REVISIONS"]:
        _approve(order, None, _("Every revision request was used, so this draft is approved."),
                 actor=Actor.SCHEDULER)
    return draft


def _approve(order: Order, user: User | None, comment: str, *, actor: Actor | None = None) -> None:
    now = clock.now()
    draft = order.latest_draft
    transitions.move(order, "approve", user, comment=comment, actor=actor, approved_at=now)
    draft.decision, draft.decided_at = "approved", now
    db.session.flush()


def approve(user: User, order: Order, comment: str = "") -> Order:
    """The brand approves the draft in review."""
    _approve(order, user, _clean(comment))
    return order


def auto_approve(order: Order) -> Order:
    """The brand did not review in time (``DRAFT_REVIEW_HOURS``): the draft counts as approved."""
    _approve(order, None, _("The brand did not review the draft in time, so it is approved."))
    return order


def request_revision(user: User, order: Order, comments: str) -> Order:
    """The brand asks for changes, saying what to change."""
    comments = _clean(comments)
    if not comments:
        raise Invalid(_("Say what should change in the draft."), field="comments")
    limit = current_app.config["MAX_REVISIONS"]
    if order.revision_count >= limit:
        raise Conflict(_("You have asked for all %(n)d revisions; approve the draft or cancel the order.", n=limit))
    draft = order.latest_draft
    transitions.move(order, "revise", user, comment=comments, revision_count=order.revision_count + 1)
    draft.decision, draft.decided_at, draft.comments = "revise", clock.now(), comments
    db.session.flush()
    return order


def publish(user: User, order: Order) -> Order:
    """The creator publishes the approved draft: a note, filed for the brand with the brief's
    protection period (label, receipt, searchable), and the metrics window starts."""
    draft = order.latest_draft
    if draft is None or draft.decision != "approved":
        raise Conflict(_("Only an approved draft can be published."))
    if transitions.actor_for(order, user) != Actor.CREATOR:
        raise transitions.refusal(order, "publish", transitions.actor_for(order, user))
    note = notes.publish_note(order.creator, draft.title, draft.body, draft.tags, is_paid=True,
                              uploads=images.as_uploads(draft))
    transitions.move(order, "publish", user, published_at=clock.now(), note_id=note.id)
    file_note(note, order.brief.brand, order.reference, order_id=order.id,
              protection_days=order.brief.protection_days)
    return order


def _clean(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > COMMENTS_MAX:
        raise Invalid(_("Comments have at most %(n)d characters.", n=COMMENTS_MAX), field="comments")
    return text


def diff(old: Draft, new: Draft) -> list[tuple[str, str]]:
    """What changed between two versions, word by word: ``(kind, text)`` pairs where kind is
    "same", "added" or "removed" (pages mark added and removed text)."""
    def words(d: Draft) -> list[str]:
        return (d.title + "\n" + d.body + "\n#" + " #".join(d.tag_list)).replace("\n", " \n ").split(" ")

    a, b = words(old), words(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("removed", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("added", " ".join(b[j1:j2])))
    return out


def checklist(brief, draft: Draft | None) -> list[dict]:
    """The brief's must-include and must-avoid points, for beside the draft: each with
    whether the draft's words mention it (a hint for the people checking, not a rule)."""
    text = ((draft.title + "\n" + draft.body + "\n" + " ".join(draft.tag_list)).casefold()
            if draft is not None else None)
    items = []
    for kind, points in (("include", brief.must_include_list), ("avoid", brief.must_avoid_list)):
        for point in points:
            items.append({"kind": kind, "text": point,
                          "mentioned": None if text is None else point.strip().casefold() in text})
    return items
