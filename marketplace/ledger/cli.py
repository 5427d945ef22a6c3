"""``flask ledger verify``: check the books and exit non-zero when anything is wrong."""
import sys

import click
from flask.cli import AppGroup

ledger_cli = AppGroup("ledger", help="The double-entry ledger.")


@ledger_cli.command("verify")
def verify_command() -> None:
    """Check every transaction balances, no currency is mixed and no balance is negative."""
    from marketplace.extensions import db
    from marketplace.ledger.verify import verify

    with db.engine.connect() as conn:
        report = verify(conn)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)
