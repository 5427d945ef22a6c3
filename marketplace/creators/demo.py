"""Demo creators: about 200 profiles across categories and regions, English and Chinese.

Deterministic (a fixed random seed), and idempotent: a handle that exists is left alone.
The demo accounts from ``marketplace.demo`` get hand-written profiles; one of them (Sam)
is short of followers, so the eligibility panel has something to explain.
"""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from marketplace import clock
from marketplace.auth import service as accounts
from marketplace.auth.demo import DEMO_PASSWORD
from marketplace.auth.models import Role, User
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.taxonomy import mask_from_categories

SEED = 20260503
HOW_MANY = 200
AGE_BANDS = ("18-24", "25-34", "35-44", "45+")

SURNAMES_ZH = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_ZH = ["小雨", "晓彤", "子涵", "欣怡", "梓萱", "一诺", "浩然", "宇轩", "思远", "佳琪", "若曦", "嘉怡",
            "雨桐", "俊杰", "可馨", "安然", "书瑶", "沐晨", "语嫣", "天佑"]
NAMES_EN = ["Maya", "Leo", "Chloe", "Ethan", "Iris", "Noah", "Ava", "Lucas", "Mia", "Ryan", "Zoe", "Owen",
            "Lily", "Jason", "Emma", "Kai", "Grace", "Ivy", "Sean", "Nina"]
SURNAMES_EN = ["Chen", "Wong", "Lim", "Tan", "Ng", "Lee", "Ho", "Koh", "Smith", "Garcia", "Okafor", "Patel"]

BIOS = {
    "beauty": ("敏感肌护肤笔记，只推荐自己用空的好物。", "Skincare for sensitive skin; I only recommend what I finish."),
    "fashion": ("通勤穿搭 | 小个子显高技巧", "Everyday outfits and styling tips for petite frames."),
    "food": ("周末厨房，一人食和家常菜。", "Weekend kitchen: simple home cooking for one or four."),
    "travel": ("带着相机走遍小众古镇。", "Slow travel, small towns and where to eat there."),
    "parenting": ("两个孩子的妈妈，分享育儿好物。", "Mum of two; honest reviews of baby gear."),
    "home": ("出租屋改造，低预算高颜值。", "Rental makeovers on a small budget."),
    "tech": ("数码测评，说人话。", "Gadget reviews in plain words."),
    "fitness": ("居家健身打卡第 300 天。", "Home workouts, day 300 and counting."),
    "pets": ("两只布偶猫的日常。", "Daily life with two ragdoll cats."),
    "education": ("考研上岸经验分享。", "Study plans and exam tips that worked for me."),
    "outdoors": ("徒步、露营、看日出。", "Hiking, camping and sunrise chasing."),
    "finance": ("普通人的理财记账。", "Budgeting and saving for ordinary salaries."),
}

# The demo accounts' own profiles: (email, handle, categories, region, followers, video?)
ACCOUNT_PROFILES = [
    ("lin@creators.example.com", "lin_xiaoyu", ("beauty", "fashion"), "shanghai", 18400, True),
    ("maya@creators.example.com", "maya_travels", ("travel", "outdoors", "food"), "guangdong", 52300, True),
    ("zhou@creators.example.com", "weekend_kitchen", ("food", "home"), "sichuan", 9600, False),
    ("sam@creators.example.com", "sam_fit", ("fitness", "food"), "beijing", 640, True),
]


def _reach(rng: random.Random, categories, region: str, followers: int, profile: CreatorProfile) -> None:
    now = clock.now()
    as_of = now - timedelta(hours=rng.randint(1, 72))
    shares = sorted(rng.sample(range(5, 45), 3), reverse=True)
    others = [r for r in ("shanghai", "beijing", "guangdong", "zhejiang", "jiangsu", "sichuan", "hubei") if r != region]
    regions = {region: shares[0], **dict(zip(rng.sample(others, 2), shares[1:]))}
    top = sorted(regions.items(), key=lambda item: -item[1])
    female = rng.choice((55, 65, 75, 85)) if categories[0] in ("beauty", "fashion", "parenting") else rng.choice((35, 45, 55))
    profile.follower_count = followers
    profile.followers_as_of = as_of
    profile.followers_source = "feed"
    profile.engagement_bps = rng.randint(80, 1100)
    profile.engagement_as_of = as_of
    profile.audience = {"age": dict(zip(AGE_BANDS, (35, 40, 17, 8))), "gender": {"female": female, "male": 100 - female},
                        "regions": regions}
    profile.audience_as_of = as_of
    for i, (code, share) in enumerate(top, start=1):
        setattr(profile, f"audience_region_{i}", code)
        setattr(profile, f"audience_share_{i}", share)


