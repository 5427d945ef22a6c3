"""Search: what is found, ranking, filters, Chinese and English analysis, on either backend
(the suite runs on PostgreSQL when TEST_DATABASE_URL is set)."""
from datetime import timedelta

import pytest

from marketplace.extensions import db
from tests.factories import make_brand, make_creator, make_filing, make_note
from tests.search.helpers import found


def test_filed_commercial_note_is_found_and_unfiled_one_is_not():
    filed = make_note(title="Sunscreen for hiking", body="My favourite 防晒霜", is_paid=True)
    make_filing(filed, make_brand(company_name="GlowLab"))
    underwater = make_note(title="Sunscreen I love", body="Use my code 防晒霜", is_paid=True)

    assert found("sunscreen") == [filed.id]
    assert found("防晒霜") == [filed.id]
    assert underwater.id not in found("love")


@pytest.mark.parametrize("query", ["面", "膜", "面膜", "防晒霜", "小红书种草", "小红书"])
def test_chinese_queries_of_one_two_and_more_characters(query):
    note = make_note(title="今日分享", body="这款防晒霜真的好用，面膜也不错。小红书种草！")
    make_note(title="别的", body="今天去徒步露营")
    assert found(query) == [note.id]


def test_chinese_phrase_needs_adjacent_characters():
    make_note(body="防晒好用，霜也不错")  # 防晒 and 晒霜? no: 晒 and 霜 are not adjacent
    assert found("防晒霜") == []


@pytest.mark.parametrize("query", ["hiking", "HIKING", "Hiking", "hik", "boots hik", "ｈｉｋｉｎｇ"])
def test_english_is_case_insensitive_with_prefix_on_the_last_word(query):
    note = make_note(title="Hiking boots", body="Two weeks on the trail.")
    make_note(title="Coffee", body="A flat white.")
    assert found(query) == [note.id]


def test_english_matches_whole_words_except_the_last():
    note = make_note(body="My skincare routine")
    assert found("skin routine") == []  # "skin" is not a word of the note
    assert found("routine skin") == [note.id]  # but the last word is a prefix
    assert found("kincare") == []


def test_mixed_language_query():
    note = make_note(body="夏天的 sunscreen 推荐")
    make_note(body="夏天的 coffee 推荐")
    assert found("sunscreen 推荐") == [note.id]


def test_ranked_by_relevance_then_recency(frozen_clock):
    creator = make_creator()
    for i in range(6):  # bm25 needs a corpus in which "matcha" is not in every note
        make_note(creator, title=f"Filler {i}", body="Nothing to see.")
    older_in_title = make_note(creator, title="Matcha latte", body="Green.")
    frozen_clock.advance(timedelta(hours=1))
    body_only = make_note(creator, title="Morning", body="A matcha in the park.")
    frozen_clock.advance(timedelta(hours=1))
    newer_in_title = make_note(creator, title="Matcha latte", body="Green.")
    assert found("matcha") == [newer_in_title.id, older_in_title.id, body_only.id]


def test_filters_tag_and_sponsored(app):
    creator = make_creator()
    plain = make_note(creator, body="serum test", tags="护肤 skincare")
    other_tag = make_note(creator, body="serum test", tags="travel")
    sponsored = make_note(creator, body="serum test", tags="skincare", is_paid=True)
    make_filing(sponsored)
    assert set(found("serum")) == {plain.id, other_tag.id, sponsored.id}
    assert set(found("serum", tag="skincare")) == {plain.id, sponsored.id}
    assert set(found("serum", tag="护肤")) == {plain.id}
    assert found("serum", sponsored="only") == [sponsored.id]
    assert set(found("serum", sponsored="hide")) == {plain.id, other_tag.id}


def test_pagination(app):
    creator = make_creator()
    ids = [make_note(creator, title=f"Note {i}", body="pagination").id for i in range(5)]
    from marketplace.search import service

    first = service.search("pagination", per_page=2)
    third = service.search("pagination", page=3, per_page=2)
    assert (first.total, first.pages) == (5, 3)
    assert [h.note.id for h in first.hits] == ids[::-1][:2]
    assert [h.note.id for h in third.hits] == [ids[0]]
    assert service.search("pagination", page=9, per_page=2).hits == []


def test_snippets_escape_user_text_then_mark_matches():
    make_note(title="<b>Serum</b>", body='Try <script>alert("x")</script> serum & cream')
    from marketplace.search import service

    hit = service.search("serum").hits[0]
    assert str(hit.title) == "&lt;b&gt;<mark>Serum</mark>&lt;/b&gt;"
    assert "<script>" not in str(hit.snippet)
    assert "&lt;script&gt;" in str(hit.snippet)
    assert "<mark>serum</mark> &amp; cream" in str(hit.snippet)


def test_search_page_shows_sponsor_label_and_highlights(client):
    note = make_note(title="Cleanser diary", body="cleanser every night", is_paid=True)
    filing = make_filing(note, make_brand(company_name="GlowLab"))
    page = client.get("/search?q=cleanser").get_data(as_text=True)
    assert "Sponsored · GlowLab" in page
    assert f"/filings/{filing.code}" in page
    assert "<mark>Cleanser</mark>" in page


def test_api_search_and_openapi(client):
    note = make_note(title="Tent review", body="帐篷很好", is_paid=True)
    make_filing(note, make_brand(company_name="TrailMate"))
    body = client.get("/api/v1/search?q=帐篷").get_json()
    assert [r["id"] for r in body["results"]] == [note.id]
    assert body["results"][0]["sponsor"] == "TrailMate"
    assert body["results"][0]["receipt_url"].startswith("http")
    missing = client.get("/api/v1/search")
    assert missing.status_code == 422 and missing.get_json()["fields"]["q"]
    assert "/search" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_index_changes_on_edit_delete_and_staff_deindex():
    from marketplace.notes import service as notes
    from tests.factories import make_user

    note = make_note(title="Old title", body="old words")
    notes.edit_note(note, "Fresh title", "new words")
    db.session.commit()
    assert found("old") == [] and found("fresh") == [note.id]

    staff = make_user("staff")
    notes.deindex_note(note, staff, "Undisclosed ad confirmed")
    db.session.commit()
    assert found("fresh") == []
    notes.restore_to_index(note, staff, "Appeal upheld")
    db.session.commit()
    assert found("fresh") == [note.id]

    notes.delete_note(note)
    db.session.commit()
    assert found("fresh") == []


def test_prefix_with_many_completions_still_matches_them_all():
    """A short prefix standing for many indexed words (more than PostgreSQL rewrites into an
    OR of exact words) still finds every note holding one of them."""
    words = [f"zephyr{i:03d}" for i in range(80)]
    first = make_note(title="Many words", body=" ".join(words[:40]))
    second = make_note(title="More words", body=" ".join(words[40:]))
    assert set(found("zephyr")) == {first.id, second.id}
    assert found("zephyr079") == [second.id]
