"""Running the detector on notes: after every publish and edit (through the outbox, after
the commit, as the search index does), and again when the brand list changes.

During a flush, every new note, every note whose title or body changed and every new filing
leaves its note id in ``session.info``; just before the commit those ids become one
``cases.scan`` outbox item in the same transaction. After the commit the item scans each note
on a session of its own: a score at or above ``AUDIT_QUEUE_THRESHOLD`` opens a case, once per
note version (a unique constraint, so two scans of one version open one case). A note that
became filed closes its waiting cases with no strike.

An edit while the note's case still waits does not open a second case: the waiting case is
brought up to the new version (text, score and signals as scanned now; the earlier version
kept in ``AuditCase.earlier``; a line in the case's history), whatever the new score, so staff
decide once on the note as it is and still see what it said. A partial unique index allows
one waiting case per note and the refresh is a conditional update on the case's version, so
two scans at once leave one waiting case at the newest version.
"""
from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import clock, outbox
from marketplace.audit.detector import Brand, Context, Detection, assess, scan
from marketplace.audit.models import RankingModel
from marketplace.audit_trail import DETECTOR
from marketplace.audit_trail.models import TrailEntry
from marketplace.brands.models import BrandProfile
from marketplace.cases.models import FILED, WAITING, AuditCase
from marketplace.extensions import db
from marketplace.filings.models import Filing
from marketplace.notes.models import Note
from marketplace.orders.models import Order

log = logging.getLogger(__name__)

SCAN = "cases.scan"
_PENDING = "pappus.cases.pending"
FAILED_ORDER_DAYS = 90
FAILED_ORDER_STATES = ("declined", "cancelled", "expired")
# A share of flagged notes means little over one or two notes ("1 of 1 = 100%").
MIN_NOTES_FOR_SHARE = 3


# ---- context --------------------------------------------------------------------------

def registered_brands(session: Session) -> tuple[tuple[Brand, ...], dict[str, int]]:
    """Every brand as the detector knows it (name and aliases), and brand name -> id."""
    rows = session.execute(select(BrandProfile.id, BrandProfile.company_name, BrandProfile.aliases)
                           .order_by(BrandProfile.id)).all()
    brands = tuple(Brand(name, aliases=tuple(a for a in (aliases or []) if a)) for _id, name, aliases in rows)
    return brands, {name.casefold(): brand_id for brand_id, name, _aliases in rows}


