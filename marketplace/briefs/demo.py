"""Demo briefs: fifteen campaigns from the demo brands — eleven open, two drafts, two closed —
dated from today so they stay open whenever the demo is loaded. Idempotent by title."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace import clock
from marketplace.auth import service as accounts
from marketplace.briefs import service
from marketplace.briefs.models import Brief
from marketplace.briefs.service import BriefInput, end_of_day
from marketplace.extensions import db

# (brand email, title, product, categories, deliverable, fee yuan or None = quote, slots,
#  min followers, regions, days to apply, state)
BRIEFS = [
    ("brand@glowlab.example.com", "夏日防晒真实测评 Summer sunscreen, honestly", "GlowLab SPF50 Sun Veil",
     ["beauty"], "image", 1200, 8, 2000, ["shanghai", "zhejiang", "jiangsu"], 10, "open"),
    ("brand@glowlab.example.com", "Night routine with our repair serum", "GlowLab Repair Serum",
     ["beauty", "fashion"], "video", 3000, 4, 10000, [], 14, "open"),
    ("brand@glowlab.example.com", "敏感肌秋冬换季 Sensitive skin, season change", "GlowLab Calm Cream",
     ["beauty"], "image", None, 6, 1000, ["beijing", "hubei"], 20, "draft"),
    ("brand@trailmate.example.com", "周末徒步装备清单 Weekend hiking kit", "TrailMate Lite 28L pack",
     ["outdoors", "travel"], "image", 1500, 5, 3000, ["sichuan", "guangdong"], 12, "open"),
    ("brand@trailmate.example.com", "First camping trip vlog", "TrailMate 2-person tent",
     ["outdoors", "travel", "fitness"], "video", 4500, 3, 15000, [], 18, "open"),
    ("brand@trailmate.example.com", "Trail running shoes, 100 km later", "TrailMate Ridge runners",
     ["fitness", "outdoors"], "image", 1000, 6, 2000, ["beijing", "shanghai"], 9, "closed"),
    ("brand@mochipet.example.com", "猫咪换粮七天记录 Seven days on new cat food", "Mochi Salmon Kibble",
     ["pets"], "image", 800, 10, 1000, [], 8, "open"),
    ("brand@mochipet.example.com", "Dog treats taste test", "Mochi Chew Sticks",
     ["pets", "food"], "video", None, 4, 5000, ["guangdong", "fujian"], 15, "open"),
    ("brand@littlesprout.example.com", "新手妈妈待产包 New mum's hospital bag", "Little Sprout starter box",
     ["parenting"], "image", 1800, 6, 3000, ["shanghai", "beijing", "guangdong"], 11, "open"),
    ("brand@littlesprout.example.com", "Bath time with a toddler", "Little Sprout gentle wash",
     ["parenting", "home"], "video", 2600, 3, 8000, [], 16, "draft"),
    ("brand@pixelhome.example.com", "出租屋智能改造 Smart rental makeover", "Pixel Home starter kit",
     ["home", "tech"], "image", 2000, 5, 5000, ["shanghai", "guangdong", "zhejiang"], 13, "open"),
    ("brand@pixelhome.example.com", "Desk setup tour", "Pixel Light Bar",
     ["tech", "education"], "video", 3500, 4, 20000, [], 17, "open"),
    ("brand@pixelhome.example.com", "One week with a robot vacuum", "Pixel Sweep S1",
     ["home", "tech"], "image", 1500, 5, 4000, [], 6, "closed"),
    ("brand@glowlab.example.com", "Gym bag essentials", "GlowLab Sport Mist",
     ["fitness", "beauty"], "image", 900, 8, 1500, [], 9, "open"),
    ("brand@mochipet.example.com", "Travel with your pet", "Mochi travel bowl",
     ["pets", "travel"], "image", 1100, 5, 2000, ["zhejiang", "jiangsu", "shanghai"], 12, "open"),
]


def seed_briefs() -> None:
    today = clock.now().date()
    titles = set(db_titles())
    for (email, title, product, categories, deliverable, fee, slots, min_followers, regions, days,
         state) in BRIEFS:
        user = accounts.find_user_by_email(email)
        if user is None or title in titles:
            continue
        data = BriefInput(
            title=title, product=product,
            description="Show how the product fits into your real routine. 真实体验，不夸大。",
            must_include="The product name\n产品名称和使用前后对比", must_avoid="Medical claims\n与竞品对比",
            categories=categories, deliverable=deliverable, fee_mode="quote" if fee is None else "fixed",
            fee_cents=None if fee is None else fee * 100, slots=slots, min_followers=min_followers,
            regions=regions, apply_by=end_of_day(today + timedelta(days=days)),
            draft_due=end_of_day(today + timedelta(days=days + 7)),
            publish_by=end_of_day(today + timedelta(days=days + 14)), metrics_window_days=7, protection_days=90,
            bonus_per_1k_reads_cents=500 if fee and fee >= 2000 else None,
            bonus_cap_cents=50000 if fee and fee >= 2000 else None)
        brief = service.create_draft(user, data)
        if state in ("open", "closed"):
            service.open_brief(user, brief)
        if state == "closed":
            service.close_brief(user, brief)


def db_titles():
    return db.session.scalars(select(Brief.title))
