"""GET /api/v1/briefs/<id>/matches: the same ranking as the brand's page, for tokens and owners."""
import pytest

from tests.factories import make_api_token, make_brand, make_brief, make_eligible_creator


@pytest.fixture
def brief(app):
    brief = make_brief(categories=("beauty",), fee_cents=100000)
    make_eligible_creator(handle="second", engagement_bps=300)
    make_eligible_creator(handle="first", engagement_bps=900)
    make_eligible_creator(handle="third", engagement_bps=100, image_quote_cents=300000)
    return brief


def test_a_token_gets_ranked_explained_matches(client, brief):
    plain = make_api_token()[1]
    response = client.get(f"/api/v1/briefs/{brief.id}/matches", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 3
    assert [m["handle"] for m in body["matches"]] == ["first", "second", "third"]
    top = body["matches"][0]
    assert top["rank"] == 1 and top["quote_cents"] == 50000 and top["engagement_rate_bps"] == 900
    assert {r["part"] for r in top["reasons"]} >= {"categories", "audience", "engagement", "price"}
    assert sum(r["points"] for r in top["reasons"]) == pytest.approx(top["score"], abs=0.05)


def test_the_owner_brand_may_use_its_session(client, login_as, brief):
    login_as(brief.brand.user)
    response = client.get(f"/api/v1/briefs/{brief.id}/matches?per_page=1&page=2")
    assert response.status_code == 200
    assert [m["handle"] for m in response.json["matches"]] == ["second"]


@pytest.mark.parametrize("visitor, status", [("anonymous", 401), ("creator", 403), ("other brand", 403), ("staff", 200)])
def test_who_may_read_matches(client, login_as, brief, visitor, status):
    if visitor == "other brand":
        login_as(make_brand().user)
    elif visitor != "anonymous":
        login_as(visitor)
    assert client.get(f"/api/v1/briefs/{brief.id}/matches").status_code == status


def test_drafts_are_not_found_for_tokens(client):
    draft = make_brief(state="draft")
    plain = make_api_token()[1]
    response = client.get(f"/api/v1/briefs/{draft.id}/matches", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 404


def test_filters_and_bad_parameters(client, brief):
    headers = {"Authorization": f"Bearer {make_api_token()[1]}"}
    cheap = client.get(f"/api/v1/briefs/{brief.id}/matches?max_quote_cents=100000", headers=headers).json
    assert [m["handle"] for m in cheap["matches"]] == ["first", "second"]
    bad = client.get(f"/api/v1/briefs/{brief.id}/matches?min_followers=lots&sort=random", headers=headers)
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"min_followers", "sort"}


def test_a_revoked_token_is_refused(client, brief):
    from marketplace.api_tokens.service import revoke_token
    from marketplace.extensions import db

    token, plain = make_api_token()
    revoke_token(token)
    db.session.commit()
    response = client.get(f"/api/v1/briefs/{brief.id}/matches", headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 401
