"""Demo notes for ``make run``: English and Chinese notes by the demo creators, each with a
generated cover picture (``notes.demo_art``), some filed for the demo brands, one paid but
unfiled (an underwater note: public, not in search).
(Here rather than in notes because filing them needs this area.)

Idempotent: a creator who already has notes gets none added. Runs after the profile and
brand seeders; if those have not made a profile, a minimal one is made here.
"""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from marketplace import clock
from marketplace.auth import service as accounts
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.filings.service import file_note
from marketplace.notes import demo_art
from marketplace.notes.models import Note
from marketplace.notes.service import publish_note

# creator email -> [(title, body, tags, filed-for brand email | "paid" | None)]
NOTES = {
    "lin@creators.example.com": [
        ("夏天防晒霜测评｜5款平价好物", "最近一直在找不油腻的防晒霜。\n这5款我都用了两周以上，按肤感排序：\n1. 清爽型，适合油皮\n2. 水润型，干皮友好\n姐妹们可以按自己的肤质选～", "防晒 护肤 平价好物", "brand@glowlab.example.com"),
        ("熬夜急救面膜，第二天皮肤真的亮了", "加班到凌晨两点，敷了一片补水面膜。早上起来上妆很服帖。\n成分表很干净，敏感肌也可以试试。", "面膜 补水 敏感肌", "brand@glowlab.example.com"),
        ("小红书种草清单：这个月回购的东西", "精华液、洗面奶、护手霜，都是无限回购的。\n没有广告，全部自费。", "回购 种草 护肤", None),
        ("学生党也能买得起的口红", "三支口红，价格都在百元以内，显白不挑皮。", "口红 彩妆 学生党", None),
        ("敏感肌肤的秋冬护肤步骤", "换季脸上容易起皮。我的步骤：温和洁面 → 保湿精华 → 面霜。\n少即是多。", "敏感肌 护肤 秋冬", None),
        ("这款精华我用了一瓶", "质地很轻薄，吸收快。说实话效果需要时间，别指望一周见效。", "精华 护肤", "paid"),
    ],
    "maya@creators.example.com": [
        ("My honest sunscreen routine for city summers", "I reapply every three hours.\nA light gel sunscreen under makeup, a stick for top-ups.\nNo white cast, no pilling.", "sunscreen skincare summer", "brand@glowlab.example.com"),
        ("Three-day hiking trip: what I packed", "Boots broken in for a month, a rain shell, and far too many snacks.\nThe trail was muddy but the lake at the top was worth it.", "hiking travel outdoor", "brand@trailmate.example.com"),
        ("Budget skincare that actually works", "You do not need ten steps. Cleanser, moisturizer, sunscreen.\nEverything here is under 100 RMB.", "skincare budget", None),
        ("Weekend in Hangzhou 杭州周末", "West Lake at sunrise, Longjing tea in the hills, and the best 小笼包 near the station.", "travel hangzhou 杭州", None),
        ("Cozy reading corner makeover", "A secondhand armchair, a warm lamp and a shelf I built myself.\nTotal cost: less than a dinner out.", "home decor reading", None),
    ],
    "zhou@creators.example.com": [
        ("十分钟快手早餐｜上班族必备", "鸡蛋、吐司、牛油果，十分钟搞定。\n周末可以多做一点冷冻起来。", "早餐 食谱 上班族", None),
        ("在家做火锅底料，比外面干净", "牛油、辣椒、花椒慢慢熬两小时。\n第一次做别放太多花椒，会麻到说不出话。", "火锅 食谱 麻辣", None),
        ("露营做饭攻略：一口锅搞定三菜一汤", "去露营最怕做饭麻烦。这套方法只需要一口锅和一个卡式炉。", "露营 做饭 攻略", "brand@trailmate.example.com"),
        ("抹茶拿铁的正确打开方式", "抹茶粉先用少量热水化开，再加牛奶。\n不要用开水，会苦。", "抹茶 拿铁 咖啡", None),
        ("周末烘焙：零失败戚风蛋糕", "蛋白打到硬性发泡是关键。\n烤箱温度每家不一样，第一次多看几眼。", "烘焙 蛋糕 周末", None),
    ],
    "sam@creators.example.com": [
        ("Trail running shoes after 500 km", "The grip is still good on wet rock; the upper is starting to fray.\nWould buy again.", "running outdoor review", "brand@trailmate.example.com"),
        ("Desk setup for a small apartment", "A narrow desk, one monitor arm and a lot of cable ties.", "desk setup apartment", None),
        ("Dumplings from scratch 手工饺子", "Pork and chive filling, dough rested for thirty minutes.\nFold, pinch, boil, repeat.", "dumplings recipe 饺子", None),
        ("Morning yoga for stiff backs", "Cat-cow, child's pose, a gentle twist. Ten minutes before coffee.", "yoga fitness morning", None),
    ],
}


def _creator(email: str) -> CreatorProfile | None:
    user = accounts.find_user_by_email(email)
    if user is None:
        return None
    profile = db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id))
    if profile is None:
        profile = CreatorProfile(user_id=user.id, handle=email.split("@")[0])
        db.session.add(profile)
        db.session.flush()
    return profile


def _brand(email: str) -> BrandProfile | None:
    user = accounts.find_user_by_email(email)
    if user is None:
        return None
    brand = db.session.scalar(select(BrandProfile).where(BrandProfile.user_id == user.id))
    if brand is None:
        brand = BrandProfile(user_id=user.id, company_name=user.display_name)
        db.session.add(brand)
        db.session.flush()
    return brand


def _cover_upload(order: int, tags: str) -> FileStorage:
    """A generated cover, handed to the notes service as an upload like any other image."""
    return FileStorage(io.BytesIO(demo_art.cover(order, tags)), filename=f"demo-{order}.jpg",
                       content_type="image/jpeg")


def seed_notes() -> None:
    start = clock.now() - timedelta(days=20)
    order = 0
    for email, notes in NOTES.items():
        creator = _creator(email)
        if creator is None or db.session.scalar(
                select(func.count(Note.id)).where(Note.creator_id == creator.id)):
            continue
        for title, body, tags, filing in notes:
            order += 1
            note = publish_note(creator, title, body, tags, is_paid=filing is not None,
                                uploads=[_cover_upload(order, tags)])
            note.created_at = note.updated_at = start + timedelta(hours=order * 9)
            brand = _brand(filing) if filing not in (None, "paid") else None
            if brand is not None:
                filing = file_note(note, brand, f"DEMO-{order:04d}", protection_days=30)
                # Filed as it was published, the way Step 4's order flow will do it.
                filing.filed_at = note.created_at
                filing.protected_until = note.created_at + timedelta(days=30)
    db.session.flush()
