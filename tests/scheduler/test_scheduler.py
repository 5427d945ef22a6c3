"""The scheduler process: one job table resolved by import path, `flask scheduler run --once`
applying what fell due (also what fell due while it was down), a failing job logged without
stopping the others, a memory job store, and the real process started and stopped."""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from apscheduler.jobstores.memory import MemoryJobStore
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.orders.models import Order
from marketplace.scheduler import cli as scheduler_cli
from marketplace.scheduler import runner
from marketplace.scheduler.jobs import JOBS
from marketplace.scheduler.runner import Job

ROOT = Path(__file__).resolve().parents[2]


def boom():
    raise RuntimeError("boom")


def counted():
    counted.calls += 1
    return counted.calls


counted.calls = 0


def test_the_table_holds_the_deadline_and_outbox_sweeps(app):
    targets = {job.target for job in JOBS}
    assert {"marketplace.orders.deadlines:sweep", "marketplace.outbox:sweep"} <= targets
    for job in JOBS:
        assert callable(job.function()) and job.seconds(app.config) > 0


def test_a_job_is_named_by_import_path_with_seconds_or_a_setting(app):
    assert Job("tests.scheduler.test_scheduler:counted", every=5).seconds(app.config) == 5
    assert Job("x.y:z", every="SCHEDULER_OUTBOX_SECONDS").seconds(app.config) == app.config["SCHEDULER_OUTBOX_SECONDS"]
    with pytest.raises(ValueError):
        Job("no_function_here", every=5)
    with pytest.raises(ValueError):
        Job("x.y:z", every=0).seconds(app.config)
    with pytest.raises(ModuleNotFoundError):
        Job("marketplace.nowhere:sweep", every=5).function()


def test_flask_scheduler_jobs_lists_them(runner):
    result = runner.invoke(args=["scheduler", "jobs"])
    assert result.exit_code == 0
    assert "marketplace.orders.deadlines:sweep" in result.output and "every 60s" in result.output


def test_run_once_applies_a_deadline_that_passed_while_it_was_down(app, runner, frozen_clock, ledger_checked):
    from tests.factories import make_order

    order = make_order("invited")
    frozen_clock.advance(timedelta(hours=app.config["INVITATION_EXPIRY_HOURS"] + 30))  # long down
    result = runner.invoke(args=["scheduler", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "marketplace.orders.deadlines:sweep: ok" in result.output
    db.session.expire_all()
    assert order.state == "expired" and order.events[-1].actor == "scheduler"


def test_a_failing_job_is_logged_and_the_others_still_run(app, caplog):
    counted.calls = 0
    jobs = (Job("tests.scheduler.test_scheduler:boom", every=1),
            Job("tests.scheduler.test_scheduler:counted", every=1))
    results = runner.run_all_once(app, jobs)
    assert [r.ok for r in results] == [False, True] and counted.calls == 1
    assert "job tests.scheduler.test_scheduler:boom failed" in caplog.text and "RuntimeError: boom" in caplog.text
    # ... and it runs again next time.
    assert [r.ok for r in runner.run_all_once(app, jobs)] == [False, True] and counted.calls == 2


def test_run_once_exits_non_zero_when_a_job_failed(runner, monkeypatch):
    monkeypatch.setattr(scheduler_cli, "JOBS", (Job("tests.scheduler.test_scheduler:boom", every=1),))
    result = runner.invoke(args=["scheduler", "run", "--once"])
    assert result.exit_code == 1 and "FAILED" in result.output


def test_the_scheduler_keeps_its_jobs_in_memory_and_starts_them_at_once(app):
    scheduler = runner.build_scheduler(app, JOBS)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    planned = {job.id: job for job in scheduler.get_jobs()}
    assert set(planned) == {job.name for job in JOBS}
    for job in JOBS:
        assert planned[job.name].trigger.interval == timedelta(seconds=job.seconds(app.config))


# ---- the real process ------------------------------------------------------------------------

def _process(app, *args: str) -> subprocess.Popen:
    env = {**os.environ, "FLASK_APP": "wsgi", "PAPPUS_CONFIG": "testing",
           "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PAPPUS_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]}
    return subprocess.Popen([sys.executable, "-m", "flask", "scheduler", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _due_orders(frozen_clock, invited: int, in_review: int) -> list[int]:
    """Orders made 30 days ago by the clock, so they are due by the real time the processes read."""
    from tests.factories import make_order

    frozen_clock.set_now(datetime.now(timezone.utc) - timedelta(days=30))
    ids = [make_order("invited").id for _ in range(invited)] + [make_order("in_review").id for _ in range(in_review)]
    frozen_clock.set_now(None)
    db.session.commit()
    db.session.close()
    return ids


def test_the_process_applies_due_deadlines_and_stops_on_sigterm(app, frozen_clock, ledger_checked):
    [order_id] = _due_orders(frozen_clock, 1, 0)
    process = _process(app, "run")
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    try:
        seen = []
        while not any("job marketplace.orders.deadlines:sweep done" in line for line in seen):
            seen.append(lines.get(timeout=60))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, "".join(seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        process.stdout.close()
    db.session.expire_all()
    assert db.session.get(Order, order_id).state == "expired"


def test_two_scheduler_processes_at_once_apply_each_deadline_once(app, runner, frozen_clock, ledger_checked):
    ids = _due_orders(frozen_clock, 4, 2)
    processes = [_process(app, "run", "--once") for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    db.session.expire_all()
    for order_id in ids:
        order = db.session.get(Order, order_id)
        assert order.state in ("expired", "approved"), order.state
        assert len([e for e in order.events if e.action in ("expire", "approve")]) == 1
        told = db.session.scalars(select(Notification.kind).where(Notification.link == f"/orders/{order_id}",
                                                                   Notification.created_at > order.created_at
                                                                   + timedelta(days=1))).all()
        assert sorted(told) in (["order.expired"] * 2, ["order.auto_approved"] * 2), told  # one winner told them
    verified = runner.invoke(args=["ledger", "verify"])
    assert verified.exit_code == 0, verified.output
