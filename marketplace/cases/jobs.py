"""Scheduled work for audit cases (plain functions; the scheduler process lists them).

- ``rescan()`` — when the brand list (names, aliases) changed since the last rescan, scan
  again the notes published or edited in the last ``AUDIT_RESCAN_DAYS``: a brand registered
  today makes yesterday's "@newbrand code NEW20" a case. Once per brand-list fingerprint.
- ``sweep()`` — end strikes and brand points past their expiry, and close filing requests
  whose ``AUDIT_FILE_WITHIN_DAYS`` passed (filed: no strike; not filed: confirmed).

Both use ``clock.now()``, commit once per unit of work and are safe to run twice or from two
processes at once (conditional updates, a unique fingerprint, one case per note version).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from marketplace import clock
from marketplace.cases import scanning, service, standing
from marketplace.cases.models import Rescan
from marketplace.extensions import db
from marketplace.notes.models import Note
from marketplace.transaction import run

log = logging.getLogger(__name__)


def rescan() -> int:
    """Notes scanned again (0 when the brand list has not changed)."""
    fingerprint = scanning.brands_fingerprint(db.session)
    if db.session.scalar(select(Rescan.id).where(Rescan.fingerprint == fingerprint)):
        db.session.rollback()
        return 0
    since = clock.now() - timedelta(days=int(current_app.config["AUDIT_RESCAN_DAYS"]))
    ids = list(db.session.scalars(select(Note.id).where(
        Note.deleted_at.is_(None), or_(Note.created_at >= since, Note.updated_at >= since)).order_by(Note.id)))
    db.session.rollback()
    scanning.scan_notes(ids)  # one commit per note, on its own session
    try:
        db.session.add(Rescan(fingerprint=fingerprint, ran_at=clock.now(), notes_scanned=len(ids)))
        db.session.commit()
    except IntegrityError:  # another process finished the same rescan first
        db.session.rollback()
    return len(ids)


def sweep() -> int:
    """Strikes and points ended plus filing requests closed."""
    done = 0
    outcome = run(lambda: standing.expire(clock.now()))
    if outcome:
        done += outcome.value
    else:
        log.warning("cases sweep: expiry refused: %s", outcome.error.reason)
    for case_id in service.overdue_filing_requests():
        db.session.rollback()
        outcome = run(lambda case_id=case_id: service.close_overdue(case_id))
        if outcome and outcome.value:
            done += 1
        elif not outcome:
            log.info("cases sweep: case %s: %s", case_id, outcome.error.reason)
    return done
