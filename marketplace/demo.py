"""Demo data for ``make run``: loaded idempotently, so running it twice keeps what is there.

Each area that has demo data has a ``seed_*()`` function, run here in dependency order
(accounts before profiles before briefs before notes). Seeders flush; the CLI commits once.
"""
from __future__ import annotations

from marketplace.auth.demo import ACCOUNTS, DEMO_PASSWORD, DemoAccount, seed_accounts  # noqa: F401
from marketplace.brands.demo import seed_brands
from marketplace.briefs.demo import seed_briefs
from marketplace.creators.demo import seed_creators
from marketplace.filings.demo import seed_notes

SEEDERS = [seed_accounts, seed_creators, seed_brands, seed_briefs, seed_notes]


def load_demo() -> list[DemoAccount]:
    """Run every seeder (each creates only what is missing); return the printed logins."""
    for seed in SEEDERS:
        seed()
    return ACCOUNTS
