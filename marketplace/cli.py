"""App-wide CLI commands: demo data and the configuration table for the README."""
import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.demo import DEMO_PASSWORD, load_demo
from marketplace.transaction import run_command

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def load() -> None:
    """Load demo accounts (idempotent) and print their logins."""
    accounts = run_command(load_demo)
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for account in accounts:
        click.echo(f"  {account.role:<8} {account.email:<32} {account.display_name}")


@click.command("config-table")
def config_table() -> None:
    """Print the README's configuration table (PAPPUS_* knobs, defaults, meanings)."""
    click.echo("| variable | default | meaning |")
    click.echo("|---|---|---|")
    for name, (default, meaning) in current_app.config["KNOBS"].items():
        click.echo(f"| `PAPPUS_{name}` | {default} | {meaning} |")
