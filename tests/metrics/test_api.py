"""Metrics in through the data-feed API: one report per note, or up to 1,000 per call."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.metrics.models import FIELDS, MetricReport
from tests.factories import make_api_token, make_note

FIGURES = {"impressions": 1000, "reads": 400, "likes": 50, "saves": 20, "comments": 10, "shares": 5,
           "follows": 3, "deep_reads": 100, "searches_after_reading": 8}


@pytest.fixture
def token(app):
    return make_api_token()[1]


@pytest.fixture
def note(frozen_clock):
    note = make_note()
    db.session.commit()
    frozen_clock.advance(timedelta(days=3))
    return note


def _auth(token):
    return {"Authorization": f"Bearer {token}"} if token else {}


def _report(as_of="2026-05-05T08:00:00Z", **changes):
    return {"as_of": as_of, **FIGURES, **changes}


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(MetricReport))


def test_a_report_is_stored_once(client, token, note):
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(), headers=_auth(token))
    assert response.status_code == 201 and response.json["outcome"] == "stored"
    again = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(), headers=_auth(token))
    assert again.status_code == 200 and again.json["outcome"] == "already stored"
    # Same moment written in another zone is the same report.
    same = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report("2026-05-05T16:00:00+08:00"),
                       headers=_auth(token))
    assert same.status_code == 200
    assert _stored() == 1
    report = db.session.scalar(select(MetricReport))
    assert report.figures() == FIGURES and report.source == "api"


def test_different_figures_for_a_stored_time_are_refused(client, token, note):
    client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(), headers=_auth(token))
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(reads=401), headers=_auth(token))
    assert response.status_code == 409 and "later as_of" in response.json["error"]
    assert _stored() == 1


def test_bad_input_gets_422_with_a_reason_per_field(client, token, note):
    body = _report(as_of="yesterday", impressions=-1, likes="many", saves=1.5, comments=True, colour=3)
    del body["shares"]
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=body, headers=_auth(token))
    assert response.status_code == 422
    fields = response.json["fields"]
    assert set(fields) == {"as_of", "impressions", "likes", "saves", "comments", "shares", "colour"}
    assert "ISO 8601" in fields["as_of"] and "Required" in fields["shares"]
    too_big = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(impressions=10**12),
                          headers=_auth(token))
    assert too_big.status_code == 422 and set(too_big.json["fields"]) == {"impressions"}
    assert _stored() == 0


def test_reads_cannot_exceed_impressions(client, token, note):
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(reads=1001), headers=_auth(token))
    assert response.status_code == 422 and response.json["fields"] == {"reads": "Reads cannot be more than impressions."}


def test_as_of_is_not_in_the_future_nor_before_publishing(client, token, note, frozen_clock):
    future = (frozen_clock.now() + timedelta(hours=1)).isoformat()
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(as_of=future), headers=_auth(token))
    assert response.status_code == 422 and "future" in response.json["fields"]["as_of"]
    before = (note.created_at - timedelta(minutes=1)).isoformat()
    response = client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(as_of=before), headers=_auth(token))
    assert response.status_code == 422 and "published" in response.json["fields"]["as_of"]
    assert _stored() == 0


def test_unknown_note_is_404_and_a_token_is_needed(client, token, note):
    assert client.post("/api/v1/notes/999999/metrics", json=_report(), headers=_auth(token)).status_code == 404
    assert client.post(f"/api/v1/notes/{note.id}/metrics", json=_report()).status_code == 401
    assert client.post(f"/api/v1/notes/{note.id}/metrics", json=_report(),
                       headers=_auth("pappus_1_wrong")).status_code == 401


def test_a_signed_in_user_cannot_report_metrics(client, login_as, note):
    login_as("staff")
    assert client.post(f"/api/v1/notes/{note.id}/metrics", json=_report()).status_code == 401


def test_bulk_keeps_good_items_and_answers_each(client, token, note, frozen_clock):
    other = make_note()  # published now (6 May, 09:00)
    db.session.commit()
    items = [
        {"note_id": note.id, **_report()},
        {"note_id": note.id, **_report(reads=5000)},               # reads > impressions
        {"note_id": 999999, **_report()},                          # no such note
        {"note_id": other.id, **_report("2026-05-06T09:00:00Z")},
        {"note_id": note.id, **_report()},                         # repeat inside the call
        {"note_id": note.id, **_report(likes=51)},                 # conflicts with item 0
        "not an object",
    ]
    response = client.post("/api/v1/metrics/bulk", json={"reports": items}, headers=_auth(token))
    assert response.status_code == 200
    body = response.json
    assert [r["status"] for r in body["results"]] == [201, 422, 404, 201, 200, 409, 422]
    assert body["results"][1]["fields"] == {"reads": "Reads cannot be more than impressions."}
    assert (body["stored"], body["already_stored"], body["refused"]) == (2, 1, 4)
    assert _stored() == 2
    again = client.post("/api/v1/metrics/bulk", json={"reports": items[:1]}, headers=_auth(token))
    assert again.json["results"][0]["status"] == 200 and _stored() == 2


def test_bulk_takes_at_most_a_thousand(client, token, note):
    items = [{"note_id": note.id, **_report(f"2026-05-05T08:{i // 60:02d}:{i % 60:02d}Z")} for i in range(1001)]
    response = client.post("/api/v1/metrics/bulk", json={"reports": items}, headers=_auth(token))
    assert response.status_code == 422 and "reports" in response.json["fields"]
    response = client.post("/api/v1/metrics/bulk", json={"reports": items[:1000]}, headers=_auth(token))
    assert response.status_code == 200 and response.json["stored"] == 1000
    assert client.post("/api/v1/metrics/bulk", json={"reports": []}, headers=_auth(token)).status_code == 422
    assert client.post("/api/v1/metrics/bulk", json={"reports": items[:1]}).status_code == 401


def test_openapi_documents_both_endpoints(client):
    document = client.get("/api/v1/openapi.json").json
    assert "post" in document["paths"]["/notes/{note_id}/metrics"]
    assert "post" in document["paths"]["/metrics/bulk"]
    assert set(FIELDS) <= set(document["components"]["schemas"]["MetricReport"]["properties"])