def _price_card(rng: random.Random, followers: int, video: bool, profile: CreatorProfile) -> None:
    # Roughly what the market pays: about 2–6 yuan per hundred followers for an image note.
    base = max(20000, followers * rng.randint(2, 6))
    profile.currency = "CNY"
    profile.image_quote_cents = round(base, -3)
    profile.video_quote_cents = round(base * 1.8, -3) if video else None


def _profile(user: User, handle: str, categories, region: str, bio: str, languages: str) -> CreatorProfile:
    profile = CreatorProfile(user_id=user.id, handle=handle, bio=bio, categories_mask=mask_from_categories(categories),
                             region=region, languages=languages, accepting_orders=True)
    db.session.add(profile)
    return profile


def seed_creators() -> None:
    rng = random.Random(SEED)
    now = clock.now()
    existing = set(db.session.scalars(select(CreatorProfile.handle)))
    for email, handle, categories, region, followers, video in ACCOUNT_PROFILES:
        user = accounts.find_user_by_email(email)
        if user is None or handle in existing or db.session.scalar(
                select(CreatorProfile.id).where(CreatorProfile.user_id == user.id)):
            continue
        zh, en = BIOS[categories[0]]
        profile = _profile(user, handle, categories, region, f"{zh}\n{en}", "zh,en")
        _reach(rng, categories, region, followers, profile)
        _price_card(rng, max(followers, 5000), video, profile)
        profile.payouts_ready_at = profile.identity_confirmed_at = now
        profile.orders_completed, profile.orders_on_time = (6, 6) if followers > 10000 else (0, 0)

    # One hash for every generated account: hashing 200 passwords would make `make run` slow.
    password_hash = accounts.hash_password(DEMO_PASSWORD)
    categories_all = list(BIOS)
    regions_all = ["shanghai", "beijing", "guangdong", "zhejiang", "jiangsu", "sichuan", "hubei", "fujian",
                   "hong_kong", "taiwan", "singapore"]
    for n in range(1, HOW_MANY - len(ACCOUNT_PROFILES) + 1):
        chinese = n % 3 != 0
        if chinese:
            name = rng.choice(SURNAMES_ZH) + rng.choice(GIVEN_ZH)
        else:
            name = f"{rng.choice(NAMES_EN)} {rng.choice(SURNAMES_EN)}"
        main = categories_all[n % len(categories_all)]
        categories = [main] + rng.sample([c for c in categories_all if c != main], rng.choice((0, 1, 1, 2)))
        handle = f"{main}_{n:03d}"
        if handle in existing:
            continue
        user = User(email=f"creator{n:03d}@demo.pappus.example.com", password_hash=password_hash,
                    display_name=name, role=Role.CREATOR, email_verified_at=now)
        db.session.add(user)
        db.session.flush()
        zh, en = BIOS[main]
        region = rng.choice(regions_all)
        profile = _profile(user, handle, categories, region, zh if chinese else en, "zh" if chinese else "en,zh")
        followers = int(rng.lognormvariate(9.2, 1.3))  # median ≈ 10k, a long tail to a few hundred thousand
        _reach(rng, categories, region, followers, profile)
        _price_card(rng, followers, rng.random() < 0.6, profile)
        if rng.random() < 0.85:
            profile.payouts_ready_at = profile.identity_confirmed_at = now
        profile.accepting_orders = rng.random() < 0.9
        done = rng.choice((0, 0, 2, 5, 9, 14))
        profile.orders_completed, profile.orders_on_time = done, done - min(done, rng.choice((0, 0, 0, 1, 2)))
        profile.strike_count = 1 if rng.random() < 0.04 else 0
    db.session.flush()
