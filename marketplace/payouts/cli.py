"""``flask payouts settle|run|reconcile``: run one payouts job once."""
import click
from flask.cli import AppGroup

payouts_cli = AppGroup("payouts", help="Settling orders and paying creators.")


@payouts_cli.command("settle")
def settle_command() -> None:
    """Settle orders whose metrics are reported and schedule their payouts."""
    from marketplace.payouts import jobs

    click.echo(f"Settled {jobs.settle_reported()} orders.")


@payouts_cli.command("run")
def run_command() -> None:
    """Pay due payouts through the gateway (Stripe Transfers)."""
    from marketplace.payouts import runner

    report = runner.run()
    click.echo(f"Paid {report.paid}, retrying {report.retrying}, failed {report.failed}, held {report.held}.")


@payouts_cli.command("reconcile")
def reconcile_command() -> None:
    """Compare paid payouts with the gateway's transfers and store differences for staff."""
    from marketplace.payouts import jobs

    click.echo(f"Reconciliation found {jobs.reconcile()} differences.")
