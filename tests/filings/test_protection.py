"""Protection means protected: while a filing's protection period runs, its note cannot be
made private, un-marked as paid content or deleted — by the form, by the service, or by code
that sets the columns directly — and text edits are kept visible on the receipt."""
from datetime import timedelta

import pytest

from marketplace import clock
from marketplace.errors import Conflict, Invalid
from marketplace.extensions import db
from marketplace.notes import service as notes
from marketplace.notes.models import Note
from marketplace.transaction import run
from tests.factories import make_brand, make_creator, make_filing, make_note
from tests.search.helpers import indexed_ids


@pytest.fixture
def protected(frozen_clock):
    creator = make_creator()
    note = make_note(creator, title="Sunscreen week", body="SPF 50 every day.", is_paid=True)
    filing = make_filing(note, make_brand(company_name="GlowLab"), protection_days=30)
    return note, filing


def _form(note, **changes):
    data = {"title": note.title, "body": note.body, "tags": "", "is_paid": "y", "version": str(note.version)}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_edit_form_cannot_make_a_protected_note_private(client, login_as, protected, field_errors):
    note, filing = protected
    login_as(note.creator.user)
    response = client.post(f"/notes/{note.id}/edit", data=_form(note, is_private="y"))
    assert response.status_code == 422
    assert "protected until June 2, 2026" in field_errors(response.get_data(as_text=True))["is_private"][0]
    db.session.refresh(note)
    assert not note.is_private and note.id in indexed_ids()
    assert client.get(f"/notes/{note.id}").status_code == 200
    assert "made this note private" not in client.get(f"/filings/{filing.code}").get_data(as_text=True)


def test_the_edit_form_shows_private_disabled_with_the_reason(client, login_as, protected):
    note, _ = protected
    login_as(note.creator.user)
    page = client.get(f"/notes/{note.id}/edit").get_data(as_text=True)
    assert "stays public until then" in page


def test_the_edit_form_cannot_unmark_paid_content(client, login_as, protected):
    note, _ = protected
    login_as(note.creator.user)
    response = client.post(f"/notes/{note.id}/edit", data=_form(note, is_paid=None))
    assert response.status_code == 422
    db.session.refresh(note)
    assert note.is_paid


def test_the_service_refuses_every_path_to_hide_a_protected_note(protected):
    note, _ = protected
    with pytest.raises(Invalid):
        notes.edit_note(note, note.title, note.body, is_paid=True, is_private=True)
    db.session.rollback()
    with pytest.raises(Invalid):
        notes.edit_note(note, note.title, note.body, is_paid=False)
    db.session.rollback()
    with pytest.raises(Conflict):
        notes.delete_note(note)
    db.session.rollback()


@pytest.mark.parametrize("change", ["private", "unpaid", "deleted", "removed", "filing_removed"])
def test_code_that_bypasses_the_service_is_stopped_at_the_flush(protected, change):
    """A future job that sets the columns itself meets the same wall."""
    note, filing = protected

    def bypass():
        target = db.session.get(Note, note.id)
        if change == "private":
            target.is_private = True
        elif change == "unpaid":
            target.is_paid = False
        elif change == "deleted":
            target.deleted_at = clock.now()
        elif change == "removed":
            db.session.delete(target)
        else:
            db.session.delete(target.filing)
        db.session.flush()

    outcome = run(bypass)
    assert not outcome and isinstance(outcome.error, Conflict)
    db.session.expire_all()
    note = db.session.get(Note, note.id)
    assert note is not None and not note.is_private and note.is_paid and note.deleted_at is None
    assert note.filing is not None


def test_after_protection_the_creator_may_hide_the_note_again(client, login_as, protected, frozen_clock):
    note, _ = protected
    frozen_clock.advance(timedelta(days=30, seconds=1))
    login_as(note.creator.user)
    response = client.post(f"/notes/{note.id}/edit", data=_form(note, is_private="y"))
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.is_private


def test_other_changes_to_a_protected_note_still_flush(protected):
    note, _ = protected
    note.deindexed_at = clock.now()  # staff de-indexing after an audit is not the creator hiding it
    db.session.commit()
    assert note.deindexed_at is not None


def test_text_edits_are_kept_and_the_receipt_shows_the_filed_version(client, login_as, protected):
    note, filing = protected
    receipt = client.get(f"/filings/{filing.code}").get_data(as_text=True)
    assert "edited after filing" not in receipt

    login_as(note.creator.user)
    response = client.post(f"/notes/{note.id}/edit",
                           data=_form(note, title="Sunscreen, honestly", body="I stopped using it."))
    assert response.status_code == 302
    db.session.refresh(note)
    assert note.title == "Sunscreen, honestly"

    receipt = client.get(f"/filings/{filing.code}").get_data(as_text=True)
    assert "edited after filing" in receipt
    assert "The note as filed" in receipt
    assert "Sunscreen week" in receipt and "SPF 50 every day." in receipt
    assert "Sunscreen, honestly" in receipt


@pytest.mark.parametrize("statement", ["private", "unpaid", "deleted", "delete_notes", "delete_filings"])
def test_bulk_statements_cannot_hide_notes_either(protected, statement):
    from sqlalchemy import delete, update

    from marketplace.filings.models import Filing

    note, _ = protected
    run_it = {
        "private": lambda: db.session.execute(update(Note).where(Note.id == note.id).values(is_private=True)),
        "unpaid": lambda: db.session.execute(update(Note).values(is_paid=False)),
        "deleted": lambda: db.session.execute(update(Note).values(deleted_at=clock.now())),
        "delete_notes": lambda: db.session.execute(delete(Note).where(Note.id == note.id)),
        "delete_filings": lambda: db.session.execute(delete(Filing)),
    }[statement]
    outcome = run(run_it)
    assert not outcome and isinstance(outcome.error, Conflict)
    db.session.expire_all()
    assert not note.is_private and note.is_paid and note.deleted_at is None and note.filing is not None


def test_bulk_statements_that_touch_nothing_protected_still_run(protected):
    from sqlalchemy import update

    note, _ = protected
    db.session.execute(update(Note).where(Note.id == note.id).values(deindexed_at=clock.now()))
    db.session.commit()
    db.session.expire_all()
    assert note.deindexed_at is not None
