"""The clock tests move instead of sleeping."""
from datetime import datetime, timedelta, timezone

import pytest

from marketplace import clock


def test_frozen_clock_moves_only_when_told(frozen_clock):
    start = clock.now()
    assert clock.now() == start
    assert clock.advance(timedelta(hours=72)) == start + timedelta(hours=72)


def test_real_clock_is_aware_utc():
    assert clock.now().tzinfo == timezone.utc


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        clock.set_now(datetime(2026, 1, 1))
