"""The indexability truth table, and the index holding exactly what the rule accepts."""
import itertools

import pytest

from marketplace import clock
from marketplace.extensions import db
from marketplace.notes.service import is_indexable
from tests.factories import make_brand, make_creator, make_filing, make_note
from tests.search.helpers import indexed_ids

CASES = list(itertools.product([False, True], repeat=4))  # commercial, filed, de-indexed, deleted


@pytest.mark.parametrize("commercial, filed, deindexed, deleted", CASES)
def test_truth_table(commercial, filed, deindexed, deleted):
    note = make_note(title="Table", body="truth table note", is_paid=commercial)
    if filed:  # a filed note can be deleted only once its protection period is over
        make_filing(note, protection_days=0 if deleted else None)
    if deindexed:
        note.deindexed_at = clock.now()
    if deleted:
        note.deleted_at = clock.now()
    db.session.commit()

    # Filing makes a note commercial; an unfiled regular note is what "regular" means.
    expected = (not commercial or filed) and not deindexed and not deleted
    assert is_indexable(note) is expected
    assert (note.id in indexed_ids()) is expected


def test_private_notes_and_banned_creators_are_not_indexable():
    private = make_note(is_private=True)
    creator = make_creator()
    public = make_note(creator)
    assert not is_indexable(private) and private.id not in indexed_ids()
    assert public.id in indexed_ids()

    creator.banned_at = clock.now()
    db.session.commit()
    assert not is_indexable(public)
    assert public.id not in indexed_ids()


def test_index_follows_each_change_after_commit_only():
    note = make_note(body="lipstick", is_paid=True)
    assert note.id not in indexed_ids()

    make_filing(note, make_brand())
    assert note.id in indexed_ids()

    note.deindexed_at = clock.now()
    db.session.flush()
    assert note.id in indexed_ids(), "a flushed change is not durable yet"
    db.session.rollback()
    assert note.id in indexed_ids(), "a rolled-back change never reaches the index"

    note.deindexed_at = clock.now()
    db.session.commit()
    assert note.id not in indexed_ids()


def test_rebuild_holds_exactly_the_indexable_notes(runner):
    keep = make_note()
    drop = make_note(is_paid=True)
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 indexable notes" in result.output
    assert indexed_ids() == {keep.id}
    assert drop.id not in indexed_ids()


def test_index_never_holds_a_rejected_note_through_a_run_of_changes():
    """After every commit, the index holds exactly the notes the rule accepts."""
    import random

    from marketplace.filings.service import file_note
    from marketplace.notes import service as notes
    from marketplace.notes.models import Note
    from tests.factories import make_user

    rng = random.Random(7)
    staff = make_user("staff")
    brand = make_brand()
    creators = [make_creator() for _ in range(3)]
    pool = [make_note(rng.choice(creators), body=f"note {i}", is_paid=rng.random() < 0.4)
            for i in range(8)]
    for step in range(40):
        note = rng.choice(pool)
        action = rng.choice(["edit", "paid", "private", "file", "deindex", "restore", "delete", "ban"])
        if note.is_deleted:
            continue
        if action == "edit":
            notes.edit_note(note, f"Edited {step}", f"body {step}", is_paid=note.is_paid,
                            is_private=note.is_private)
        elif action == "paid" and not note.is_filed:
            note.is_paid = not note.is_paid
        elif action == "private":
            note.is_private = not note.is_private
        elif action == "file" and not note.is_filed:
            file_note(note, brand, f"R-{step}", protection_days=0)
        elif action == "deindex" and note.deindexed_at is None:
            notes.deindex_note(note, staff, "audit")
        elif action == "restore" and note.deindexed_at is not None:
            notes.restore_to_index(note, staff, "appeal")
        elif action == "delete":
            notes.delete_note(note)
        elif action == "ban" and rng.random() < 0.2:
            note.creator.banned_at = None if note.creator.banned_at else clock.now()
        db.session.commit()
        expected = {n.id for n in db.session.query(Note) if is_indexable(n)}
        assert indexed_ids() == expected, f"after step {step} ({action})"
