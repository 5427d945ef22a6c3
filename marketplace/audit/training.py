"""Training labels in, a stored ranking model out: the rules behind ``flask audit import-labels``
and ``flask audit train``.

Labels come from two places:

- **stored labels** (``TrainingLabel``): past decisions loaded from a CSV by ``import_labels``;
- **label sources**: functions registered with ``register_label_source(fn)``, each returning
  ``learning.Row`` objects when called. The case queue registers one that turns staff
  decisions into labels (confirmed = 1, dismissed = 0), so this area never reads the cases'
  tables and the cases area decides what counts as a decision.

When the same text comes from several places, a label source's row wins over a stored one
(a staff decision is newer than an imported file), and a later source over an earlier one.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from marketplace.audit.learning import Row, train as fit_and_evaluate
from marketplace.audit.models import RankingModel, TrainingLabel
from marketplace.errors import Invalid
from marketplace.extensions import db

LabelSource = Callable[[], Iterable[Row]]
_SOURCES: list[LabelSource] = []


def register_label_source(source: LabelSource) -> LabelSource:
    """Add ``source`` (called with no arguments at training time, returns ``Row`` objects with
    label 1 = undisclosed ad, 0 = not). Registering the same function twice is harmless.
    Returns ``source``, so it can be used as a decorator."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def unregister_label_source(source: LabelSource) -> None:
    if source in _SOURCES:
        _SOURCES.remove(source)


def label_sources() -> tuple[LabelSource, ...]:
    return tuple(_SOURCES)


def digest(title: str, body: str) -> str:
    """One stored label per distinct text (whitespace at the ends ignored)."""
    return hashlib.sha256(((title or "").strip() + "\x00" + (body or "").strip()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    unchanged: int


def import_labels(rows: Iterable[Row], source: str) -> Imported:
    """Store past decisions. A text already stored keeps one row and takes the new label,
    creator and brand (the file is the newer word), so importing a file twice changes nothing."""
    rows = list(rows)
    if not rows:
        raise Invalid(str(_l("The file has no labelled rows.")))
    incoming: dict[str, Row] = {}
    for row in rows:
        if row.label not in (0, 1):
            raise Invalid(str(_l("A label must be 1 (undisclosed ad) or 0 (not).")))
        incoming[digest(row.title, row.body)] = row  # a text twice in one file: its last line wins
    existing = {label.digest: label for label in db.session.scalars(
        db.select(TrainingLabel).where(TrainingLabel.digest.in_(list(incoming))))}
    added = updated = unchanged = 0
    for key, row in incoming.items():
        values = {"title": row.title or "", "body": row.body or "", "label": row.label, "source": source[:200],
                  "external_id": (row.id or "")[:120], "creator": (row.creator or "")[:120],
                  "brand": (row.brand or "")[:120]}
        stored = existing.get(key)
        if stored is None:
            db.session.add(TrainingLabel(digest=key, **values))
            added += 1
        elif (stored.label, stored.creator, stored.brand) != (values["label"], values["creator"], values["brand"]):
            for name, value in values.items():
                setattr(stored, name, value)
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    return Imported(added, updated, unchanged)


def stored_rows() -> list[Row]:
    return [Row(label.title, label.body, label.label, creator=label.creator, brand=label.brand,
                id=label.external_id) for label in db.session.scalars(db.select(TrainingLabel).order_by(TrainingLabel.id))]


def training_rows() -> list[Row]:
    """Stored labels plus every registered source's, one row per distinct text."""
    merged: dict[str, Row] = {}
    for row in stored_rows():
        merged[digest(row.title, row.body)] = row
    for source in _SOURCES:
        for row in source():
            merged[digest(row.title, row.body)] = row
    return list(merged.values())


MIN_PER_CLASS = 2  # undisclosed ads and other notes the trainer needs at least


def enough(rows: list[Row]) -> bool:
    positives = sum(row.label for row in rows)
    return positives >= MIN_PER_CLASS and len(rows) - positives >= MIN_PER_CLASS


def fingerprint(rows: Iterable[Row]) -> str:
    """Names one set of labels: the same texts with the same labels give the same fingerprint."""
    pairs = sorted(f"{digest(row.title, row.body)}:{row.label}" for row in rows)
    return hashlib.sha256("\n".join(pairs).encode("ascii")).hexdigest()


def current() -> RankingModel | None:
    return db.session.scalar(db.select(RankingModel)
                             .order_by(RankingModel.trained_at.desc(), RankingModel.id.desc()).limit(1))


def train(threshold: int, folds: int = 5, rows: list[Row] | None = None) -> RankingModel:
    """Cross-validate on every label, fit on all of them and store the model as the current one."""
    rows = training_rows() if rows is None else rows
    positives = sum(row.label for row in rows)
    if not enough(rows):
        raise Invalid(str(_l("Training needs at least 2 undisclosed ads and 2 other notes among the labels "
                             "(found %(ads)d and %(others)d). Import past decisions or decide more cases first.",
                             ads=positives, others=len(rows) - positives)))
    model = fit_and_evaluate(rows, folds=folds, threshold=threshold)
    blob = model.to_bytes()
    figures = model.figures
    record = RankingModel(blob=blob, trained_at=datetime.fromisoformat(model.trained_at), size_bytes=len(blob), rows=model.rows,
                          positives=model.positives, threshold=threshold, precision=figures["precision"],
                          recall=figures["recall"], f1=figures["f1"], pr_auc=figures["pr_auc"],
                          labels_fingerprint=fingerprint(rows))
    db.session.add(record)
    db.session.flush()
    return record

