"""Money: exact conversions, no floats, no mixed currencies."""
from decimal import Decimal

import pytest

from marketplace.money import Money, format_money, from_cents, share_of, to_cents


@pytest.mark.parametrize("typed, cents", [
    (Decimal("12.50"), 1250), (Decimal("0.01"), 1), (Decimal("0"), 0), (Decimal("19.999"), 2000),
    (None, None), (Decimal("NaN"), None), (Decimal("Infinity"), None), (Decimal("-Infinity"), None),
    (Decimal("sNaN"), None),
])
def test_typed_amounts_become_exact_cents(typed, cents):
    assert to_cents(typed) == cents


def test_cents_round_trip_to_what_a_form_shows():
    assert from_cents(1250) == Decimal("12.50")
    assert to_cents(from_cents(123456789)) == 123456789


@pytest.mark.parametrize("cents, bps, share", [
    (10000, 1000, 1000), (5, 1000, 1), (4, 1000, 0), (15, 5000, 8), (-15, 5000, -8), (0, 1000, 0),
])
def test_a_share_rounds_half_up_to_the_minor_unit(cents, bps, share):
    assert share_of(cents, bps) == share


def test_money_refuses_floats_and_mixed_currencies():
    with pytest.raises(TypeError):
        Money(12.5, "CNY")
    with pytest.raises(ValueError):
        Money(100, "CNY") + Money(100, "USD")
    with pytest.raises(ValueError):
        Money(100, "cny")
    assert Money(100, "CNY") + Money(50, "CNY") == Money(150, "CNY")
    assert Money(1000, "USD").share(1000) == Money(100, "USD")


def test_amounts_are_written_for_the_reader(app):
    with app.test_request_context():
        assert format_money(None) == "—"
        assert "12.50" in format_money(1250, "CNY")
        assert "3.00" in format_money(300, "USD")
