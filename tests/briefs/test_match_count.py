"""Brand matches count eligible creators only up to a bound ("1,000+"), and still page on."""
from marketplace.matching import service
from marketplace.matching.service import Filters
from tests.factories import make_brief, make_eligible_creator


def test_many_matches_say_plus_and_keep_a_next_page(app, client, login_as, monkeypatch):
    brief = make_brief(categories=("beauty",))
    for n in range(5):
        make_eligible_creator(handle=f"maker{n}", categories=("beauty",))
    monkeypatch.setattr(service, "COUNT_CAP", 2)
    page = service.creators_for_brief(brief, Filters(per_page=2))
    assert (len(page.matches), page.total, page.more, page.has_next) == (2, 2, True, True)
    last = service.creators_for_brief(brief, Filters(per_page=2, page=3))
    assert (len(last.matches), last.total, last.more, last.has_next) == (1, 5, False, False)
    app.config["MATCHES_PER_PAGE"] = 2
    try:
        login_as(brief.brand.user)
        html = client.get(f"/briefs/{brief.id}/matches").get_data(as_text=True)
    finally:
        app.config["MATCHES_PER_PAGE"] = 20
    assert "2+ creators meet" in html and "page=2" in html
    assert client.get(f"/api/v1/briefs/{brief.id}/matches?per_page=2").json["more"] is True
