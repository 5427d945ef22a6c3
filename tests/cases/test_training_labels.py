"""Staff decisions train the learned ranking: `flask audit train` reads decided cases
(confirmed = an undisclosed ad, dismissed = not) through the registered label source."""
from __future__ import annotations

from marketplace.audit import training
from marketplace.cases import service


def test_staff_decisions_are_a_registered_label_source(app):
    assert service.staff_decisions in training.label_sources()


def test_staff_decisions_turn_decided_cases_into_rows(app, monkeypatch):
    monkeypatch.setattr(service, "decided_labels", lambda: [("Use code GLOW20", "link in bio", 1),
                                                            ("My honest review", "it broke", 0)])
    rows = service.staff_decisions()
    assert [(r.title, r.label) for r in rows] == [("Use code GLOW20", 1), ("My honest review", 0)]
