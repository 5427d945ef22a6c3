"""Demo data for ``make run``: loaded idempotently, so running it twice keeps what is there.

Each area that has demo data adds its ``seed()`` function to ``_seeders()``, in dependency order
(accounts before profiles before briefs before notes). Seeders flush; the CLI commits once.
"""
from __future__ import annotations

from dataclasses import dataclass

from marketplace.auth import service as accounts
from marketplace.auth.models import Role

DEMO_PASSWORD = "pappus-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role


ACCOUNTS = [
    DemoAccount("staff@pappus.example.com", "Pappus Staff", Role.STAFF),
    DemoAccount("brand@glowlab.example.com", "GlowLab Skincare", Role.BRAND),
    DemoAccount("brand@trailmate.example.com", "TrailMate Outdoor", Role.BRAND),
    DemoAccount("brand@mochipet.example.com", "Mochi Pet Co.", Role.BRAND),
    DemoAccount("brand@littlesprout.example.com", "Little Sprout", Role.BRAND),
    DemoAccount("brand@pixelhome.example.com", "Pixel Home", Role.BRAND),
    DemoAccount("brand@novadrinks.example.com", "Nova Drinks", Role.BRAND),
    DemoAccount("lin@creators.example.com", "林小雨 Lin Xiaoyu", Role.CREATOR),
    DemoAccount("maya@creators.example.com", "Maya Chen", Role.CREATOR),
    DemoAccount("zhou@creators.example.com", "周末厨房 Weekend Kitchen", Role.CREATOR),
    DemoAccount("sam@creators.example.com", "Sam Okafor", Role.CREATOR),
]


def seed_accounts() -> None:
    for account in ACCOUNTS:
        if accounts.find_user_by_email(account.email) is None:
            accounts.create_user(account.email, DEMO_PASSWORD, account.display_name, account.role)


def _seeders():
    # Imported here: each area's demo module imports its services, which import this
    # package's models; order matters (profiles and brands before briefs, all before notes).
    from marketplace.brands.demo import seed_brands
    from marketplace.briefs.demo import seed_briefs
    from marketplace.creators.demo import seed_creators
    from marketplace.notes.demo import seed_notes

    return [seed_accounts, seed_creators, seed_brands, seed_briefs, seed_notes]


def load_demo() -> list[DemoAccount]:
    """Run every seeder (each creates only what is missing); return the printed logins."""
    for seed in _seeders():
        seed()
    return ACCOUNTS
