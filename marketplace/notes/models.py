"""Note tables: the note, its tags and its images.

Notes are soft-deleted (``deleted_at``) so a filing receipt can still say what happened to
the note it filed, and so the search index can be told the note is gone.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.creators.models import CreatorProfile
from marketplace.db_types import UTCDateTime, Versioned
from marketplace.extensions import db

TITLE_MAX = 100
TAG_MAX = 24


class Note(Versioned, db.Model):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_creator_created", "creator_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creator_profiles.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    # "Paid content": made for a brand in exchange for money or goods (a commercial note).
    is_paid: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only the creator sees a private note; it is never indexable.
    is_private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by staff (an audit case); the note stays public but leaves search.
    deindexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    creator: Mapped[CreatorProfile] = relationship(lazy="joined")
    tags: Mapped[list[NoteTag]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="NoteTag.position"
    )
    images: Mapped[list[NoteImage]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="NoteImage.position"
    )
    filing: Mapped["Filing | None"] = relationship(  # noqa: F821  (filings.models)
        back_populates="note", uselist=False, lazy="selectin"
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_filed(self) -> bool:
        return self.filing is not None

    @property
    def protection_ends(self) -> datetime | None:
        """When the protection period of this note's filing ends, or None when none is running.
        While it runs the note cannot be deleted, made private or un-marked as paid content
        (``notes.service`` says why; ``filings.guard`` stops every other writer at the flush)."""
        filing = self.filing
        if filing is not None and filing.protected_until > clock.now():
            return filing.protected_until
        return None

    @property
    def tag_names(self) -> list[str]:
        return [tag.tag for tag in self.tags]

    @property
    def cover(self) -> NoteImage | None:
        return self.images[0] if self.images else None


class NoteTag(db.Model):
    __tablename__ = "note_tags"
    __table_args__ = (Index("ix_note_tags_tag", "tag", "note_id"),)

    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(TAG_MAX), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    note: Mapped[Note] = relationship(back_populates="tags")


class NoteImage(db.Model):
    __tablename__ = "note_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    # Random name given at upload; the uploader's file name is never used on disk.
    filename: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    note: Mapped[Note] = relationship(back_populates="images")
