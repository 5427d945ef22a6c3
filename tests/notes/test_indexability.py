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
    if filed:
        make_filing(note)
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
