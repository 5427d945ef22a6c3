"""The public library counts its filings only up to a bound ("1,000+"), and still pages on."""
from marketplace.filings import service
from tests.factories import make_brand, make_creator, make_filing, make_note


def test_a_large_library_says_plus_and_still_offers_older_pages(client, monkeypatch):
    brand, creator = make_brand(company_name="Glow Lab"), make_creator()
    for n in range(21):
        make_filing(make_note(creator, title=f"Sponsored {n}", is_paid=True), brand, order_reference=f"O-{n}")
    monkeypatch.setattr(service, "COUNT_CAP", 3)
    filings, total, more = service.library(page=1, per_page=2)
    assert (len(filings), total, more) == (2, 3, True)
    # Past the bound the count reaches the page's end, so an "older" page is still offered.
    assert service.library(page=4, per_page=2)[1:] == (8, True)
    assert service.library(page=11, per_page=2)[1:] == (21, False)
    page = client.get("/filings").get_data(as_text=True)
    assert "20+ filings" in page and "page=2" in page
    monkeypatch.setattr(service, "COUNT_CAP", 1000)
    assert "21 filings" in client.get("/filings").get_data(as_text=True)
