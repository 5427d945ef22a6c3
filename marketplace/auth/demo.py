"""Demo accounts for ``make run``: staff, six brands, four creators, one shared password.
Idempotent: an email that exists is left alone."""
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
            # Demo addresses cannot receive mail; count them as confirmed.
            accounts.create_user(account.email, DEMO_PASSWORD, account.display_name, account.role,
                                 verified=True)
