"""Column types and small model helpers shared by every area's models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

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


def split_codes(value: str | None) -> list[str]:
    """A comma-separated list of codes as stored in one column (regions, languages)."""
    return [code for code in (value or "").split(",") if code]
