"""``flask api-tokens create|list|revoke``: tokens from the command line, in the audit trail
as the operating-system user who ran the command."""
import click
from flask.cli import AppGroup

from marketplace.api_tokens import service
from marketplace.transaction import run_command

api_tokens_cli = AppGroup("api-tokens", help="API tokens for the data feed.")


@api_tokens_cli.command("create")
@click.argument("name")
def create_command(name: str) -> None:
    """Create a token called NAME and print it (shown only once)."""
    token, plain = run_command(lambda: service.create_token(name))
    click.echo(f"Token {token.id} ({token.name}) — store it now, it is not shown again:")
    click.echo(plain)


@api_tokens_cli.command("list")
def list_command() -> None:
    """List tokens: id, name, created, last used, revoked."""
    for token in service.list_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        click.echo(f"{token.id:>4}  {token.name:<30} {token.created_at:%Y-%m-%d}  {used:<16}  {state}")


@api_tokens_cli.command("revoke")
@click.argument("token_id", type=int)
@click.option("--reason", default="", help="Why, for the audit trail.")
def revoke_command(token_id: int, reason: str) -> None:
    """Revoke token TOKEN_ID."""
    token = run_command(lambda: _revoke(token_id, reason))
    click.echo(f"Revoked token {token.id} ({token.name}).")


def _revoke(token_id: int, reason: str):
    token = service.load_token(token_id)
    service.revoke_token(token, reason=reason)
    return token
