"""The public creator page shows the creator's notes, with sponsor labels, to anyone."""
from tests.factories import make_brand, make_creator, make_filing, make_note


def test_public_page_lists_the_creators_notes_with_sponsor_labels(client):
    creator = make_creator(handle="linxiaoyu")
    make_note(creator, title="Autumn skincare routine")
    paid = make_note(creator, title="My sunscreen pick", is_paid=True)
    make_filing(paid, make_brand(company_name="GlowLab"))
    make_note(creator, title="Private draft thoughts", is_private=True)

    page = client.get("/c/linxiaoyu").get_data(as_text=True)
    assert "Autumn skincare routine" in page
    assert "My sunscreen pick" in page and "GlowLab" in page
    assert "Private draft thoughts" not in page


def test_other_creators_notes_are_not_on_the_page(client):
    make_creator(handle="alice")
    make_note(make_creator(handle="bob"), title="Hiking log by Bob")
    assert "Hiking log by Bob" not in client.get("/c/alice").get_data(as_text=True)


def test_the_creators_name_links_to_their_public_page_wherever_it_is_shown(client):
    creator = make_creator(handle="linxiaoyu")
    note = make_note(creator, title="Sunscreen week", body="sunscreen every day", is_paid=True)
    filing = make_filing(note, make_brand(company_name="GlowLab"))
    link = 'href="/c/linxiaoyu"'
    for page in (f"/notes/{note.id}", "/", "/search?q=sunscreen", f"/filings/{filing.code}", "/filings"):
        assert link in client.get(page).get_data(as_text=True), page
