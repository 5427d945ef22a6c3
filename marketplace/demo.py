"""Demo data for ``make run``: loaded idempotently, so running it twice keeps what is there.

Each area that has demo data has a ``seed_*()`` function, run here in dependency order
(accounts before profiles before briefs before notes; balances and payout accounts
before orders, orders before their metrics, metrics before payouts). Seeders flush; the CLI commits once.
"""
from __future__ import annotations

from marketplace.auth.demo import ACCOUNTS, DEMO_PASSWORD, DemoAccount, seed_accounts  # noqa: F401
from marketplace.brands.demo import seed_brands
from marketplace.briefs.demo import seed_briefs
from marketplace.cases.demo import seed_audit_case
from marketplace.creators.demo import seed_creators
from marketplace.filings.demo import seed_notes
from marketplace.funding.demo import seed_balances
from marketplace.metrics.demo import seed_metric_reports
from marketplace.orders.demo import seed_orders
from marketplace.payout_accounts.demo import seed_payout_accounts
from marketplace.payouts.demo import seed_payouts

SEEDERS = [seed_accounts, seed_creators, seed_brands, seed_briefs, seed_notes, seed_balances,
           seed_payout_accounts, seed_orders, seed_metric_reports, seed_payouts, seed_audit_case]


def load_demo() -> list[DemoAccount]:
    """Run every seeder (each creates only what is missing); return the printed logins."""
    for seed in SEEDERS:
        seed()
    return ACCOUNTS
