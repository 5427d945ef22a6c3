"""``flask cases …``: run the audit jobs once (the scheduler runs them on a timer)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="Audit cases of undisclosed ads: rescans and the expiry sweep.")


@cases_cli.command("rescan")
def rescan_command() -> None:
    """Scan recent notes again if the brand list changed since the last rescan."""
    from marketplace.cases.jobs import rescan

    click.echo(f"{rescan()} notes scanned again.")


@cases_cli.command("sweep")
def sweep_command() -> None:
    """End expired strikes and brand points; close filing requests whose time passed."""
    from marketplace.cases.jobs import sweep

    click.echo(f"{sweep()} strikes, points and cases handled.")
