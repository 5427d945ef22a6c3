"""Running the jobs: one run of one job (app context, errors logged, never raised), all of
them once (``--once``), or forever on APScheduler's blocking scheduler."""
from __future__ import annotations

import importlib
import logging
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from flask import Flask

log = logging.getLogger("marketplace.scheduler")


@dataclass(frozen=True)
class Job:
    """One scheduled job: ``target`` is ``"package.module:function"``; ``every`` is seconds
    (int) or the name of a config setting holding seconds; ``name`` defaults to the target."""

    target: str
    every: int | str
    name: str = field(default="")

    def __post_init__(self):
        module, _, function = self.target.partition(":")
        if not module or not function:
            raise ValueError(f"a job's target is 'package.module:function', got {self.target!r}")
        if not self.name:
            object.__setattr__(self, "name", self.target)

    def function(self) -> Callable[[], Any]:
        module, _, attribute = self.target.partition(":")
        found: Any = importlib.import_module(module)
        for part in attribute.split("."):
            found = getattr(found, part)
        if not callable(found):
            raise TypeError(f"{self.target} is not callable")
        return found

    def seconds(self, config) -> int:
        value = config[self.every] if isinstance(self.every, str) else self.every
        seconds = int(value)
        if seconds <= 0:
            raise ValueError(f"job {self.name}: its interval must be above zero seconds, got {value!r}")
        return seconds


@dataclass
class RunResult:
    job: str
    ok: bool
    result: Any = None
    seconds: float = 0.0


def run_job(app: Flask, job: Job) -> RunResult:
    """Run ``job`` once in a fresh app context. An exception is logged and reported, never
    raised: the scheduler goes on and the job runs again at its next time."""
    from marketplace.extensions import db

    started = time.monotonic()
    with app.app_context():
        try:
            result = job.function()()
        except Exception:
            log.exception("job %s failed; it runs again at its next time", job.name)
            db.session.rollback()
            return RunResult(job.name, False, None, time.monotonic() - started)
        finally:
            try:
                from marketplace.mail import wait_for_deliveries

                wait_for_deliveries()
            finally:
                db.session.remove()
    took = time.monotonic() - started
    log.info("job %s done in %.2fs: %s", job.name, took, result)
    return RunResult(job.name, True, result, took)


def run_all_once(app: Flask, jobs) -> list[RunResult]:
    """Every job once, in table order (``flask scheduler run --once``)."""
    return [run_job(app, job) for job in jobs]


def build_scheduler(app: Flask, jobs):
    """A blocking APScheduler with a memory job store (this process only) holding ``jobs``.
    Each job starts at once, never overlaps itself, and runs of it that were missed while
    the process was busy collapse into one."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=max(1, len(jobs)))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=timezone.utc)
    now = datetime.now(timezone.utc)
    for job in jobs:
        scheduler.add_job(run_job, "interval", seconds=job.seconds(app.config), args=(app, job),
                          id=job.name, name=job.name, next_run_time=now)
    return scheduler


def run_forever(app: Flask, jobs) -> None:
    """Run the jobs on their intervals until SIGINT or SIGTERM (honcho's Ctrl-C, a deploy)."""
    scheduler = build_scheduler(app, jobs)

    def stop(signum, _frame):
        log.info("scheduler: signal %s, stopping after the running jobs", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    for job in jobs:
        log.info("scheduler: %s every %ss", job.name, job.seconds(app.config))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
