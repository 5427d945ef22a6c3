"""``flask metrics close-windows``: run the metrics-window job once (the scheduler runs it
every few minutes)."""
import click
from flask.cli import AppGroup

from marketplace.metrics import jobs

metrics_cli = AppGroup("metrics", help="Note metrics: close metrics windows that a report covers.")


@metrics_cli.command("close-windows")
def close_windows_command() -> None:
    """Move published orders whose window closed and that a report covers to metrics_reported,
    freezing the report they settle on."""
    moved = jobs.close_windows()
    click.echo(f"Metrics windows closed: {moved} order(s) moved to metrics_reported.")
