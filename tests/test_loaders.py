"""Loaders: one per object, raising NotFound (not aborting), so the CLI and jobs use the same
ones as pages and the API; handles are found in any case; banned creators are one rule."""
import pytest

from marketplace import clock
from marketplace.access import PLATFORM
from marketplace.briefs import service as briefs
from marketplace.creators import service as creators
from marketplace.errors import NotAllowed, NotFound
from marketplace.extensions import db
from marketplace.filings import service as filings
from marketplace.notes import service as notes
from tests.factories import make_brand, make_brief, make_creator, make_note, make_user


def test_loaders_raise_not_found_outside_a_request():
    with pytest.raises(NotFound):
        creators.load_creator("nobody", None)
    with pytest.raises(NotFound):
        notes.load_note(12345, None)
    with pytest.raises(NotFound):
        briefs.load_brief(12345, None)
    with pytest.raises(NotFound):
        filings.load_filing("no-such-code")


def test_handles_are_found_in_any_case_everywhere(client):
    creator = make_creator(handle="lin_xiaoyu")
    make_note(creator, title="Hello")
    assert creators.load_creator("@Lin_Xiaoyu", None).id == creator.id
    assert client.get("/c/LIN_XIAOYU").status_code == 200
    assert "Hello" in client.get("/@Lin_Xiaoyu/notes").get_data(as_text=True)


def test_a_banned_creator_is_gone_for_everyone_but_staff_and_the_platform(client, login_as):
    creator = make_creator(handle="gone")
    note = make_note(creator)
    creator.banned_at = clock.now()
    db.session.commit()
    for viewer in (None, make_user("brand"), make_user("creator")):
        with pytest.raises(NotFound):
            creators.load_creator("gone", viewer)
        with pytest.raises(NotFound):
            notes.load_note(note.id, viewer)
    staff = make_user("staff")
    assert creators.load_creator("gone", staff).id == creators.load_creator("gone", PLATFORM).id
    assert notes.load_note(note.id, staff).id == note.id
    assert notes.load_note(note.id, creator.user).id == note.id  # their own note, still theirs
    for path in ("/c/gone", "/@gone/notes", f"/notes/{note.id}"):
        assert client.get(path).status_code == 404
    login_as(staff)
    for path in ("/c/gone", "/@gone/notes", f"/notes/{note.id}"):
        assert client.get(path).status_code == 200


def test_a_brief_loader_keeps_drafts_private_and_edits_to_the_owner():
    brand = make_brand()
    draft = make_brief(brand, state="draft")
    open_brief = make_brief(brand)
    other = make_brand().user
    with pytest.raises(NotFound):
        briefs.load_brief(draft.id, other)
    with pytest.raises(NotAllowed):
        briefs.load_brief(open_brief.id, other, edit=True)
    assert briefs.load_brief(draft.id, brand.user, edit=True).id == draft.id
    assert briefs.load_brief(open_brief.id, PLATFORM).id == open_brief.id
