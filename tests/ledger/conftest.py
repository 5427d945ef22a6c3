"""Every ledger test ends with the books verified (tests/conftest.py's ``ledger_checked``)."""
import pytest


@pytest.fixture(autouse=True)
def _verify_books_after_each_test(ledger_checked):
    yield