def brands_fingerprint(session: Session) -> str:
    brands, _ids = registered_brands(session)
    text = "\n".join(f"{b.name}\t{'|'.join(b.aliases)}" for b in sorted(brands, key=lambda b: b.name.casefold()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def failed_order_brands(session: Session, creator_id: int, now: datetime) -> tuple[str, ...]:
    since = now - timedelta(days=FAILED_ORDER_DAYS)
    names = session.scalars(
        select(BrandProfile.company_name).join(Order, Order.brand_id == BrandProfile.id)
        .where(Order.creator_id == creator_id, Order.state.in_(FAILED_ORDER_STATES),
               func.coalesce(Order.ended_at, Order.created_at) >= since).distinct())
    return tuple(sorted(names))


def promo_share(session: Session, creator_id: int, note_id: int | None, now: datetime) -> float | None:
    """Percent of the creator's *other* notes this month that were flagged (opened a case)."""
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    others = [Note.creator_id == creator_id, Note.deleted_at.is_(None), Note.created_at >= month_start]
    if note_id is not None:
        others.append(Note.id != note_id)
    total = session.scalar(select(func.count()).select_from(Note).where(*others)) or 0
    if total < MIN_NOTES_FOR_SHARE:
        return None
    flagged = session.scalar(select(func.count(func.distinct(AuditCase.note_id)))
                             .join(Note, Note.id == AuditCase.note_id).where(*others)) or 0
    return 100.0 * flagged / total


def context_for(session: Session, creator_id: int, note_id: int | None, *, filed: bool = False,
                brands=None) -> Context:
    now = clock.now()
    brands = brands if brands is not None else registered_brands(session)[0]
    return Context(brands=brands, filed=filed,
                   failed_order_brands=failed_order_brands(session, creator_id, now),
                   promo_share_percent=promo_share(session, creator_id, note_id, now),
                   promo_share_threshold=float(current_app.config["PROMO_SHARE_PERCENT"]))


# ---- the learned ranking, when the learning area offers a current model ---------------------

_loaded: dict = {"key": None, "model": None}


def current_model(session: Session | None = None):
    """The newest learned model ``flask audit train`` stored, or None (none yet). Read on
    ``session``: the after-commit scan runs on a session of its own, where the request's session
    may no longer query. Loaded once per process and kept while it stays the newest."""
    from marketplace.audit import learning  # scikit-learn loads only once a model is wanted

    stored = RankingModel
    session = session if session is not None else db.session
    try:
        newest = session.execute(select(stored.id, stored.trained_at)
                                 .order_by(stored.trained_at.desc(), stored.id.desc()).limit(1)).first()
        if newest is None:
            return None
        key = (newest.id, newest.trained_at)
        if _loaded["key"] != key:
            try:
                model = learning.Model.from_bytes(session.get(stored, newest.id).blob)
            except ValueError:  # trained by another version of the detector: rules alone
                model = None
            _loaded.update(key=key, model=model)
        return _loaded["model"]
    except Exception:  # a broken model must not stop notes being scanned on their rules
        log.exception("cases: the current learned model could not be loaded")
        return None


def combined_score(model, title: str, body: str, context: Context) -> int | None:
    if model is None:
        return None
    from marketplace.audit import learning

    try:
        return int(learning.score(model, title, body, context))
    except Exception:
        log.exception("cases: the learned model could not score a note")
        return None


# ---- scanning ----------------------------------------------------------------------------

def detect_note(session: Session, title: str, body: str, creator_id: int, note_id: int | None,
                *, filed: bool = False) -> tuple[Detection, int | None, Context]:
    """The detection, the id of the registered brand it is tied to (the first named), and
    the context it was scored in."""
    brands, ids = registered_brands(session)
    context = context_for(session, creator_id, note_id, filed=filed, brands=brands)
    looked_for = brands + tuple(Brand(n) for n in context.failed_order_brands
                                if n.casefold() not in {b.name.casefold() for b in brands})
    scanned = scan(title, body, looked_for)
    detection = assess(scanned, context)
    brand_id = next((ids[n.casefold()] for n in scanned.brands_named if n.casefold() in ids), None)
    return detection, brand_id, context


def scan_note(session: Session, note: Note | None) -> AuditCase | None:
    """Scan one note as it is now: open a case for this version when it scores at or above the
    threshold, bring the note's waiting case up to this version, close waiting cases once it
    is filed. Returns the case opened or refreshed. Flushes; the caller commits."""
    if note is None or note.is_deleted or note.is_private:
        return None
    if note.filing is not None:
        close_filed(session, note)
        return None
    for _attempt in range(3):
        waiting = session.scalar(select(AuditCase).where(AuditCase.note_id == note.id,
                                                         AuditCase.state.in_(WAITING)))
        if waiting is not None:
            if waiting.note_version >= note.version:
                return None
            refreshed = _refresh(session, waiting, note)
            if refreshed is not None:
                return refreshed
            session.expire(waiting)  # another scan moved it first: look again
            continue
        if session.scalar(select(AuditCase.id).where(AuditCase.note_id == note.id,
                                                     AuditCase.note_version == note.version)):
            return None  # this version was scanned and its case decided
        detection, brand_id, combined = _scores(session, note)
        ranking = combined if combined is not None else detection.score
        if ranking < current_app.config["AUDIT_QUEUE_THRESHOLD"]:
            return None
        case = AuditCase(note_id=note.id, note_version=note.version, creator_id=note.creator_id,
                         brand_id=brand_id, title=note.title, body=note.body, score=detection.score,
                         combined_score=combined, signals=[_stored(s) for s in detection.signals],
                         signal_codes=_codes(detection), opened_at=clock.now(), earlier=[])
        try:
            with session.begin_nested():
                session.add(case)
        except IntegrityError:
            # Another scan opened a case for this note first: this version, or an older one
            # still waiting, which the next round brings up to date.
            continue
        return case
    return None


def _scores(session: Session, note: Note) -> tuple[Detection, int | None, int | None]:
    detection, brand_id, context = detect_note(session, note.title, note.body, note.creator_id, note.id)
    return detection, brand_id, combined_score(current_model(session), note.title, note.body, context)


def _codes(detection: Detection) -> str:
    return "," + ",".join(s.code for s in detection.signals) + ","


def _refresh(session: Session, case: AuditCase, note: Note) -> AuditCase | None:
    """Bring a waiting case up to the note's current version, if no other scan moved it since
    it was read (a conditional update on its version). None when it lost that race."""
    detection, brand_id, combined = _scores(session, note)
    before = {"note_version": case.note_version, "title": case.title, "body": case.body, "score": case.score,
              "combined_score": case.combined_score, "signal_codes": case.signal_codes,
              "replaced_at": clock.now().isoformat()}
    moved = session.execute(
        update(AuditCase)
        .where(AuditCase.id == case.id, AuditCase.version == case.version, AuditCase.state.in_(WAITING),
               AuditCase.note_version < note.version)
        .values(note_version=note.version, title=note.title, body=note.body, score=detection.score,
                combined_score=combined, signals=[_stored(s) for s in detection.signals],
                signal_codes=_codes(detection), brand_id=brand_id if brand_id is not None else case.brand_id,
                earlier=list(case.earlier or []) + [before], version=AuditCase.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        return None
    session.add(TrailEntry(at=clock.now(), actor_type=DETECTOR.kind, actor_id=None, actor_label=DETECTOR.label,
                           action="case.rescanned", subject_type="case", subject_id=case.id, reason="",
                           params={"from_version": before["note_version"], "to_version": note.version,
                                   "from_score": before["score"], "to_score": detection.score}))
    session.flush()
    session.refresh(case)
    return case


def _stored(signal) -> dict:
    data = signal.to_dict()
    data.pop("explanation", None)  # rendered in the reader's language when shown
    return data


def close_filed(session: Session, note: Note) -> int:
    """A filed note's waiting cases close with no strike (DESIGN: filing in time avoids it)."""
    closed = 0
    for case in session.scalars(select(AuditCase).where(AuditCase.note_id == note.id,
                                                        AuditCase.state.in_(WAITING))):
        case.state = FILED
        case.decided_at = clock.now()
        case.decision_reason = case.decision_reason or "filed"
        case.version += 1
        closed += 1
    session.flush()
    return closed


def scan_notes(note_ids) -> int:
    """Scan these notes on a session of their own, one commit each; returns cases opened."""
    opened = 0
    for note_id in note_ids:
        with Session(bind=db.engine, autoflush=False) as session:
            if scan_note(session, session.get(Note, note_id)) is not None:
                opened += 1
            session.commit()
    return opened


@outbox.handler(SCAN)
def _scan_item(payload: dict) -> None:
    scan_notes(payload.get("notes", ()))


# ---- collecting what to scan -----------------------------------------------------------------

@event.listens_for(Session, "after_flush")
def _collect(session, _flush_context):
    pending = session.info.setdefault(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, Note):
            pending.add(obj.id)
        elif isinstance(obj, Filing):
            pending.add(obj.note_id)
    for obj in session.dirty:
        if isinstance(obj, Note):
            attrs = inspect(obj).attrs
            if attrs.title.history.has_changes() or attrs.body.history.has_changes():
                pending.add(obj.id)


@event.listens_for(Session, "before_commit")
def _queue(session):
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if pending:
        pending.discard(None)
    if pending:
        outbox.add(SCAN, {"notes": sorted(pending)}, session=session)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING, None)
