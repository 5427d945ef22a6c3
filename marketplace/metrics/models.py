"""Metric tables: reports per (note, as_of), and the frozen snapshot that settles an order.

A report is what the data feed (or a staff CSV upload) said a note had reached at ``as_of``;
the same (note, as_of) is stored once. When an order's metrics window has closed and a report
covers it, :func:`marketplace.metrics.jobs.close_windows` freezes the latest covering report
into a :class:`SettlementSnapshot`: its canonical JSON and that JSON's SHA-256. Snapshots are
written once and never changed: no code path updates one, and database triggers
(``metrics.guard``) refuse UPDATE and DELETE.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace import clock
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db

# The counted fields, in the order they are shown and exported.
FIELDS = ("impressions", "reads", "likes", "saves", "comments", "shares", "follows", "deep_reads",
          "searches_after_reading")
SOURCES = ("api", "csv", "demo")
_SOURCES = ", ".join(f"'{s}'" for s in SOURCES)


class MetricReport(db.Model):
    __tablename__ = "metric_reports"
    __table_args__ = (
        UniqueConstraint("note_id", "as_of", name="uq_metric_reports_note_as_of"),
        CheckConstraint("reads <= impressions", name="reads_within_impressions"),
        CheckConstraint(f"source IN ({_SOURCES})", name="source_known"),
        *(CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in FIELDS),
        Index("ix_metric_reports_as_of", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)  # when the figures were measured
    impressions: Mapped[int] = mapped_column(BigInteger)
    reads: Mapped[int] = mapped_column(BigInteger)
    likes: Mapped[int] = mapped_column(BigInteger)
    saves: Mapped[int] = mapped_column(BigInteger)
    comments: Mapped[int] = mapped_column(BigInteger)
    shares: Mapped[int] = mapped_column(BigInteger)
    follows: Mapped[int] = mapped_column(BigInteger)
    deep_reads: Mapped[int] = mapped_column(BigInteger)
    searches_after_reading: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    source: Mapped[str] = mapped_column(String(8), default="api")

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIELDS}


class SettlementSnapshot(db.Model):
    """The metrics an order was settled on, frozen: canonical JSON and its SHA-256."""

    __tablename__ = "settlement_snapshots"
    __table_args__ = (CheckConstraint("length(checksum) = 64", name="checksum_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("metric_reports.id", ondelete="RESTRICT"))
    canonical_json: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 hex of canonical_json (UTF-8)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def data(self) -> dict:
        import json

        return json.loads(self.canonical_json)
