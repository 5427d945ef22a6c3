"""``flask scheduler run [--once]`` and ``flask scheduler jobs``."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.scheduler import runner
from marketplace.scheduler.jobs import JOBS

scheduler_cli = AppGroup("scheduler", help="The scheduler process: order deadlines, after-commit work.")


def _log_to_terminal() -> None:
    """Jobs' log lines (done, refused, failed) on stderr, unless logging is set up already."""
    logger = logging.getLogger("marketplace")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@scheduler_cli.command("run")
@click.option("--once", is_flag=True, help="Run every job once, then exit (cron, tests, catching up).")
def run_command(once: bool) -> None:
    """Run the scheduled jobs in this process (keep ONE such process per deployment, or more:
    every job is safe to run from two at once). Never inside web workers."""
    _log_to_terminal()
    app = current_app._get_current_object()
    for job in JOBS:  # a typo in the table stops the process at once, not at the job's time
        job.function()
        job.seconds(app.config)
    if once:
        results = runner.run_all_once(app, JOBS)
        for result in results:
            click.echo(f"{result.job}: {'ok' if result.ok else 'FAILED'} ({result.seconds:.2f}s) "
                       f"{result.result if result.ok else ''}".rstrip())
        if not all(r.ok for r in results):
            raise SystemExit(1)
        return
    click.echo(f"Scheduler running {len(JOBS)} jobs (Ctrl-C stops it).")
    runner.run_forever(app, JOBS)


@scheduler_cli.command("jobs")
def jobs_command() -> None:
    """List the scheduled jobs and how often each runs."""
    for job in JOBS:
        every = f"{job.seconds(current_app.config)}s"
        if isinstance(job.every, str):
            every += f" ({job.every})"
        click.echo(f"{job.name:<40} every {every}")
