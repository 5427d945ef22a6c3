"""Audit case rules: the staff queue and its actions, the creator's side (file, appeal), bans,
and the labels staff decisions give the learned ranking.

Each action is one function that checks who may do it, moves the case with a conditional
update (two staff members deciding one case at once: the second is refused, nothing
doubles), writes the audit trail and flushes; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from marketplace import clock
from marketplace.audit import training
from marketplace.audit.detector import Span, explain
from marketplace.audit.learning import Row
from marketplace.audit_trail import SCHEDULER, record, record_staff_action
from marketplace.auth.models import User
from marketplace.cases import standing
from marketplace.cases.models import (CONFIRMED, DISMISSED, FILED, FILING_REQUESTED, OPEN, OVERTURNED, WAITING,
                                      AuditCase)
from marketplace.creators import service as creators
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Conflict, Invalid, NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.filings import service as filings
from marketplace.notifications import notify
from marketplace.orders.models import Order

REASON_MAX = 2000
APPEAL_MAX = 2000
FAILED_ORDER_STATES = ("declined", "withdrawn", "expired", "cancelled")


# ---- loading ------------------------------------------------------------------------------

def load_case(case_id: int, viewer) -> AuditCase:
    """The case for staff, or for the creator whose note it is; else NotFound."""
    case = db.session.get(AuditCase, case_id)
    if case is None or not (getattr(viewer, "is_staff", False) or case.creator.user_id == getattr(viewer, "id", None)):
        raise NotFound(_("There is no case %(id)s.", id=case_id))
    return case


@dataclass(frozen=True)
class QueueFilter:
    signal: str = ""
    brand_id: int | None = None
    creator: str = ""  # handle
    age: str = ""  # "1": opened in the last day, "7": the last week, "old": before that


def queue(filters: QueueFilter = QueueFilter(), limit: int = 200) -> list[AuditCase]:
    """Waiting cases, the highest (combined) score first, then the oldest."""
    ranking = func.coalesce(AuditCase.combined_score, AuditCase.score)
    query = select(AuditCase).where(AuditCase.state.in_(WAITING))
    if filters.signal:
        query = query.where(AuditCase.signal_codes.contains("," + filters.signal + ","))
    if filters.brand_id:
        query = query.where(AuditCase.brand_id == filters.brand_id)
    if filters.creator:
        handle = creators.normalize_handle(filters.creator)
        query = query.join(CreatorProfile, CreatorProfile.id == AuditCase.creator_id).where(
            CreatorProfile.handle == handle)
    now = clock.now()
    if filters.age == "1":
        query = query.where(AuditCase.opened_at >= now - timedelta(days=1))
    elif filters.age == "7":
        query = query.where(AuditCase.opened_at >= now - timedelta(days=7))
    elif filters.age == "old":
        query = query.where(AuditCase.opened_at < now - timedelta(days=7))
    return list(db.session.scalars(query.order_by(ranking.desc(), AuditCase.opened_at, AuditCase.id).limit(limit)))


def appeals_waiting() -> list[AuditCase]:
    return list(db.session.scalars(
        select(AuditCase).where(AuditCase.appealed_at.is_not(None), AuditCase.appeal_decided_at.is_(None))
        .order_by(AuditCase.appealed_at)))


def cases_of(user: User) -> list[AuditCase]:
    """A creator's cases, newest first."""
    profile = creators.profile_for(user)
    if profile is None:
        return []
    return list(db.session.scalars(select(AuditCase).where(AuditCase.creator_id == profile.id)
                                   .order_by(AuditCase.opened_at.desc(), AuditCase.id.desc())))


# ---- explaining ----------------------------------------------------------------------------

def _evidence(stored: list) -> tuple:
    return tuple(Span(e["field"], e["start"], e["end"], e["text"]) if isinstance(e, dict) else e for e in stored)


def explanations(case_or_signals) -> list[tuple[str, int, str]]:
    """(code, weight, plain sentence in the reader's language) for each signal."""
    signals = case_or_signals.signals if isinstance(case_or_signals, AuditCase) else case_or_signals
    return [(s["code"], s["weight"], explain(s["code"], _evidence(s.get("evidence", [])))) for s in signals]


