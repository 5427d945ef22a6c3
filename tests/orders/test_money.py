"""Money on the order: held on acceptance, refused when short (nothing changes), refunded by
the cancellation schedule, kill fee to the creator, staff disputes after approval."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.audit_trail.models import TrailEntry
from marketplace.extensions import db
from marketplace.ledger import service as ledger
from marketplace.orders import deadlines, drafts, service
from marketplace.transaction import run
from tests.factories import fund_brand, make_brief, make_order, make_user

pytestmark = pytest.mark.usefixtures("ledger_checked")


def brand_available(order) -> int:
    return ledger.brand_balance(order.brand_id, order.currency)[0].cents


def test_accepting_holds_the_fee_and_the_service_fee():
    order = make_order("invited")  # fee 1,000.00, service fee 10%
    before = brand_available(order)
    assert run(lambda: service.accept(order.creator.user, order))
    assert order.total_cents == 110000
    assert ledger.order_escrow(order.id).cents == 110000
    assert brand_available(order) == before - 110000


def test_a_short_balance_names_the_amount_missing_and_changes_nothing():
    brief = make_brief()
    fund_brand(brief.brand, 100000)  # 1,000.00 of the 1,100.00 needed
    order = make_order("invited", brief=brief, funded=False)
    outcome = run(lambda: service.accept(order.creator.user, order))
    assert not outcome
    assert "100.00" in outcome.error.reason and outcome.error.short.cents == 10000
    db.session.refresh(order)
    assert order.state == "invited" and len(order.events) == 1
    assert ledger.order_escrow(order.id) is None


def test_cancelling_before_a_draft_gives_everything_back():
    order = make_order("accepted")
    before = brand_available(order)
    assert run(lambda: service.cancel(order.brand.user, order))
    assert brand_available(order) == before + 110000
    assert ledger.order_escrow(order.id).cents == 0


def test_cancelling_in_review_pays_the_creator_a_kill_fee():
    order = make_order("in_review")
    before = brand_available(order)
    assert run(lambda: service.cancel(order.brand.user, order))
    assert brand_available(order) == before + 99000  # 90% of fee and of service fee
    payable, _ = ledger.creator_balance(order.creator_id, "CNY")
    assert payable.cents == 10000  # 10% of the creator's fee
    assert ledger.order_escrow(order.id).cents == 0


def test_after_approval_the_brand_cannot_cancel_but_staff_can_with_a_reason():
    order = make_order("approved")
    refused = run(lambda: service.cancel(order.brand.user, order))
    assert not refused and "once the creator has missed its date" in refused.error.reason
    staff = make_user("staff")
    assert not run(lambda: service.cancel(staff, order, ""))  # a reason is required
    assert run(lambda: service.cancel(staff, order, "Brand and creator agreed to part", percent=50))
    db.session.refresh(order)
    assert order.state == "cancelled" and order.cancel_reason == "Brand and creator agreed to part"
    assert db.session.query(TrailEntry).filter_by(action="order.cancel", subject_id=order.id).count() == 1
    assert ledger.order_escrow(order.id).cents == 0


def test_a_creator_who_misses_the_publish_date_lets_the_brand_cancel_with_a_full_refund(frozen_clock):
    order = make_order("approved")
    before = brand_available(order)
    frozen_clock.set_now(order.due_at + timedelta(minutes=1))
    deadlines.sweep()
    db.session.refresh(order)
    assert order.late_at is not None and order.events[-1].action == "mark_late"
    assert run(lambda: service.cancel(order.brand.user, order))
    assert brand_available(order) == before + 110000


def test_a_creator_who_misses_the_draft_date_lets_the_brand_cancel_with_a_full_refund(frozen_clock):
    order = make_order("accepted")
    frozen_clock.set_now(order.brief.draft_due + timedelta(hours=1))
    before = brand_available(order)
    assert run(lambda: service.cancel(order.brand.user, order))
    assert brand_available(order) == before + 110000


def test_slots_are_enforced():
    brief = make_brief(slots=1)
    fund_brand(brief.brand)
    make_order("accepted", brief=brief, funded=False)
    late = make_order("invited", brief=brief, funded=False)
    outcome = run(lambda: service.accept(late.creator.user, late))
    assert not outcome and outcome.error.reason == "All 1 slots of this brief are taken."


def test_revision_limit_then_the_next_draft_is_approved(app):
    order = make_order("in_review")
    brand, creator = order.brand.user, order.creator.user
    for n in range(app.config["MAX_REVISIONS"]):
        assert run(lambda: drafts.request_revision(brand, order, f"Change {n}"))
        assert run(lambda: drafts.submit(creator, order, f"Take {n + 2}", "More glow.", "beauty"))
    db.session.refresh(order)
    assert order.state == "approved" and order.revision_count == 3
    assert [d.decision for d in order.drafts] == ["revise", "revise", "revise", "approved"]


def test_publishing_files_the_note_for_the_brand():
    order = make_order("published")
    assert order.note_id is not None
    from marketplace.notes.models import Note

    note = db.session.get(Note, order.note_id)
    assert note.is_paid and note.filing.brand_id == order.brand_id
    assert note.filing.order_reference == order.reference
    assert note.filing.protected_until == note.filing.filed_at + timedelta(days=order.brief.protection_days)


def test_completing_counts_in_the_creators_record():
    order = make_order("paid")
    assert run(lambda: service.complete(order))
    db.session.refresh(order.creator)
    assert (order.creator.orders_completed, order.creator.orders_on_time) == (1, 1)
    assert order.state == "completed" and order.ended_at is not None
