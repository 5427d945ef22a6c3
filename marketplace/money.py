"""Money: amounts in integer minor units with an ISO currency, and the only place that
turns them into or out of what people type and read.

Every amount in Pappus is an ``int`` of minor units (cents, fen) beside a three-letter
currency. Nothing here, or anywhere, holds money in a float: typed amounts are parsed as
``Decimal`` and converted exactly; shares (service fee, kill fee) are basis points applied
with integer arithmetic and one documented rounding rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision
from flask_babel import format_currency

# Currencies a price card or a brief may be in. All have two minor digits today; the
# conversions below ask Babel rather than assume it, so adding JPY later stays correct.
CURRENCIES = ("CNY", "USD", "HKD", "SGD")
DEFAULT_CURRENCY = "CNY"

# 10 million in major units: a fee or quote beyond that is a typo, not a campaign.
MAX_AMOUNT_CENTS = 10_000_000_00

BPS_WHOLE = 10_000  # basis points in 100%


def minor_digits(currency: str) -> int:
    return get_currency_precision(currency)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units and its currency. Adding two currencies is an error."""

    cents: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise TypeError(f"money is held in integer minor units, not {type(self.cents).__name__}")
        if not (isinstance(self.currency, str) and len(self.currency) == 3 and self.currency.isalpha()
                and self.currency.isupper()):
            raise ValueError(f"not an ISO currency code: {self.currency!r}")

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.cents, self.currency)

    def share(self, bps: int) -> "Money":
        """``bps`` basis points of this amount, see :func:`share_of`."""
        return Money(share_of(self.cents, bps), self.currency)

    def __str__(self) -> str:
        return format_money(self.cents, self.currency)


def share_of(cents: int, bps: int) -> int:
    """``bps`` basis points of ``cents``, rounded half up to the minor unit.

    Half up (not banker's rounding) because it is the rule people check by hand: 10% of
    0.05 is 0.01. Callers that split one amount in two take the remainder for the second
    part, so the parts always add up to the whole.
    """
    if cents < 0:
        return -share_of(-cents, bps)
    return (cents * bps + BPS_WHOLE // 2) // BPS_WHOLE


def to_cents(amount: Decimal | None, currency: str = DEFAULT_CURRENCY) -> int | None:
    """Major units typed by a person (12.50) to integer minor units (1250).

    Returns ``None`` for nothing typed, and for values that are not finite numbers (NaN,
    Infinity): callers treat that as "no amount" and their validators say why.
    """
    if amount is None:
        return None
    try:
        if not amount.is_finite():
            return None
        return int((amount.scaleb(minor_digits(currency))).to_integral_value())
    except (InvalidOperation, OverflowError):
        return None


def from_cents(cents: int | None, currency: str = DEFAULT_CURRENCY) -> Decimal | None:
    """Integer minor units to the Decimal a form field shows (1250 → 12.50)."""
    return None if cents is None else Decimal(cents).scaleb(-minor_digits(currency))


def format_money(cents: int | None, currency: str = DEFAULT_CURRENCY) -> str:
    """An amount for a reader, in their language ("CN¥12.50", "US$3.00"); "—" for none."""
    if cents is None:
        return "—"
    return format_currency(from_cents(cents, currency), currency)