def highlighted(text: str, field: str, signals: list) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_evidence) parts, so a template marks the evidence while
    escaping every piece (spans may overlap; they merge)."""
    ranges = sorted((e["start"], e["end"]) for s in signals for e in s.get("evidence", [])
                    if isinstance(e, dict) and e.get("field") == field and 0 <= e["start"] < e["end"] <= len(text))
    merged: list[list[int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, at = [], 0
    for start, end in merged:
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


# ---- staff actions -------------------------------------------------------------------------

def _require_staff(actor) -> None:
    if not getattr(actor, "is_staff", False):
        raise NotAllowed(_("Only staff can do this."))


def _reason(reason: str, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise Invalid(_("Write the reason for this decision; it is kept in the audit log."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_("Keep the reason to %(n)d characters.", n=REASON_MAX), field="reason")
    return reason


def _move(case: AuditCase, expected: tuple[str, ...], new: str, **values) -> None:
    """Conditional update: the case moves only from a state it was seen in, at the version it
    was read at; otherwise someone else decided it first."""
    result = db.session.execute(
        update(AuditCase).where(AuditCase.id == case.id, AuditCase.state.in_(expected),
                                AuditCase.version == case.version)
        .values(state=new, version=AuditCase.version + 1, **values)
        .execution_options(synchronize_session=False))
    db.session.refresh(case)
    if result.rowcount != 1:
        raise Conflict(_("This case was decided meanwhile (it is %(state)s now); refresh the page.",
                         state=state_label(case.state)))


def confirm(actor: User, case: AuditCase, reason: str) -> AuditCase:
    """The note is an undisclosed ad: it leaves search, the creator gets a strike, and the brand
    it is tied to gets points. Never on a filed note (a filing is the disclosure)."""
    _require_staff(actor)
    reason = _reason(reason)
    if case.note.is_filed:
        raise Conflict(_("This note is filed, so it is disclosed: a case on a filed note cannot be confirmed."))
    record_staff_action(actor, "case.confirm", "case", case.id, reason, note_id=case.note_id,
                        creator=case.creator.handle, brand=case.brand.company_name if case.brand else "")
    _move(case, WAITING, CONFIRMED, decided_at=clock.now(), decided_by_id=actor.id, decision_reason=reason)
    _apply_confirmation(case, actor, reason)
    return case


def _apply_confirmation(case: AuditCase, actor, reason: str) -> None:
    now = clock.now()
    note = case.note
    if note.deindexed_at is None:
        note.deindexed_at = now
        record(actor, "note.deindex", "note", note.id, reason=reason, case_id=case.id)
    standing.give_strike(case, now)
    standing.give_points(case, now)
    notify(case.creator.user, "case.confirmed", link=f"/my/cases/{case.id}", case=case.id, title=case.title,
           strikes=case.creator.strike_count)
    db.session.flush()


def dismiss(actor: User, case: AuditCase, reason: str) -> AuditCase:
    _require_staff(actor)
    reason = _reason(reason)
    record_staff_action(actor, "case.dismiss", "case", case.id, reason, note_id=case.note_id)
    _move(case, WAITING, DISMISSED, decided_at=clock.now(), decided_by_id=actor.id, decision_reason=reason)
    return case


def request_filing(actor: User, case: AuditCase, reason: str) -> AuditCase:
    """Ask the creator to file the note through its order within ``AUDIT_FILE_WITHIN_DAYS``;
    filed in time, the case closes with no strike; not filed, the sweep confirms it."""
    _require_staff(actor)
    reason = _reason(reason)
    if case.note.is_filed:
        raise Conflict(_("This note is already filed."))
    now = clock.now()
    due = now + timedelta(days=int(current_app.config["AUDIT_FILE_WITHIN_DAYS"]))
    record_staff_action(actor, "case.request_filing", "case", case.id, reason, note_id=case.note_id,
                        due=due.isoformat())
    _move(case, (OPEN,), FILING_REQUESTED, filing_requested_at=now, filing_due_at=due,
          decided_by_id=actor.id, decision_reason=reason)
    notify(case.creator.user, "case.filing_requested", link=f"/my/cases/{case.id}", case=case.id,
           title=case.title, days=int(current_app.config["AUDIT_FILE_WITHIN_DAYS"]))
    return case


def decide_appeal(actor: User, case: AuditCase, grant: bool, reason: str) -> AuditCase:
    """A staff member other than the one who confirmed decides the creator's appeal. Granted:
    the case is overturned, the note returns to search, its strike and points are removed."""
    _require_staff(actor)
    reason = _reason(reason)
    if not case.appeal_waiting:
        raise Conflict(_("There is no appeal waiting on this case."))
    if case.decided_by_id == actor.id:
        raise NotAllowed(_("You decided this case, so another staff member must decide the appeal."))
    now = clock.now()
    record_staff_action(actor, "case.appeal_grant" if grant else "case.appeal_deny", "case", case.id, reason,
                        note_id=case.note_id)
    values = dict(appeal_decided_at=now, appeal_decided_by_id=actor.id, appeal_granted=bool(grant),
                  appeal_reason=reason)
    _move(case, (CONFIRMED,), OVERTURNED if grant else CONFIRMED, **values)
    if grant:
        standing.remove_for(case, now)
        note = case.note
        if note.deindexed_at is not None:
            note.deindexed_at = None
            record(actor, "note.reindex", "note", note.id, reason=reason, case_id=case.id)
    notify(case.creator.user, "case.appeal_granted" if grant else "case.appeal_refused",
           link=f"/my/cases/{case.id}", case=case.id, title=case.title)
    db.session.flush()
    return case


def ban_creator(actor: User, creator: CreatorProfile, reason: str) -> None:
    _require_staff(actor)
    reason = _reason(reason)
    if creator.banned_at is not None:
        raise Conflict(_("@%(handle)s is already banned.", handle=creator.handle))
    record_staff_action(actor, "creator.ban", "creator", creator.id, reason, handle=creator.handle)
    creator.banned_at = clock.now()
    notify(creator.user, "creator.banned", reason=reason)
    db.session.flush()


def unban_creator(actor: User, creator: CreatorProfile, reason: str) -> None:
    _require_staff(actor)
    reason = _reason(reason)
    if creator.banned_at is None:
        raise Conflict(_("@%(handle)s is not banned.", handle=creator.handle))
    record_staff_action(actor, "creator.unban", "creator", creator.id, reason, handle=creator.handle)
    creator.banned_at = None
    notify(creator.user, "creator.unbanned", reason=reason)
    db.session.flush()


# ---- the creator's side ----------------------------------------------------------------------

def _own(user: User, case: AuditCase) -> None:
    if case.creator.user_id != getattr(user, "id", None):
        raise NotFound(_("There is no case %(id)s.", id=case.id))


def orders_to_file_through(user: User) -> list[Order]:
    """The creator's orders a flagged note can be filed through (not declined, withdrawn,
    expired or cancelled)."""
    profile = creators.profile_for(user)
    if profile is None:
        return []
    return list(db.session.scalars(select(Order).where(Order.creator_id == profile.id,
                                                       Order.state.not_in(FAILED_ORDER_STATES))
                                   .order_by(Order.created_at.desc())))


def file_through_order(user: User, case: AuditCase, order_id: int | None) -> AuditCase:
    """The creator files the flagged note through one of their orders: the note is labelled
    and receipted, and the case closes with no strike (in time: ``AUDIT_FILE_WITHIN_DAYS``)."""
    _own(user, case)
    if not case.is_waiting:
        raise Conflict(_("This case is decided, so filing the note no longer changes it."))
    now = clock.now()
    if case.filing_due_at is not None and case.filing_due_at < now:
        raise Conflict(_("The time to file this note has passed."))
    order = db.session.get(Order, order_id) if order_id else None
    if order is None or order.creator.user_id != user.id or order.state in FAILED_ORDER_STATES:
        raise Invalid(_("Choose one of your orders to file the note through."), field="order_id")
    note = case.note
    if note.is_deleted:
        raise Conflict(_("A deleted note cannot be filed."))
    filings.file_note(note, order.brand, order.reference, order_id=order.id, filed_by=user)
    record(user, "case.filed", "case", case.id, reason="", note_id=note.id, order=order.reference)
    _move(case, WAITING, FILED, decided_at=now,
          decision_reason=_("Filed through order %(ref)s.", ref=order.reference))
    return case


def appeal(user: User, case: AuditCase, text: str) -> AuditCase:
    """Once per confirmed case, in the creator's words."""
    _own(user, case)
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Say why the decision is wrong."), field="text")
    if len(text) > APPEAL_MAX:
        raise Invalid(_("Keep the appeal to %(n)d characters.", n=APPEAL_MAX), field="text")
    if case.appealed_at is not None:
        raise Conflict(_("You have already appealed this case; a case can be appealed once."))
    if case.state != CONFIRMED:
        raise Conflict(_("Only a confirmed case can be appealed."))
    result = db.session.execute(
        update(AuditCase).where(AuditCase.id == case.id, AuditCase.state == CONFIRMED,
                                AuditCase.appealed_at.is_(None))
        .values(appealed_at=clock.now(), appeal_text=text, version=AuditCase.version + 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(case)
    if result.rowcount != 1:
        raise Conflict(_("You have already appealed this case; a case can be appealed once."))
    record(user, "case.appeal", "case", case.id, reason=text)
    return case


# ---- the sweep's part ----------------------------------------------------------------------

def overdue_filing_requests() -> list[int]:
    return list(db.session.scalars(select(AuditCase.id).where(AuditCase.state == FILING_REQUESTED,
                                                              AuditCase.filing_due_at <= clock.now())))


def close_overdue(case_id: int) -> bool:
    """A filing request whose time passed: a note filed meanwhile closes with no strike; one
    not filed is confirmed, as the requesting staff member said it would be."""
    case = db.session.get(AuditCase, case_id)
    if case is None or case.state != FILING_REQUESTED or case.filing_due_at > clock.now():
        return False
    now = clock.now()
    if case.note.is_filed:
        _move(case, (FILING_REQUESTED,), FILED, decided_at=now)
        return True
    reason = "not filed within %d days" % int(current_app.config["AUDIT_FILE_WITHIN_DAYS"])
    record(SCHEDULER, "case.confirm_unfiled", "case", case.id, reason=reason, note_id=case.note_id)
    _move(case, (FILING_REQUESTED,), CONFIRMED, decided_at=now)
    _apply_confirmation(case, SCHEDULER, reason)
    return True


# ---- labels for the learned ranking ----------------------------------------------------------

def decided_labels() -> list[tuple[str, str, int]]:
    """(title, body, label) for every decided case, as scanned: confirmed (and appeals denied)
    = 1, an undisclosed ad; dismissed and overturned on appeal = 0."""
    rows = db.session.execute(select(AuditCase.title, AuditCase.body, AuditCase.state)
                              .where(AuditCase.state.in_((CONFIRMED, DISMISSED, OVERTURNED)))
                              .order_by(AuditCase.id)).all()
    return [(title, body, 1 if state == CONFIRMED else 0) for title, body, state in rows]


@training.register_label_source
def staff_decisions() -> list[Row]:
    """Staff decisions as training labels for `flask audit train` (confirmed = an undisclosed ad)."""
    return [Row(title=title, body=body, label=label) for title, body, label in decided_labels()]


# ---- words -------------------------------------------------------------------------------------

def state_label(state: str) -> str:
    return {
        OPEN: _("waiting for staff"),
        FILING_REQUESTED: _("waiting for the creator to file"),
        CONFIRMED: _("confirmed as an undisclosed ad"),
        DISMISSED: _("dismissed"),
        FILED: _("closed: filed through an order"),
        OVERTURNED: _("overturned on appeal"),
    }.get(state, state)


# ---- the disclosure linter -----------------------------------------------------------------

def lint(user: User, title: str, body: str) -> dict:
    """What the detector would say about a note being written, for the note form: the score,
    each signal in plain words with its evidence, and whether it reads like an ad."""
    from marketplace.cases import scanning

    profile = creators.profile_for(user)
    creator_id = profile.id if profile is not None else -1
    title, body = (title or "")[:500], (body or "")[:int(current_app.config["NOTE_BODY_MAX_CHARS"]) * 2]
    detection, _brand, _context = scanning.detect_note(db.session, title, body, creator_id, None)
    threshold = int(current_app.config["AUDIT_QUEUE_THRESHOLD"])
    signals = [s.to_dict() for s in detection.signals]
    return {"score": detection.score, "threshold": threshold, "warn": detection.score >= threshold,
            "signals": [{"code": s["code"], "weight": s["weight"], "explanation": s["explanation"],
                         "evidence": s["evidence"]} for s in signals]}
