"""The audit tables: training labels (past staff decisions) and the trained ranking models.

``TrainingLabel`` holds decisions loaded by ``flask audit import-labels`` (decisions staff make
in the case queue reach training through ``training.register_label_source`` instead). One row
per distinct text (``digest``): importing the same note again keeps its latest label.

``RankingModel`` keeps every model ``flask audit train`` produced, newest in use: the model
itself (``learning.Model.to_bytes``: gzipped JSON numbers, never a pickle), when it was
trained, how big it is, its cross-validated figures for the dashboard, and the fingerprint
of the labels it was fitted on (so the scheduled retrain knows when labels changed).

``TrainingRun`` is the scheduled retrain's claim on one set of labels (unique fingerprint,
taken over by a conditional update when its lease passed): two schedulers train once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db


class TrainingLabel(db.Model):
    __tablename__ = "audit_training_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of title + body
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    label: Mapped[int] = mapped_column(Integer)  # 1 = undisclosed ad, 0 = not
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. "import:decisions.csv"
    external_id: Mapped[str] = mapped_column(String(120), default="")  # the CSV's id column
    creator: Mapped[str] = mapped_column(String(120), default="")
    brand: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class RankingModel(db.Model):
    __tablename__ = "audit_ranking_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    positives: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[int] = mapped_column(Integer)  # AUDIT_QUEUE_THRESHOLD the figures were taken at
    precision: Mapped[float] = mapped_column(Float)
    recall: Mapped[float] = mapped_column(Float)
    f1: Mapped[float] = mapped_column(Float)
    pr_auc: Mapped[float] = mapped_column(Float)
    labels_fingerprint: Mapped[str] = mapped_column(String(64), default="", server_default="")


class TrainingRun(db.Model):
    __tablename__ = "audit_training_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # of the labels being trained on
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    model_id: Mapped[int | None] = mapped_column(Integer)
