"""Filing: the service, public receipts, the sponsored library, staff filing, protection."""
import re
from datetime import timedelta

import pytest

from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.filings import service
from marketplace.audit_trail.models import TrailEntry
from tests.factories import make_brand, make_creator, make_filing, make_note
from tests.search.helpers import found, indexed_ids


def test_file_note_labels_receipts_and_indexes(client):
    note = make_note(title="Tent test", body="露营帐篷", is_paid=True)
    assert note.id not in indexed_ids()
    filing = service.file_note(note, make_brand(company_name="TrailMate"), "ORD-42", order_id=42)
    db.session.commit()
    assert note.id in indexed_ids() and found("帐篷") == [note.id]
    assert filing.order_id == 42 and note.is_paid

    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    assert "Sponsored · TrailMate" in page
    receipt = client.get(f"/filings/{filing.code}").get_data(as_text=True)
    for fact in ("Tent test", "TrailMate", note.creator.display_name, "ORD-42"):
        assert fact in receipt


def test_filing_a_regular_note_makes_it_commercial():
    note = make_note()
    make_filing(note)
    assert note.is_paid


def test_receipt_codes_are_unguessable(client):
    codes = {make_filing().code for _ in range(5)}
    assert len(codes) == 5
    assert client.get("/filings/1").status_code == 404
    assert client.get("/filings/not-a-code").status_code == 404


def test_receipt_codes_read_aloud_and_forgive_how_they_are_typed(client):
    filing = make_filing()
    assert re.fullmatch(r"PPS(-[0-9A-HJKMNP-TV-Z]{4}){3}", filing.code)  # Crockford: no I, L, O, U
    body = filing.code[4:].replace("-", "")
    sloppy = "pps " + body.lower().replace("0", "o").replace("1", "l")
    for typed in (filing.code, filing.code.lower(), "PPS" + body, sloppy):
        assert client.get(f"/filings/{typed}").status_code == 200, typed
    assert client.get("/filings/PPS-0000-0000-0000").status_code == 404


def test_receipt_codes_issued_before_the_readable_format_keep_working(client):
    filing = make_filing()
    filing.code = "q3Zx_old-style-Code0123"
    db.session.commit()
    assert client.get("/filings/q3Zx_old-style-Code0123").status_code == 200
    assert client.get("/filings/Q3ZX_OLD-STYLE-CODE0123").status_code == 404


def test_a_note_is_filed_once_and_needs_a_reference():
    filing = make_filing()
    with pytest.raises(Conflict):
        service.file_note(filing.note, filing.brand, "ORD-2")
    with pytest.raises(Invalid):
        service.file_note(make_note(), make_brand(), "  ")


def test_protection_period(client, login_as, frozen_clock):
    creator = make_creator()
    note = make_note(creator, is_paid=True)
    make_filing(note, protection_days=30)
    login_as(creator.user)

    response = client.post(f"/notes/{note.id}/delete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "protected until June 2, 2026" in page
    db.session.refresh(note)
    assert note.deleted_at is None

    frozen_clock.advance(timedelta(days=30, seconds=1))
    login_as(creator.user)  # a month on, the log-in itself has expired (SESSION_MAX_DAYS)
    client.post(f"/notes/{note.id}/delete")
    db.session.refresh(note)
    assert note.deleted_at is not None
    assert note.id not in indexed_ids()
    # The receipt stays public and says what happened.
    assert "deleted by the creator" in client.get(f"/filings/{note.filing.code}").get_data(as_text=True)


def test_owner_sees_protection_date(client, login_as, frozen_clock):
    creator = make_creator()
    note = make_note(creator, is_paid=True)
    make_filing(note, protection_days=90)
    login_as(creator.user)
    page = client.get(f"/notes/{note.id}").get_data(as_text=True)
    assert "protected until August 1, 2026. You can delete it after that date." in page
    assert f'action="/notes/{note.id}/delete"' not in page  # no Delete button that would be refused


def test_staff_file_from_the_note_staff_view(client, login_as):
    note = make_note(title="Needs filing", is_paid=True)
    brand = make_brand(company_name="GlowLab")
    staff = login_as("staff")
    assert client.get(f"/staff/notes/{note.id}").status_code == 200
    response = client.post(f"/staff/notes/{note.id}/file",
                           data={"brand_id": brand.id, "order_reference": "PO-7",
                                 "reason": "Agreement shown by the creator"})
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.filing.brand_id == brand.id and note.filing.filed_by_id == staff.id
    action = db.session.query(TrailEntry).one()
    assert (action.action, action.reason) == ("note.file", "Agreement shown by the creator")
    assert note.id in indexed_ids()


def test_staff_deindex_needs_a_reason_and_is_logged(client, login_as):
    note = make_note(body="walnut")
    login_as("staff")
    client.post(f"/staff/notes/{note.id}/deindex", data={"reason": ""})
    assert note.id in indexed_ids()
    client.post(f"/staff/notes/{note.id}/deindex", data={"reason": "Confirmed undisclosed ad"})
    assert note.id not in indexed_ids()
    client.post(f"/staff/notes/{note.id}/reindex", data={"reason": "Appeal upheld"})
    assert note.id in indexed_ids()
    assert [a.action for a in db.session.query(TrailEntry).order_by(TrailEntry.id)] == [
        "note.deindex", "note.reindex"]


def test_only_staff_file_notes(client, login_as):
    note = make_note(is_paid=True)
    brand = make_brand()
    login_as("creator")
    response = client.post(f"/staff/notes/{note.id}/file",
                           data={"brand_id": brand.id, "order_reference": "X", "reason": "y"})
    assert response.status_code == 403
    assert note.filing is None


def test_library_searchable_by_brand_creator_and_date(client, frozen_clock):
    lin = make_creator(handle="linxiaoyu")
    sam = make_creator(handle="samokafor")
    glow, trail = make_brand(company_name="GlowLab"), make_brand(company_name="TrailMate")
    first = make_filing(make_note(lin, title="Glow serum", is_paid=True), glow)
    frozen_clock.advance(timedelta(days=10))
    second = make_filing(make_note(sam, title="Trail boots", is_paid=True), trail)

    def titles(**params):
        return {t for t in ("Glow serum", "Trail boots")
                if t in client.get("/filings", query_string=params).get_data(as_text=True)}

    assert titles() == {"Glow serum", "Trail boots"}
    assert titles(brand="glow") == {"Glow serum"}
    assert titles(creator="@samokafor") == {"Trail boots"}
    assert titles(since="2026-05-10") == {"Trail boots"}
    assert titles(until="2026-05-03") == {"Glow serum"}
    assert first.code != second.code
