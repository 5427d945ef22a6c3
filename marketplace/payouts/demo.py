"""Demo payouts: a demo order whose metrics are reported is settled on its frozen snapshot,
as the scheduler's ``settle_reported`` does (the ledger books the creator's earnings and the
payout is scheduled). Nothing is paid here: paying calls the Stripe gateway, which is not
running while the demo loads; the payout runner pays it once it falls due."""
from __future__ import annotations

from marketplace.orders.demo import demo_orders
from marketplace.payouts import jobs, settlement


def seed_payouts() -> None:
    for order in demo_orders("metrics_reported"):
        settlement.settle(order, jobs.snapshot_of(order))
