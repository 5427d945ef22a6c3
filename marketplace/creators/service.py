"""Creator profile rules: handle, bio, taxonomy choices, price card, avatar.

Reach (followers, engagement, audience) is not here: only the feed and staff change it
(``creators.stats``), and nothing in this module accepts it.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.creators import taxonomy
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Invalid, NotAllowed, Problems
from marketplace.extensions import db

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{2,29}$")
# Names that would shadow pages or mislead readers.
RESERVED_HANDLES = {"admin", "staff", "pappus", "support", "api", "help", "brand", "brands",
                    "creator", "creators", "new", "edit", "search", "official"}
# Magic numbers of the image types we accept; the browser's declared type is not trusted.
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))
MAX_QUOTE_CENTS = 10_000_000_00  # 10 million in major units: beyond that it is a typo


def profile_for(user: User) -> CreatorProfile | None:
    return db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id))


def find_by_handle(handle: str) -> CreatorProfile | None:
    return db.session.scalar(select(CreatorProfile).where(CreatorProfile.handle == (handle or "").lower()))


def creators_for_staff(search: str = "", limit: int = 100) -> list[CreatorProfile]:
    """Newest creators first, optionally those whose handle contains ``search`` ("@" optional)."""
    search = (search or "").strip().lstrip("@").lower()
    statement = select(CreatorProfile).order_by(CreatorProfile.created_at.desc()).limit(limit)
    if search:
        statement = statement.where(CreatorProfile.handle.contains(search, autoescape=True))
    return list(db.session.scalars(statement))


def _clean_handle(raw: str, profile: CreatorProfile | None) -> str:
    handle = (raw or "").strip().lstrip("@").lower()
    if not HANDLE_RE.match(handle):
        raise Invalid(_("Use 3–30 lower-case letters, digits or underscores, starting with a "
                        "letter or digit."), field="handle")
    if handle in RESERVED_HANDLES:
        raise Invalid(_("That handle is reserved. Choose another."), field="handle")
    taken = db.session.scalar(select(func.count()).select_from(CreatorProfile).where(
        CreatorProfile.handle == handle,
        CreatorProfile.id != (profile.id if profile else -1)))
    if taken:
        raise Invalid(_("@%(handle)s is taken. Choose another handle.", handle=handle), field="handle")
    return handle


def _quote(value: int | None, enabled: bool, field: str) -> int | None:
    """A quote in cents when the format is offered, else None (switched off)."""
    if not enabled:
        return None
    if value is None or value <= 0:
        raise Invalid(_("Enter a price above zero, or switch this format off."), field=field)
    if value > MAX_QUOTE_CENTS:
        raise Invalid(_("That price looks too large. Check the amount."), field=field)
    return value


def profile_problems(user: User, *, handle: str, bio: str, categories: list[str], region: str,
                     languages: list[str], currency: str, image_enabled: bool,
                     image_quote_cents: int | None, video_enabled: bool,
                     video_quote_cents: int | None, accepting_orders: bool) -> Problems:
    """Every rule the profile's values break, by field (the form shows them all at once)."""
    found = Problems()
    found.check(_clean_handle, handle, profile_for(user))
    unknown = [c for c in categories if c not in taxonomy.categories()]
    if unknown or not categories:
        found.add("categories", _("Choose at least one category from the list."))
    elif len(categories) > 5:
        found.add("categories", _("Choose at most five categories, the ones you post about most."))
    if region not in taxonomy.regions():
        found.add("region", _("Choose your region from the list."))
    if any(code not in taxonomy.languages() for code in languages) or not languages:
        found.add("languages", _("Choose the languages you post in."))
    if len(bio or "") > 500:
        found.add("bio", _("Keep your bio under 500 characters."))
    if not re.fullmatch(r"[A-Z]{3}", currency or ""):
        found.add("currency", _("Choose a currency."))
    found.check(_quote, image_quote_cents, image_enabled, "image_quote")
    found.check(_quote, video_quote_cents, video_enabled, "video_quote")
    if accepting_orders and not image_enabled and not video_enabled:
        found.add("accepting_orders", _("Offer at least one format (image or video note) before accepting orders."))
    return found


def save_profile(user: User, *, handle: str, bio: str, categories: list[str], region: str,
                 languages: list[str], currency: str, image_enabled: bool,
                 image_quote_cents: int | None, video_enabled: bool,
                 video_quote_cents: int | None, accepting_orders: bool) -> CreatorProfile:
    """Create or update the creator's own profile and price card."""
    if not user.is_creator:
        raise NotAllowed(_("Only creators have a creator profile."))
    profile_problems(user, handle=handle, bio=bio, categories=categories, region=region, languages=languages,
                     currency=currency, image_enabled=image_enabled, image_quote_cents=image_quote_cents,
                     video_enabled=video_enabled, video_quote_cents=video_quote_cents,
                     accepting_orders=accepting_orders).raise_first()
    profile = profile_for(user)
    handle = _clean_handle(handle, profile)
    image = _quote(image_quote_cents, image_enabled, "image_quote")
    video = _quote(video_quote_cents, video_enabled, "video_quote")
    if profile is None:
        profile = CreatorProfile(user_id=user.id)
        db.session.add(profile)
    profile.handle = handle
    profile.bio = (bio or "").strip()
    profile.categories_mask = taxonomy.mask_from_categories(categories)
    profile.region = region
    profile.languages = ",".join(code for code in taxonomy.languages() if code in languages)
    profile.currency = currency
    profile.image_quote_cents = image
    profile.video_quote_cents = video
    profile.accepting_orders = bool(accepting_orders)
    db.session.flush()
    return profile


def avatar_folder() -> Path:
    folder = Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "uploads")
    path = folder / "avatars"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _image_kind(head: bytes) -> str | None:
    for signature, kind in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def set_avatar(profile: CreatorProfile, data: bytes) -> str:
    """Store an uploaded avatar under a random name; the old file is removed after flush."""
    limit_kb = current_app.config["AVATAR_MAX_KB"]
    if not data:
        raise Invalid(_("Choose an image file to upload."), field="avatar")
    if len(data) > limit_kb * 1024:
        raise Invalid(_("That image is larger than %(n)d KB. Upload a smaller one.", n=limit_kb),
                      field="avatar")
    kind = _image_kind(data[:16])
    if kind is None:
        raise Invalid(_("Upload a PNG, JPEG or WebP image."), field="avatar")
    name = f"{secrets.token_hex(16)}.{kind}"
    (avatar_folder() / name).write_bytes(data)
    old = profile.avatar_filename
    profile.avatar_filename = name
    db.session.flush()
    if old:
        (avatar_folder() / old).unlink(missing_ok=True)
    return name
