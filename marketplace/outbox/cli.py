"""``flask outbox sweep|list``: do what a crash left undone; see what is waiting or failed.

The scheduler process (``flask scheduler run``) runs the sweep on its interval."""
import click
from flask.cli import AppGroup

from marketplace.outbox import service

outbox_cli = AppGroup("outbox", help="After-commit work (search index, file removal, mail).")


@outbox_cli.command("sweep")
def sweep_command() -> None:
    """Do every due item left behind, retry failed ones, remove orphan upload files."""
    report = service.sweep()
    click.echo(f"Outbox sweep: {report.done} done, {report.retry} to retry later, "
               f"{report.failed} failed for good, {report.reclaimed} taken back from dead processes; "
               f"{report.tidied} orphan files removed.")


@outbox_cli.command("list")
def list_command() -> None:
    """List items not done yet: id, kind, state, attempts, next try, last error."""
    for item in service.waiting():
        click.echo(f"{item.id:>6}  {item.kind:<20} {item.state:<8} {item.attempts:>2}  "
                   f"{item.run_after:%Y-%m-%d %H:%M}  {item.last_error[:60]}")
