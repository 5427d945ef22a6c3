"""Deadline sweeps, driven by moving the clock: each rule applies once, at its time, and a
sweep run late (the scheduler was down) still applies what fell due meanwhile."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.orders import deadlines

pytestmark = pytest.mark.usefixtures("ledger_checked")


def swept(order, clock, at):
    clock.set_now(at)
    report = deadlines.sweep()
    db.session.expire_all()
    return report


def test_an_invitation_expires_after_the_expiry_hours(app, frozen_clock):
    from tests.factories import make_order

    order = make_order("invited")
    hours = app.config["INVITATION_EXPIRY_HOURS"]
    start = frozen_clock.now()
    swept(order, frozen_clock, start + timedelta(hours=hours, seconds=-1))
    assert order.state == "invited"
    swept(order, frozen_clock, start + timedelta(hours=hours))
    assert order.state == "expired" and order.events[-1].actor == "scheduler"


def test_an_unreviewed_draft_is_approved(app, frozen_clock):
    from tests.factories import make_order

    order = make_order("in_review")
    swept(order, frozen_clock, order.submitted_at + timedelta(hours=app.config["DRAFT_REVIEW_HOURS"]))
    assert order.state == "approved" and order.latest_draft.decision == "approved"


def test_the_sweep_leaves_a_closed_metrics_window_to_the_metrics_job(frozen_clock):
    """No report, no move: the order stays published, waiting for metrics (metrics.jobs)."""
    from tests.factories import make_order

    order = make_order("published")
    report = swept(order, frozen_clock, order.published_at + timedelta(days=order.brief.metrics_window_days))
    assert order.state == "published" and report.total() == 0 and report.refused == 0


def test_a_late_sweep_applies_every_deadline_that_passed_once(frozen_clock):
    from tests.factories import make_order

    invited, in_review, accepted = make_order("invited"), make_order("in_review"), make_order("accepted")
    report = swept(None, frozen_clock, frozen_clock.now() + timedelta(days=40))
    assert (invited.state, in_review.state) == ("expired", "approved")
    assert accepted.late_at is not None
    assert report.applied == {"expire": 1, "approve": 1, "mark_late": 1} and report.refused == 0
    # The auto-approved draft gives the creator time to publish, so nothing more is due.
    again = deadlines.sweep()
    assert again.total() == 0 and again.refused == 0
    assert len([e for e in accepted.events if e.action == "mark_late"]) == 1
