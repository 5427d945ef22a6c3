"""The filing table: one row ties one commercial note to its order and brand."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace import clock
from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.db_types import UTCDateTime
from marketplace.extensions import db
from marketplace.notes.models import Note


class Filing(db.Model):
    __tablename__ = "filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The receipt's address: unguessable, so receipts cannot be enumerated by counting, and
    # readable aloud ("PPS-7Q2K-M4XD-9HBT", ``filings.codes``); older filings keep their code.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"), unique=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brand_profiles.id"), index=True)
    # Orders arrive in a later step: the id has no foreign key yet; the reference is shown.
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    order_reference: Mapped[str] = mapped_column(String(64))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Until then the creator may not delete the note (the brand paid for it to stay up).
    protected_until: Mapped[datetime] = mapped_column(UTCDateTime)

    # The note's text as it was filed: the receipt keeps it readable when the creator edits
    # the note afterwards (None for filings made before this was kept).
    filed_title: Mapped[str | None] = mapped_column(String(100))
    filed_body: Mapped[str | None] = mapped_column(Text)

    note: Mapped[Note] = relationship(back_populates="filing", lazy="joined")
    brand: Mapped[BrandProfile] = relationship(lazy="joined")
    filed_by: Mapped[User | None] = relationship()

    @property
    def edited_after_filing(self) -> bool:
        """The note's title or text differs from the version that was filed."""
        return self.filed_title is not None and (self.note.title, self.note.body) != (
            self.filed_title, self.filed_body or "")
