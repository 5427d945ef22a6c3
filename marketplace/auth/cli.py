"""``flask users ...``: the only way to create staff accounts."""
import click
from flask.cli import AppGroup

from marketplace.auth import service
from marketplace.auth.models import Role
from marketplace.transaction import run_command

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-staff")
@click.argument("email")
@click.option("--name", "display_name", default="Pappus staff", help="Name shown to users.")
@click.password_option(help="Asked for when not given.")
def create_staff(email: str, display_name: str, password: str) -> None:
    """Create a staff account for EMAIL (asks for the password)."""
    user = run_command(lambda: service.create_user(email, password, display_name, Role.STAFF,
                                                    verified=True))  # an operator vouches for the address
    click.echo(f"Created staff account {user.email}.")


