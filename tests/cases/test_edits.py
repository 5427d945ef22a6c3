"""A note edited while its case waits keeps one case, brought up to the new version with the
earlier text kept for staff; a decided case stays as it was; two scans never leave two
waiting cases for one note."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.audit_trail import entries_for
from marketplace.cases import scanning, service
from marketplace.cases.models import AuditCase
from marketplace.extensions import db
from marketplace.notes import service as notes
from tests.factories import make_brand, make_note, make_user

AD_BODY = "Obsessed with the GlowLab serum! Use my code GLOW20 for 20% off, link in bio"
EDITED = "GlowLab serum restock! Use my code GLOW30 for 30% off, DM me, hurry"


@pytest.fixture(autouse=True)
def glowlab():
    return make_brand(company_name="GlowLab")


def _cases(note) -> list[AuditCase]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditCase).where(AuditCase.note_id == note.id).order_by(AuditCase.id)))


def _edit(note, title, body):
    notes.edit_note(note, title, body, version=note.version)
    db.session.commit()


def test_an_edit_while_the_case_waits_brings_that_case_up_to_the_new_version(frozen_clock):
    note = make_note(title="My night routine", body=AD_BODY)
    [case] = _cases(note)
    first_version, first_score = case.note_version, case.score
    frozen_clock.set_now(clock.now() + timedelta(hours=2))
    _edit(note, "Restock", EDITED)
    [same] = _cases(note)
    assert same.id == case.id and same.state == "open"
    assert same.note_version == note.version > first_version
    assert (same.title, same.body) == ("Restock", EDITED)
    assert "GLOW30" in [e["text"] for s in same.signals for e in s["evidence"] if isinstance(e, dict)]
    assert [(v["note_version"], v["title"], v["body"], v["score"]) for v in same.earlier] == [
        (first_version, "My night routine", AD_BODY, first_score)]
    [entry] = [e for e in entries_for("case", case.id) if e.action == "case.rescanned"]
    assert entry.params["from_version"] == first_version and entry.params["to_version"] == note.version


def test_staff_see_the_earlier_version_and_a_line_in_the_history(client, login_as):
    note = make_note(title="My night routine", body=AD_BODY)
    _edit(note, "Restock", EDITED)
    [case] = _cases(note)
    login_as("staff")
    page = client.get(f"/staff/audit/cases/{case.id}").get_data(as_text=True)
    assert "Earlier versions" in page and "My night routine" in page and "GLOW20" in page
    assert "edited the note while the case waited" in page


def test_a_filing_request_survives_an_edit_with_its_due_date(frozen_clock):
    staff = make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    [case] = _cases(note)
    service.request_filing(staff, case, "Please file it.")
    db.session.commit()
    due = case.filing_due_at
    _edit(note, "Restock", EDITED)
    [same] = _cases(note)
    assert same.state == "filing_requested" and same.filing_due_at == due and same.note_version == note.version


def test_an_edit_that_removes_the_ad_still_updates_the_waiting_case_for_staff_to_decide():
    note = make_note(title="My night routine", body=AD_BODY)
    _edit(note, "My night routine", "Washed my face and went to bed.")
    [case] = _cases(note)
    assert case.state == "open" and case.body == "Washed my face and went to bed." and case.score < 50
    assert case.earlier[0]["body"] == AD_BODY


def test_a_decided_case_stays_and_a_later_version_may_open_a_new_case():
    staff = make_user("staff")
    note = make_note(title="My night routine", body=AD_BODY)
    [case] = _cases(note)
    service.dismiss(staff, case, "Bought it herself.")
    db.session.commit()
    _edit(note, "Restock", EDITED)
    old, new = _cases(note)
    assert (old.id, old.state, old.body, old.earlier) == (case.id, "dismissed", AD_BODY, [])
    assert new.state == "open" and new.note_version == note.version and new.body == EDITED


def test_the_database_refuses_a_second_waiting_case_for_one_note():
    note = make_note(title="My night routine", body=AD_BODY)
    [case] = _cases(note)
    db.session.add(AuditCase(note_id=note.id, note_version=note.version + 1, creator_id=case.creator_id,
                             title="x", body="", score=60, signals=[], signal_codes=",", state="open"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_scan_that_loses_the_race_to_open_refreshes_the_winners_case(monkeypatch):
    """Scan B read "no waiting case", then scan A committed a case for the old version before
    B inserted: B's insert is refused and B brings A's case up to the newest version."""
    note = make_note(title="Rainy Sunday", body="Made dumplings.")
    assert _cases(note) == []
    old_version = note.version
    notes.edit_note(note, "Restock", EDITED, version=note.version)
    monkeypatch.setattr(scanning, "scan_notes", lambda ids: 0)  # hold the edit's own scan back
    db.session.commit()
    monkeypatch.undo()
    real_scores = scanning._scores
    raced = []

    def scores_then_a_rival_commits(session, scanned_note):
        if not raced:
            raced.append(True)
            with Session(bind=db.engine) as rival:
                rival.add(AuditCase(note_id=note.id, note_version=old_version, creator_id=note.creator_id,
                                    title="Rainy Sunday", body=AD_BODY, score=70, signals=[], signal_codes=",",
                                    state="open", opened_at=clock.now(), earlier=[]))
                rival.commit()
        return real_scores(session, scanned_note)

    monkeypatch.setattr(scanning, "_scores", scores_then_a_rival_commits)
    assert scanning.scan_notes([note.id]) == 1
    [case] = _cases(note)
    assert case.state == "open" and case.note_version == note.version and case.body == EDITED
    assert [v["note_version"] for v in case.earlier] == [old_version]


def test_a_stale_refresh_moves_nothing_and_two_scans_of_one_edit_refresh_once():
    note = make_note(title="My night routine", body=AD_BODY)
    [case] = _cases(note)
    notes.edit_note(note, "Restock", EDITED, version=note.version)
    db.session.commit()  # the scan after this commit refreshed the case
    [refreshed] = _cases(note)
    stale = AuditCase(id=refreshed.id, version=refreshed.version - 1, note_version=case.note_version,
                      title=case.title, body=case.body, score=case.score, combined_score=None,
                      signal_codes=case.signal_codes, earlier=[], opened_at=case.opened_at)
    with Session(bind=db.engine, autoflush=False) as session:
        assert scanning._refresh(session, stale, session.get(type(note), note.id)) is None
        session.rollback()
    assert scanning.scan_notes([note.id, note.id]) == 0  # already at this version
    [after] = _cases(note)
    assert after.version == refreshed.version and len(after.earlier) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditCase)
                             .where(AuditCase.note_id == note.id, AuditCase.state == "open")) == 1
