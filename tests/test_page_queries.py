"""No page runs a statement per row: each page type, with more rows than a page shows, stays
within 12 SQL statements (``count_queries``, the suite's shared counter), and reading with
an API token never writes in the request (its last use is recorded after the response, at
most once a minute)."""
from datetime import timedelta

import pytest

from marketplace.api_tokens.models import ApiToken
from marketplace.extensions import db
from marketplace.filings.models import Filing
from tests.factories import (make_api_token, make_brand, make_brief, make_eligible_creator, make_filing,
                             make_note, open_session)

MAX_SQL = 12
ROWS = 21  # more than any page shows (20), so a query per row would show


@pytest.fixture
def world(frozen_clock):
    """Many creators with tagged notes, filed notes of many brands, open briefs of many
    brands, one brand's brief that all the creators match, and an API token."""
    brand = make_brand(company_name="Glow Lab")
    brief = make_brief(brand, categories=("beauty",))
    creators = [make_eligible_creator(handle=f"maker{n}", categories=("beauty",)) for n in range(ROWS)]
    for n, creator in enumerate(creators):
        make_note(creator, title=f"Sunscreen diary {n}", body="面膜 and sunscreen every day", tags="护肤 sunscreen spf")
        make_filing(make_note(creator, title=f"Sponsored sunscreen {n}", body="面膜 sunscreen", tags="ad",
                              is_paid=True), make_brand(company_name=f"Glow {n}"), order_reference=f"O-{n}")
        make_brief(make_brand(), categories=("beauty",), title=f"Campaign {n}")
    _token, plain = make_api_token()
    frozen_clock.advance(timedelta(minutes=1))
    return {"brand": brand, "brief": brief, "creator": creators[0], "token": plain}


def _pages(world):
    filing = db.session.scalars(db.select(Filing)).first()
    token = {"Authorization": f"Bearer {world['token']}"}
    brief = world["brief"].id
    return {
        "landing": ("/", None, {}),
        "filings": ("/filings", None, {}),
        "filings_by_brand": ("/filings?brand=glow", None, {}),
        "search_zh": ("/search?q=面膜", None, {}),
        "search_en": ("/search?q=sunscreen", None, {}),
        "brand_matches": (f"/briefs/{brief}/matches", "brand", {}),
        "creator_briefs": ("/briefs", "creator", {}),
        "creator_dashboard": ("/creator", "creator", {}),
        "brand_dashboard": ("/brand", "brand", {}),
        "note": (f"/notes/{filing.note_id}", None, {}),
        "receipt": (f"/filings/{filing.code}", None, {}),
        "creator_page": (f"/c/{world['creator'].handle}", None, {}),
        "api_search": ("/api/v1/search?q=sunscreen", None, {}),
        "api_matches": (f"/api/v1/briefs/{brief}/matches", None, token),
    }


def test_no_page_type_queries_per_row_or_writes_on_a_read(app, count_queries, world):
    """One world for every page type (building it is the slow part); each page's statements
    are listed when it goes over."""
    clients = {None: app.test_client()}
    for role in ("brand", "creator"):
        clients[role] = app.test_client()
        key = open_session(world[role].user)
        with clients[role].session_transaction() as session:
            session["_user_id"], session["_fresh"] = key, True
    problems = []
    for page, (path, role, headers) in _pages(world).items():
        client = clients[role]
        client.get(path, headers=headers).close()  # a first request may record a token's use
        with count_queries() as statements:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, (page, response.get_data(as_text=True)[:500])
        writes = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        if len(statements) > MAX_SQL or writes:
            problems.append(f"{page}: {len(statements)} statements, {len(writes)} writes:\n  "
                            + "\n  ".join(s.replace("\n", " ")[:160] for s in statements))
    assert not problems, "\n".join(problems)


def test_a_token_read_records_its_use_after_the_response_at_most_once_a_minute(client, world, count_queries,
                                                                               frozen_clock):
    headers = {"Authorization": f"Bearer {world['token']}"}
    path = f"/api/v1/briefs/{world['brief'].id}/matches"
    token = db.session.scalars(db.select(ApiToken)).one()
    assert token.last_used_at is None
    with count_queries() as statements:
        response = client.get(path, headers=headers)
        in_request = list(statements)
        assert db.session.get(ApiToken, token.id).last_used_at is None  # not inside the request
        response.close()  # the server has sent the response
    db.session.expire_all()
    assert not [s for s in in_request if s.lstrip().upper().startswith("UPDATE")]
    first = db.session.get(ApiToken, token.id).last_used_at
    assert first == frozen_clock.now()

    frozen_clock.advance(timedelta(seconds=30))
    with client.get(path, headers=headers):
        pass
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == first  # within the minute: no write

    frozen_clock.advance(timedelta(seconds=31))
    with client.get(path, headers=headers):
        pass
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at == frozen_clock.now()
