"""Demo brands: five verified companies (verified by the demo staff account, so the staff
log has entries) and one waiting for verification. Idempotent."""
from __future__ import annotations

from marketplace.auth import service as accounts
from marketplace.auth.demo import DEMO_PASSWORD
from marketplace.auth.models import Role
from marketplace.brands import service as brands

# (login email, account name, company, website, industry, verified?)
BRANDS = [
    ("brand@glowlab.example.com", "GlowLab Skincare", "GlowLab Skincare 光研护肤", "https://glowlab.example.com", "Beauty", True),
    ("brand@trailmate.example.com", "TrailMate Outdoor", "TrailMate Outdoor 行者户外", "https://trailmate.example.com", "Outdoor gear", True),
    ("brand@mochipet.example.com", "Mochi Pet Co.", "Mochi Pet Co. 糯米宠物", "https://mochipet.example.com", "Pet food", True),
    ("brand@littlesprout.example.com", "Little Sprout", "Little Sprout Baby 小芽母婴", "https://littlesprout.example.com", "Baby care", True),
    ("brand@pixelhome.example.com", "Pixel Home", "Pixel Home Tech 像素家居", "https://pixelhome.example.com", "Smart home", True),
    ("brand@novadrinks.example.com", "Nova Drinks", "Nova Drinks 新星饮品", "https://novadrinks.example.com", "Beverages", False),
]
STAFF_EMAIL = "staff@pappus.example.com"


def seed_brands() -> None:
    staff = accounts.find_user_by_email(STAFF_EMAIL)
    for email, account_name, company, website, industry, verified in BRANDS:
        user = accounts.find_user_by_email(email)
        if user is None:
            user = accounts.create_user(email, DEMO_PASSWORD, account_name, Role.BRAND, verified=True)
        if brands.profile_for(user) is not None:
            continue
        brand = brands.save_profile(user, company_name=company, website=website, industry=industry)
        if verified and staff is not None:
            brands.verify_brand(staff, brand, "Demo data: business licence and website checked.")
