"""Audit case tables: a case per flagged note version, the strikes and brand points that
confirmed cases give, and the record of rescans after the brand list changed.

A case keeps the title and body it was scored on: the evidence spans are offsets into that
text, and staff and the creator must see what was flagged even after a later edit.

A note has at most one *waiting* case (a partial unique index): an edit while it waits brings
that case up to the new version and keeps what the earlier versions said in ``earlier``, so
staff decide once, on the note as it is now, and still see what was published before. A
decided case stays as it was; a later version may open a new one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db
from marketplace.notes.models import Note

OPEN = "open"
FILING_REQUESTED = "filing_requested"
CONFIRMED = "confirmed"
DISMISSED = "dismissed"
FILED = "filed"  # the creator filed the note through an order: closed, no strike
OVERTURNED = "overturned"  # confirmed, then the appeal was granted
STATES = (OPEN, FILING_REQUESTED, CONFIRMED, DISMISSED, FILED, OVERTURNED)
WAITING = (OPEN, FILING_REQUESTED)  # in the staff queue
_STATES = ", ".join(f"'{s}'" for s in STATES)
_WAITING_SQL = text("state IN ({})".format(", ".join(f"'{s}'" for s in WAITING)))


class AuditCase(db.Model):
    __tablename__ = "audit_cases"
    __table_args__ = (
        UniqueConstraint("note_id", "note_version", name="uq_audit_cases_note_version"),
        CheckConstraint(f"state IN ({_STATES})", name="state_known"),
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        Index("ix_audit_cases_state_score", "state", "score"),
        Index("ix_audit_cases_creator", "creator_id", "opened_at"),
        # Never two waiting cases for one note, whichever scan gets there first.
        Index("uq_audit_cases_one_waiting", "note_id", unique=True,
              sqlite_where=_WAITING_SQL, postgresql_where=_WAITING_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    note_version: Mapped[int] = mapped_column(Integer)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="CASCADE"))
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brand_profiles.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer)  # the detector's rule score
    combined_score: Mapped[int | None] = mapped_column(Integer)  # the learned ranking's, when a model exists
    signals: Mapped[list] = mapped_column(JSON, default=list)  # [{code, weight, evidence}]
    signal_codes: Mapped[str] = mapped_column(String(255), default="")  # ",brand,promo_code," for filtering
    # Earlier versions this waiting case was brought up from, oldest first:
    # [{note_version, title, body, score, combined_score, signal_codes, replaced_at}]
    earlier: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    state: Mapped[str] = mapped_column(String(20), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    filing_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filing_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_text: Mapped[str] = mapped_column(Text, default="")
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    appeal_granted: Mapped[bool | None] = mapped_column()
    appeal_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # counts moves (conditional updates)

    note: Mapped[Note] = relationship(lazy="joined")
    creator: Mapped[CreatorProfile] = relationship(lazy="joined")
    brand: Mapped[BrandProfile | None] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    appeal_decided_by: Mapped[User | None] = relationship(foreign_keys=[appeal_decided_by_id])

    @property
    def ranking_score(self) -> int:
        return self.combined_score if self.combined_score is not None else self.score

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING

    @property
    def appeal_waiting(self) -> bool:
        return self.appealed_at is not None and self.appeal_decided_at is None


class Strike(db.Model):
    """One strike against a creator from one confirmed case. It counts until it expires or
    an appeal removes it; ``consequence`` is what the ladder did ("suspended", "banned")."""

    __tablename__ = "audit_strikes"
    __table_args__ = (Index("ix_audit_strikes_creator_live", "creator_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_cases.id", ondelete="CASCADE"), unique=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # expired or removed on appeal
    consequence: Mapped[str] = mapped_column(String(16), default="")


class BrandPoints(db.Model):
    """Violation points a brand collected from one confirmed case tied to it."""

    __tablename__ = "audit_brand_points"
    __table_args__ = (
        CheckConstraint("points > 0", name="points_positive"),
        Index("ix_audit_brand_points_brand_live", "brand_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_profiles.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("audit_cases.id", ondelete="CASCADE"), unique=True)
    points: Mapped[int] = mapped_column(Integer)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Rescan(db.Model):
    """One rescan after the brand list changed, under the list's fingerprint (unique: two
    schedulers that notice one change rescan once)."""

    __tablename__ = "audit_rescans"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    notes_scanned: Mapped[int] = mapped_column(Integer, default=0)
