"""Display helpers for amounts and rates, registered as template filters by the creators
blueprint (``money``, ``bps``, ``count``, ``day``). Amounts stay integers until shown."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_currency, format_date, format_decimal


def money(cents: int | None, currency: str = "CNY") -> str:
    if cents is None:
        return "—"
    return format_currency(Decimal(cents) / 100, currency)


def bps(value: int | None) -> str:
    """Basis points as a percentage: 345 → "3.45%"."""
    if value is None:
        return "—"
    return f"{Decimal(value) / 100:.2f}%"


def count(value: int | None) -> str:
    return "—" if value is None else format_decimal(value)


def day(value) -> str:
    """A deadline as a date in the reader's locale ("Dec 2, 2026" / "2026年12月2日")."""
    return "—" if value is None else format_date(value, "medium")
