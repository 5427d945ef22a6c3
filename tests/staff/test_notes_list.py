"""The staff notes list: every note, found by creator (handle or name, any script), title
and state; and the staff creator search finding display names in any script."""
import pytest

from marketplace import clock
from marketplace.extensions import db
from tests.factories import make_creator, make_filing, make_note


@pytest.fixture
def notes_world():
    lin, sam = make_creator(handle="linxy"), make_creator(handle="samfit")
    lin.user.display_name, sam.user.display_name = "林小雨", "Sam Fit"
    notes = {
        "regular": make_note(lin, title="Morning tea"),
        "filed": make_note(lin, title="Serum review", is_paid=True),
        "unfiled": make_note(sam, title="Protein bar haul", is_paid=True),
        "deindexed": make_note(sam, title="Secret discount"),
        "private": make_note(sam, title="Drafty thoughts", is_private=True),
    }
    make_filing(notes["filed"])
    notes["deindexed"].deindexed_at = clock.now()
    db.session.commit()
    return notes


def _titles(client, query=""):
    page = client.get(f"/staff/notes?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {title for title in ("Morning tea", "Serum review", "Protein bar haul", "Secret discount",
                                "Drafty thoughts") if title in html}


def test_staff_find_notes_by_creator_title_and_state(client, login_as, notes_world):
    login_as("staff")
    assert len(_titles(client)) == 5
    assert _titles(client, "creator=林") == {"Morning tea", "Serum review"}
    assert _titles(client, "creator=@SAMFIT") == {"Protein bar haul", "Secret discount", "Drafty thoughts"}
    assert _titles(client, "title=SERUM") == {"Serum review"}
    assert _titles(client, "state=paid") == {"Serum review", "Protein bar haul"}
    assert _titles(client, "state=filed") == {"Serum review"}
    assert _titles(client, "state=unfiled_paid") == {"Protein bar haul"}
    assert _titles(client, "state=deindexed") == {"Secret discount"}
    assert _titles(client, "state=private") == {"Drafty thoughts"}
    assert _titles(client, "creator=林&state=filed") == {"Serum review"}


def test_each_note_links_to_its_staff_page_and_its_creator(client, login_as, notes_world):
    login_as("staff")
    html = client.get("/staff/notes").get_data(as_text=True)
    assert f'href="/staff/notes/{notes_world["filed"].id}"' in html
    assert 'href="/c/linxy"' in html


def test_the_staff_navigation_links_the_notes_list(client, login_as):
    login_as("staff")
    assert 'href="/staff/notes"' in client.get("/staff/creators").get_data(as_text=True)


@pytest.mark.parametrize("role", ["creator", "brand"])
def test_only_staff_see_the_notes_list(client, login_as, role):
    login_as(role)
    assert client.get("/staff/notes").status_code == 403


@pytest.mark.parametrize("query, found", [("林", "linxy"), ("小雨", "linxy"), ("sam fit", "samfit"),
                                          ("@samf", "samfit"), ("LINX", "linxy")])
def test_staff_creator_search_matches_handles_and_names_in_any_script(client, login_as, notes_world, query, found):
    login_as("staff")
    html = client.get("/staff/creators", query_string={"q": query}).get_data(as_text=True)
    assert f"@{found}" in html
    other = {"linxy", "samfit"} - {found}
    assert f"@{other.pop()}" not in html
