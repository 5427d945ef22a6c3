"""Scheduled work for the learned ranking (a plain function; the scheduler process lists it).

- ``retrain()`` — fit the ranking again when its labels changed since the current model (new
  staff decisions, an overturned appeal, an imported file) and there are enough of them
  (``training.MIN_PER_CLASS`` of each class). Labels are named by a fingerprint; a model
  stores the fingerprint it was fitted on, so unchanged labels train nothing.

Safe to run twice or from two processes at once: before training, a run claims the labels'
fingerprint (a unique row in ``audit_training_runs``); the other process sees the claim and
does nothing. A claim whose process died is taken over, by a conditional update, after
``AUDIT_RETRAIN_LEASE_SECONDS``. Uses ``clock.now()``; one commit for the claim, one for the model.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import clock
from marketplace.audit import training
from marketplace.audit.models import TrainingRun
from marketplace.extensions import db

log = logging.getLogger(__name__)


def retrain() -> int:
    """1 when a model was trained and stored, else 0."""
    rows = training.training_rows()
    if not training.enough(rows):
        db.session.rollback()
        return 0
    fingerprint = training.fingerprint(rows)
    model = training.current()
    if model is not None and model.labels_fingerprint == fingerprint:
        db.session.rollback()
        return 0
    run = _claim(fingerprint)
    if run is None:
        return 0
    threshold = int(current_app.config["AUDIT_QUEUE_THRESHOLD"])
    try:
        record = training.train(threshold, rows=rows)
        db.session.execute(update(TrainingRun).where(TrainingRun.id == run)
                           .values(finished_at=clock.now(), model_id=record.id))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("audit retrain: training on labels %s failed", fingerprint[:12])
        raise
    log.info("audit retrain: model %s trained on %s labels (%s undisclosed ads)", record.id, record.rows,
             record.positives)
    return 1


def _claim(fingerprint: str) -> int | None:
    """The id of this process's claim on ``fingerprint``, or None when another process holds it."""
    now = clock.now()
    try:
        run = TrainingRun(fingerprint=fingerprint, claimed_at=now)
        db.session.add(run)
        db.session.commit()
        return run.id
    except IntegrityError:
        db.session.rollback()
    model = training.current()
    if model is not None and model.labels_fingerprint == fingerprint:  # another process just finished it
        db.session.rollback()
        return None
    # Claimed before: by a run still training (leave it), a run that died (its lease passed),
    # or a finished run whose model is no longer the current one (labels went back to an
    # earlier set): take it over, if no one else does first.
    lease = timedelta(seconds=int(current_app.config["AUDIT_RETRAIN_LEASE_SECONDS"]))
    taken = db.session.execute(
        update(TrainingRun)
        .where(TrainingRun.fingerprint == fingerprint,
               or_(TrainingRun.finished_at.is_not(None), TrainingRun.claimed_at < now - lease))
        .values(claimed_at=now, finished_at=None, model_id=None)
        .execution_options(synchronize_session=False)).rowcount
    run_id = db.session.scalar(select(TrainingRun.id).where(TrainingRun.fingerprint == fingerprint)) if taken else None
    db.session.commit()
    return run_id
