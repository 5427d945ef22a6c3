"""Audit cases end to end: the detector opens a case after publish and edit, staff decide it,
the creator sees why, files or appeals, and strikes and points follow the ladder."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import clock
from marketplace.audit_trail import entries_for
from marketplace.cases import jobs, service
from marketplace.cases.models import AuditCase, Strike
from marketplace.extensions import db
from marketplace.search import service as search
from tests.factories import make_brand, make_creator, make_note, make_order, make_user

AD_BODY = "Obsessed with the GlowLab serum! Use my code GLOW20 for 20% off, link in bio 💕"


def _case_for(note) -> AuditCase | None:
    db.session.expire_all()
    return db.session.scalar(select(AuditCase).where(AuditCase.note_id == note.id).order_by(AuditCase.id.desc()))


@pytest.fixture
def glowlab():
    return make_brand(company_name="GlowLab", aliases=["光研", "Glow Lab Pro"])


def test_publishing_an_ad_opens_one_case_with_its_evidence(glowlab, frozen_clock):
    note = make_note(title="My night routine", body=AD_BODY)
    case = _case_for(note)
    assert case is not None and case.state == "open"
    assert case.score >= 50
    assert case.brand_id == glowlab.id
    codes = {s["code"] for s in case.signals}
    assert {"brand", "promo_code", "purchase_call"} <= codes
    spans = [e for s in case.signals for e in s["evidence"] if isinstance(e, dict)]
    assert all(case.body[e["start"]:e["end"]] == e["text"] for e in spans if e["field"] == "body")
    # Saving the same version again (a de-index, a tag) opens no second case.
    note.is_private = False
    db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(AuditCase)) == 1


def test_an_ordinary_note_opens_no_case(glowlab):
    note = make_note(title="Rainy Sunday", body="Made dumplings with grandma and watched the rain.")
    assert _case_for(note) is None


def test_an_edit_that_makes_an_ad_opens_a_case_for_the_new_version(glowlab):
    from marketplace.notes import service as notes

    note = make_note(title="Rainy Sunday", body="Made dumplings.")
    assert _case_for(note) is None
    notes.edit_note(note, "Rainy Sunday", AD_BODY, version=note.version)
    db.session.commit()
    case = _case_for(note)
    assert case is not None and case.note_version == note.version


def test_an_alias_in_chinese_names_the_brand(glowlab):
    note = make_note(title="夜间护肤", body="光研的精华真的好用，私信我拿优惠码")
    case = _case_for(note)
    assert case is not None and case.brand_id == glowlab.id


def test_confirm_deindexes_strikes_the_creator_and_gives_the_brand_points(app, glowlab, frozen_clock):
    staff = make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    assert [hit.note.id for hit in search.search("serum").hits] == [note.id]
    case = _case_for(note)
    service.confirm(staff, case, "Promo code and brand, no filing.")
    db.session.commit()
    db.session.expire_all()
    assert case.state == "confirmed" and case.decided_by_id == staff.id
    assert case.note.deindexed_at is not None
    assert note.creator.strike_count == 1
    assert note.creator.suspended_until == clock.now() + timedelta(days=app.config["STRIKE_1_SUSPENSION_DAYS"])
    assert glowlab.violation_points == app.config["BRAND_VIOLATION_POINTS"]
    assert [e.action for e in entries_for("case", case.id)] == ["case.confirm"]
    assert search.search("serum").hits == []
    # Both sides are told, in the notifications list (and by mail after the commit).
    from marketplace.notifications.models import Notification
    told = {(n.user_id, n.kind) for n in db.session.query(Notification)}
    assert (note.creator.user_id, "case.confirmed") in told
    assert (glowlab.user_id, "brand.violation_points") in told
    # A second decision on the same case is refused and changes nothing.
    from marketplace.errors import Conflict
    with pytest.raises(Conflict):
        service.dismiss(staff, case, "changed my mind")
    db.session.rollback()


def test_dismiss_needs_a_reason_and_labels_the_note_negative(glowlab):
    from marketplace.errors import Invalid

    staff = make_user("staff")
    case = _case_for(make_note(title="My night routine", body=AD_BODY))
    with pytest.raises(Invalid):
        service.dismiss(staff, case, "  ")
    db.session.rollback()
    service.dismiss(staff, case, "A genuine review; she bought it herself.")
    db.session.commit()
    assert service.decided_labels() == [("My night routine", AD_BODY, 0)]
    other = _case_for(make_note(title="Second", body=AD_BODY))
    service.confirm(staff, other, "ad")
    db.session.commit()
    assert sorted(label for _t, _b, label in service.decided_labels()) == [0, 1]


def test_a_case_on_a_filed_note_can_never_be_confirmed(glowlab):
    from marketplace.errors import Conflict
    from marketplace.filings.service import file_note

    staff = make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    case = _case_for(note)
    # Staff file it by hand while the case is still open: the scan closes the case.
    file_note(note, glowlab, "ORDER-9")
    db.session.commit()
    db.session.expire_all()
    assert case.state == "filed"
    # Even if the case were still waiting, confirming a filed note is refused.
    db.session.execute(AuditCase.__table__.update().where(AuditCase.id == case.id).values(state="open"))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(Conflict):
        service.confirm(staff, case, "ad")
    db.session.rollback()
    assert case.note.deindexed_at is None and case.creator.strike_count == 0


def test_request_filing_then_filing_through_an_order_closes_with_no_strike(glowlab, frozen_clock):
    staff = make_user("staff")
    order = make_order("accepted")
    creator = order.creator
    note = make_note(creator, title="My night routine", body=AD_BODY)
    case = _case_for(note)
    service.request_filing(staff, case, "Looks paid; please file it.")
    db.session.commit()
    assert case.state == "filing_requested"
    frozen_clock.set_now(clock.now() + timedelta(days=3))
    assert [o.id for o in service.orders_to_file_through(creator.user)] == [order.id]
    service.file_through_order(creator.user, case, order.id)
    db.session.commit()
    db.session.expire_all()
    assert case.state == "filed"
    assert note.is_filed and note.filing.order_id == order.id
    assert creator.strike_count == 0
    assert jobs.sweep() == 0


def test_a_filing_request_left_unanswered_is_confirmed_by_the_sweep(app, glowlab, frozen_clock):
    staff = make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    case = _case_for(note)
    service.request_filing(staff, case, "Please file it.")
    db.session.commit()
    frozen_clock.set_now(clock.now() + timedelta(days=app.config["AUDIT_FILE_WITHIN_DAYS"], minutes=1))
    assert jobs.sweep() == 1
    assert jobs.sweep() == 0  # safe to run twice
    db.session.expire_all()
    assert case.state == "confirmed" and note.creator.strike_count == 1
    assert "case.confirm_unfiled" in [e.action for e in entries_for("case", case.id)]


def test_appeal_once_decided_by_another_staff_member(glowlab, frozen_clock):
    from marketplace.errors import Conflict, NotAllowed

    first, second = make_user("staff"), make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    case = _case_for(note)
    creator_user = note.creator.user
    service.confirm(first, case, "ad")
    db.session.commit()
    service.appeal(creator_user, case, "GlowLab never paid me; I bought the serum myself.")
    db.session.commit()
    with pytest.raises(Conflict):
        service.appeal(creator_user, case, "again")
    db.session.rollback()
    with pytest.raises(NotAllowed):
        service.decide_appeal(first, case, True, "I was wrong")
    db.session.rollback()
    service.decide_appeal(second, case, True, "Receipt shows she bought it.")
    db.session.commit()
    db.session.expire_all()
    assert case.state == "overturned" and case.appeal_decided_by_id == second.id
    assert note.deindexed_at is None
    assert note.creator.strike_count == 0 and note.creator.suspended_until is None
    assert glowlab.violation_points == 0
    assert service.decided_labels()[0][2] == 0


def test_strike_ladder_bans_at_the_third_and_strikes_expire(app, glowlab, frozen_clock):
    staff = make_user("staff")
    creator = make_creator()
    for n in range(3):
        case = _case_for(make_note(creator, title=f"Routine {n}", body=AD_BODY))
        service.confirm(staff, case, "ad")
        db.session.commit()
        db.session.expire_all()
        if n == 1:
            assert creator.suspended_until == clock.now() + timedelta(days=app.config["STRIKE_2_SUSPENSION_DAYS"])
    assert creator.strike_count == 3 and creator.is_banned
    assert glowlab.violation_points == 3 * app.config["BRAND_VIOLATION_POINTS"]
    frozen_clock.set_now(clock.now() + timedelta(days=app.config["STRIKE_EXPIRY_DAYS"] + 1))
    assert jobs.sweep() == 6  # three strikes and three points rows
    db.session.expire_all()
    assert creator.strike_count == 0 and glowlab.violation_points == 0
    assert db.session.scalar(select(db.func.count()).select_from(Strike).where(Strike.ended_at.is_(None))) == 0
    assert jobs.sweep() == 0


def test_brand_points_at_the_limit_block_opening_briefs(app, frozen_clock):
    from marketplace.briefs import service as briefs
    from tests.factories import make_brief

    app.config["BRAND_VIOLATION_LIMIT"] = 2
    try:
        brand = make_brand(company_name="GlowLab")
        staff = make_user("staff")
        service.confirm(staff, _case_for(make_note(title="Routine", body=AD_BODY)), "ad")
        db.session.commit()
        db.session.expire_all()
        assert brand.is_blocked_from_briefs()
        brief = make_brief(brand, state="draft")
        refusal = briefs.open_refusal(brand.user, brief)
        assert refusal is not None and "violation points" in refusal.reason
    finally:
        app.config["BRAND_VIOLATION_LIMIT"] = 10


def test_ban_and_unban_need_a_reason_and_are_logged():
    from marketplace.errors import Conflict

    staff = make_user("staff")
    creator = make_creator()
    service.ban_creator(staff, creator, "Repeated fake giveaways.")
    db.session.commit()
    assert creator.is_banned
    with pytest.raises(Conflict):
        service.ban_creator(staff, creator, "again")
    db.session.rollback()
    service.unban_creator(staff, creator, "Appeal by mail accepted.")
    db.session.commit()
    assert not creator.is_banned
    assert [e.action for e in entries_for("creator", creator.id)] == ["creator.unban", "creator.ban"]


def test_rescan_after_a_new_brand_opens_cases_once(frozen_clock):
    note = make_note(title="Night routine", body="Loving NovaSkin lately, 私信我 for details")
    assert _case_for(note) is None
    jobs.rescan()
    make_brand(company_name="NovaSkin")
    assert jobs.rescan() >= 1
    case = _case_for(note)
    assert case is not None and case.brand.company_name == "NovaSkin"
    assert jobs.rescan() == 0  # the brand list has not changed since


def test_a_crash_between_commit_and_scan_is_caught_up_by_the_outbox_sweep(glowlab, monkeypatch):
    from marketplace import outbox
    from marketplace.outbox import service as outbox_service

    monkeypatch.setattr(outbox_service, "run_items", lambda ids: None)  # the process died here
    note = make_note(title="My night routine", body=AD_BODY)
    assert _case_for(note) is None
    monkeypatch.undo()
    outbox.sweep()
    assert _case_for(note) is not None


def test_with_a_learned_model_the_queue_orders_by_the_combined_score(glowlab, monkeypatch):
    from marketplace.audit import learning
    from marketplace.cases import scanning

    rows = [learning.Row("Routine", AD_BODY + f" #{i}", 1) for i in range(6)]
    rows += [learning.Row("Rainy day", f"Dumplings with grandma, day {i}.", 0) for i in range(6)]
    model = learning.fit(rows)
    monkeypatch.setattr(scanning, "current_model", lambda session=None: model)
    note = make_note(title="Routine", body=AD_BODY)
    case = _case_for(note)
    assert case is not None and case.combined_score is not None
    assert case.ranking_score == case.combined_score
    assert service.queue()[0].id == case.id


def test_cli_runs_each_job_once(runner):
    make_note(title="Night routine", body="Loving NovaSkin lately, 私信我 for details")
    make_brand(company_name="NovaSkin")
    result = runner.invoke(args=["cases", "rescan"])
    assert result.exit_code == 0 and "notes scanned again" in result.output
    assert runner.invoke(args=["cases", "rescan"]).output.startswith("0 ")
    result = runner.invoke(args=["cases", "sweep"])
    assert result.exit_code == 0 and result.output.startswith("0 ")
