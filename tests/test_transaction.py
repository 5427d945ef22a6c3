"""One action, one transaction, for every entry: a success is committed once; a refusal
keeps nothing the action flushed and comes back as the reason (pages flash it, the API
answers JSON with its status, the CLI prints one line, jobs log it and go on)."""
import logging

from marketplace import transaction
from marketplace.auth.models import User
from marketplace.errors import Conflict
from marketplace.extensions import db
from tests.factories import make_api_token, make_creator, make_user


def _users() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User))


def test_a_refused_job_unit_keeps_nothing_and_is_logged(caplog):
    def expire_one_order():
        make_user("creator").display_name = "flushed, then refused"
        db.session.flush()
        raise Conflict("The order was accepted a moment ago.")

    before = _users()
    with caplog.at_level(logging.INFO, logger="marketplace.transaction"):
        outcome = transaction.run_job(expire_one_order, "expire order 7")
    assert not outcome and outcome.error.status == 409
    assert "expire order 7 refused: The order was accepted a moment ago." in caplog.text
    # make_user committed its own user first (a factory); only the flushed change is gone.
    assert _users() == before + 1 and not db.session.scalar(
        db.select(User).where(User.display_name == "flushed, then refused"))


def test_a_successful_unit_is_committed_once():
    outcome = transaction.run(lambda: make_creator().user.email)
    assert outcome and outcome.value.endswith("@example.com")


def test_the_api_answers_a_refusal_with_json_and_its_status(client):
    make_creator(handle="lin")
    _token, plain = make_api_token()
    report = {"followers": 10, "engagement_rate_bps": 100, "as_of": "2026-05-03T08:00:00Z"}
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.post("/api/v1/creators/lin/stats", json=report, headers=headers).status_code == 200
    older = client.post("/api/v1/creators/lin/stats", json={**report, "as_of": "2026-05-01T08:00:00Z"},
                        headers=headers)
    assert older.status_code == 409 and set(older.json) == {"error"}
    missing = client.post("/api/v1/creators/nobody/stats", json=report, headers=headers)
    assert missing.status_code == 404 and "nobody" in missing.json["error"]
