"""Column types and small model helpers shared by every area's models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from marketplace.errors import Changed
from marketplace.taxonomy import categories_from_mask


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite drops the offset; PostgreSQL keeps it. Normalising here means code that compares
    a stored time with ``clock.now()`` behaves the same on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use clock.now()")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class CategoryMask:
    """For models that store taxonomy categories as a bit mask in ``categories_mask``
    (creators and briefs): one bit per category, so overlap is a single ``&`` in SQL."""

    @property
    def categories(self) -> list[str]:
        return categories_from_mask(self.categories_mask)


class Versioned:
    """Optimistic concurrency for objects two people (or two tabs) can edit: briefs, creator
    and brand profiles, notes.

    ``version`` counts the saves made through the object's edit form; the form carries the
    version it was opened at, and :meth:`saving` refuses a save made from an older one
    (:class:`~marketplace.errors.Changed`). SQLAlchemy also checks it on every UPDATE
    (``version_id_col``): of two saves that passed that check at the same moment, the second
    updates no row and is refused the same way (``transaction.run``). Other writers (the data
    feed, staff verification) do not count as saves, so they never make an open form stale;
    they are still refused, and can retry, when a save lands between their read and write.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": False}

    def saving(self, expected: int | None) -> None:
        """Call before applying a form's changes: refuse when the form was opened before the
        last save (``expected`` is the version it carried; None for a first save)."""
        if expected is not None and expected != self.version:
            raise Changed()
        self.version = (self.version or 0) + 1


def split_codes(value: str | None) -> list[str]:
    """A comma-separated list of codes as stored in one column (regions, languages)."""
    return [code for code in (value or "").split(",") if code]
