"""The data feed API: bearer tokens, per-field validation, idempotency, ordering by as_of."""
from datetime import timedelta

import pytest

from marketplace.api_tokens.models import ApiToken
from marketplace.api_tokens.service import revoke_token
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from tests.factories import make_api_token, make_creator

REPORT = {"followers": 1520, "engagement_rate_bps": 345, "as_of": "2026-05-03T08:00:00Z",
          "audience": {"age": {"18-24": 40, "25-34": 45}, "gender": {"female": 80, "male": 20},
                       "regions": {"shanghai": 30, "zhejiang": 15, "beijing": 10, "sichuan": 5}}}


def _post(client, handle, body, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/creators/{handle}/stats", json=body, headers=headers)


@pytest.fixture
def token(app):
    return make_api_token()[1]


def test_a_report_is_stored_with_its_time_and_source(client, token, frozen_clock):
    creator = make_creator(handle="lin")
    response = _post(client, "lin", REPORT, token)
    assert response.status_code == 200 and response.json["changed"] is True
    db.session.refresh(creator)
    assert creator.follower_count == 1520 and creator.engagement_bps == 345
    assert creator.followers_source == "feed" and creator.followers_as_of.isoformat() == "2026-05-03T08:00:00+00:00"
    assert creator.audience["gender"] == {"female": 80, "male": 20}
    # The three largest regions are kept for matching.
    assert (creator.audience_region_1, creator.audience_share_1) == ("shanghai", 30)
    assert (creator.audience_region_3, creator.audience_share_3) == ("beijing", 10)


def test_the_same_report_twice_changes_nothing(client, token, frozen_clock):
    creator = make_creator(handle="lin")
    _post(client, "lin", REPORT, token)
    db.session.refresh(creator)
    before = (creator.follower_count, creator.followers_as_of, dict(creator.audience))
    again = _post(client, "lin", REPORT, token)
    assert again.status_code == 200 and again.json["changed"] is False
    db.session.refresh(creator)
    assert (creator.follower_count, creator.followers_as_of, dict(creator.audience)) == before


def test_an_older_report_does_not_overwrite_newer_figures(client, token, frozen_clock):
    creator = make_creator(handle="lin")
    _post(client, "lin", REPORT, token)
    older = dict(REPORT, followers=10, as_of="2026-05-01T00:00:00Z")
    response = _post(client, "lin", older, token)
    assert response.status_code == 409
    db.session.refresh(creator)
    assert creator.follower_count == 1520


@pytest.mark.parametrize("token_value", [None, "nonsense", "pappus_1_wrong-secret"])
def test_missing_or_wrong_token_gets_401(client, token_value):
    make_creator(handle="lin")
    response = _post(client, "lin", REPORT, token_value)
    assert response.status_code == 401 and "token" in response.json["error"]


def test_revoked_token_gets_401(client, frozen_clock):
    make_creator(handle="lin")
    token, plain = make_api_token()
    revoke_token(token)
    db.session.commit()
    assert _post(client, "lin", REPORT, plain).status_code == 401


def test_last_use_is_recorded(client, frozen_clock):
    make_creator(handle="lin")
    token, plain = make_api_token()
    assert token.last_used_at is None
    _post(client, "lin", REPORT, plain).close()  # recorded once the response has been sent
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_token_is_stored_hashed(app):
    token, plain = make_api_token()
    assert plain.startswith(f"pappus_{token.id}_")
    assert plain.split("_", 2)[2] not in token.secret_hash


def test_bad_input_gets_422_with_a_reason_per_field(client, token, frozen_clock):
    creator = make_creator(handle="lin")
    body = {"followers": -5, "engagement_rate_bps": "3.4%", "as_of": "yesterday",
            "audience": {"gender": {"female": 90, "male": 20}, "regions": {"atlantis": 10}}}
    response = _post(client, "lin", body, token)
    assert response.status_code == 422
    fields = response.json["fields"]
    assert set(fields) == {"followers", "engagement_rate_bps", "as_of", "audience.gender", "audience.regions"}
    assert "more than 100%" in fields["audience.gender"]
    db.session.refresh(creator)
    assert creator.follower_count == 0


def test_a_report_from_the_future_is_refused(client, token, frozen_clock):
    make_creator(handle="lin")
    body = dict(REPORT, as_of=(frozen_clock.now() + timedelta(hours=1)).isoformat())
    response = _post(client, "lin", body, token)
    assert response.status_code == 422 and "as_of" in response.json["fields"]


def test_unknown_creator_is_404(client, token):
    assert _post(client, "nobody", REPORT, token).status_code == 404


def test_cli_creates_a_token_that_works(client, runner, frozen_clock):
    make_creator(handle="lin")
    result = runner.invoke(args=["api-tokens", "create", "Nightly feed"])
    assert result.exit_code == 0, result.output
    plain = result.output.strip().splitlines()[-1]
    assert _post(client, "lin", REPORT, plain).status_code == 200
    token_id = int(plain.split("_")[1])
    assert runner.invoke(args=["api-tokens", "revoke", str(token_id)]).exit_code == 0
    assert _post(client, "lin", dict(REPORT, followers=2), plain).status_code == 401


def test_a_signed_in_creator_cannot_report_their_own_figures(client, login_as):
    creator = make_creator(handle="lin")
    login_as(creator.user)
    assert _post(client, "lin", REPORT, None).status_code == 401
    assert db.session.get(CreatorProfile, creator.id).follower_count == 0


def test_openapi_describes_every_api_endpoint(app, client):
    document = client.get("/api/v1/openapi.json").json
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert ("/creators/{handle}/stats", "post") in documented
    assert ("/briefs/{brief_id}/matches", "get") in documented
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_document":
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method.lower()) in documented, f"{method} {rule.rule} is not in openapi.json"
    assert "StatsReport" in document["components"]["schemas"]


def test_cli_lists_tokens_without_their_secrets(runner):
    token, plain = make_api_token("Listed feed")
    result = runner.invoke(args=["api-tokens", "list"])
    assert "Listed feed" in result.output and "never used" in result.output
    assert plain not in result.output
