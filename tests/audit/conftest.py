"""Fixtures the audit tests share."""
import pytest

from marketplace.audit import training


@pytest.fixture
def no_sources():
    """Training sees only the labels a test stores: the registered label sources (staff
    decisions) are set aside for the test and put back after it."""
    before = training.label_sources()
    for source in before:
        training.unregister_label_source(source)
    yield
    for source in training.label_sources():
        training.unregister_label_source(source)
    for source in before:
        training.register_label_source(source)
