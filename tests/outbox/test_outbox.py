"""The after-commit queue: work runs once the change is durable, vanishes with a rollback,
is retried with backoff until it is marked failed, and a sweep finishes what a dead process
left."""
from datetime import timedelta

import pytest

from marketplace import clock, outbox, transaction
from marketplace.errors import Invalid
from marketplace.extensions import db
from marketplace.outbox.models import OutboxItem

DONE: list[dict] = []
FAILURES: dict[str, int] = {}


@outbox.handler("test.record")
def _record(payload: dict) -> None:
    DONE.append(payload)


@outbox.handler("test.flaky")
def _flaky(payload: dict) -> None:
    FAILURES[payload["key"]] = FAILURES.get(payload["key"], 0) + 1
    if FAILURES[payload["key"]] <= payload["fail_times"]:
        raise RuntimeError("the mail server is down")
    DONE.append(payload)


@pytest.fixture(autouse=True)
def _fresh():
    DONE.clear()
    FAILURES.clear()


def _items() -> list[OutboxItem]:
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxItem).order_by(OutboxItem.id)).all()


def test_work_runs_right_after_the_commit_and_leaves_nothing_queued():
    assert transaction.run(lambda: outbox.add("test.record", {"n": 1}))
    assert DONE == [{"n": 1}] and _items() == []


def test_a_refused_action_drops_its_work_and_undoes_its_files():
    undone = []

    def refused():
        outbox.add("test.record", {"n": 2})
        outbox.on_rollback(undone.append, "the file just written")
        db.session.flush()
        raise Invalid("no")

    assert not transaction.run(refused)
    assert DONE == [] and _items() == [] and undone == ["the file just written"]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(LookupError):
        outbox.add("test.never-registered")


def test_a_failing_item_is_retried_with_backoff_then_marked_failed(app, frozen_clock):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        assert transaction.run(lambda: outbox.add("test.flaky", {"key": "a", "fail_times": 5}))
        [item] = _items()
        assert (item.state, item.attempts) == ("pending", 1)
        assert item.run_after == clock.now() + timedelta(seconds=60)
        assert "mail server is down" in item.last_error
        assert outbox.sweep().retry == 0  # not due yet
        frozen_clock.advance(timedelta(seconds=60))
        assert outbox.sweep().retry == 1
        [item] = _items()
        assert item.attempts == 2 and item.run_after == clock.now() + timedelta(seconds=120)
        frozen_clock.advance(timedelta(seconds=120))
        assert outbox.sweep().failed == 1
        [item] = _items()
        assert item.state == "failed" and item.attempts == 3
        frozen_clock.advance(timedelta(days=1))
        assert outbox.sweep().failed == 0 and FAILURES["a"] == 3  # failed items wait for a person
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 8


def test_a_retry_that_succeeds_removes_the_item(frozen_clock):
    assert transaction.run(lambda: outbox.add("test.flaky", {"key": "b", "fail_times": 1}))
    frozen_clock.advance(timedelta(minutes=1))
    report = outbox.sweep()
    assert report.done == 1 and DONE == [{"key": "b", "fail_times": 1}] and _items() == []


def test_an_item_whose_process_died_mid_effect_is_taken_back(frozen_clock, monkeypatch):
    from marketplace.outbox import service

    monkeypatch.setattr(service, "run_items", lambda ids: None)  # the process "dies" after commit
    assert transaction.run(lambda: outbox.add("test.record", {"n": 3}))
    [item] = _items()
    db.session.execute(db.update(OutboxItem).values(state="running", claimed_at=clock.now()))
    db.session.commit()
    assert outbox.sweep().done == 0  # still within its lease: its process may be working on it
    frozen_clock.advance(service.LEASE + timedelta(seconds=1))
    report = outbox.sweep()
    assert (report.reclaimed, report.done) == (1, 1) and DONE == [{"n": 3}] and _items() == []


def test_an_item_is_done_once_even_when_two_processes_reach_for_it(monkeypatch):
    from marketplace.outbox import service

    monkeypatch.setattr(service, "run_items", lambda ids: None)
    assert transaction.run(lambda: outbox.add("test.record", {"n": 4}))
    [item] = _items()
    assert service._run_one(item.id) == "done"
    assert service._run_one(item.id) == "skipped"
    assert DONE == [{"n": 4}]


def test_the_sweep_command_reports_what_it_did(runner, monkeypatch):
    from marketplace.outbox import service

    monkeypatch.setattr(service, "run_items", lambda ids: None)
    assert transaction.run(lambda: outbox.add("test.record", {"n": 5}))
    listed = runner.invoke(args=["outbox", "list"])
    assert "test.record" in listed.output and "pending" in listed.output
    result = runner.invoke(args=["outbox", "sweep"])
    assert result.exit_code == 0 and "1 done" in result.output
    assert DONE == [{"n": 5}]
