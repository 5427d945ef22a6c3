"""Display helpers for rates, counts and dates, also template filters (``bps``, ``count``,
``day``; see :mod:`marketplace.templating`). Money is formatted by :mod:`marketplace.money`."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_date, format_datetime, format_decimal, get_locale


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


def as_of_day(value) -> str:
    """The day a figure was measured, in a sentence: "3 May 2026" / "2026年5月3日".

    English reads day-first here (as the reasons were written); other locales use their own
    long form, since a fixed pattern would give "3 5月 2026" in Chinese.
    """
    locale = get_locale()
    return format_date(value, "d MMM yyyy" if locale is None or locale.language == "en" else "long")


def as_of_moment(value) -> str:
    """A date and time in a sentence, in the reader's locale."""
    locale = get_locale()
    return format_datetime(value, "d MMM yyyy HH:mm" if locale is None or locale.language == "en"
                           else "medium")
