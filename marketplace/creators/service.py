"""Creator profile rules: handle, bio, taxonomy choices, price card, avatar.

Reach (followers, engagement, audience) is not here: only the feed and staff change it
(``creators.stats``), and nothing in this module accepts it.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from marketplace import taxonomy, uploads
from marketplace.auth.models import User
from marketplace.creators.models import CreatorProfile
from marketplace.errors import Changed, Invalid, NotAllowed, NotFound, Problems
from marketplace.extensions import db
from marketplace.money import MAX_AMOUNT_CENTS as MAX_QUOTE_CENTS
from marketplace.transaction import refuse_duplicates

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{2,29}$")
# Names that would shadow pages or mislead readers.
RESERVED_HANDLES = {"admin", "staff", "pappus", "support", "api", "help", "brand", "brands",
                    "creator", "creators", "new", "edit", "search", "official"}
# Formats an avatar may be, by content (the browser's declared type is not trusted).
AVATAR_KINDS = {"png", "jpeg", "webp"}


def _avatars_in_use(names: set[str]) -> set[str]:
    return set(db.session.scalars(select(CreatorProfile.avatar_filename)
                                  .where(CreatorProfile.avatar_filename.in_(names))))


AVATARS = uploads.folder("avatars", referenced=_avatars_in_use)

# Two creators saving one handle at once: the second gets the answer the check gives.
refuse_duplicates("uq_creator_profiles_handle", lambda: Invalid(
    _("That handle was just taken. Choose another handle."), field="handle"))
# One creator's first save sent twice (two tabs): the second sees the profile the first made.
refuse_duplicates("uq_creator_profiles_user_id", Changed)


def profile_for(user: User) -> CreatorProfile | None:
    """The user's own creator profile, or None before they have saved one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(CreatorProfile).where(CreatorProfile.user_id == user.id))


def normalize_handle(raw: str | None) -> str:
    """Handles are stored lower-case; "@Lin_Xiaoyu" and "lin_xiaoyu" name the same creator."""
    return (raw or "").strip().lstrip("@").lower()


def find_by_handle(handle: str) -> CreatorProfile | None:
    return db.session.scalar(select(CreatorProfile).where(CreatorProfile.handle == normalize_handle(handle)))


def hidden_from(profile: CreatorProfile, viewer) -> bool:
    """The one rule for banned creators: they, their page and their notes are gone for
    everyone but staff (and the platform's own processes)."""
    return profile.is_banned and not getattr(viewer, "is_staff", False)


def load_creator(handle: str, viewer) -> CreatorProfile:
    """The creator with this handle (any case, "@" optional) as ``viewer`` may see them."""
    profile = find_by_handle(handle)
    if profile is None or hidden_from(profile, viewer):
        raise NotFound(_("No creator has the handle %(handle)s.", handle=handle))
    return profile


def load_creator_by_id(creator_id: int) -> CreatorProfile:
    """For staff pages and processes, which address creators by id and see banned ones."""
    profile = db.session.get(CreatorProfile, creator_id)
    if profile is None:
        raise NotFound(_("There is no creator %(id)s.", id=creator_id))
    return profile


def creators_for_staff(search: str = "", limit: int = 100) -> list[CreatorProfile]:
    """Newest creators first, optionally those whose handle ("@" optional) or display name,
    in any script (林, Lin), contains ``search``."""
    text = (search or "").strip()
    statement = select(CreatorProfile).order_by(CreatorProfile.created_at.desc()).limit(limit)
    if text:
        handle = normalize_handle(text)
        name = func.lower(User.display_name)
        statement = (statement.join(User, User.id == CreatorProfile.user_id)
                     .where(CreatorProfile.handle.contains(handle, autoescape=True)
                            | name.contains(text.lower(), autoescape=True)))
    return list(db.session.scalars(statement))


def _clean_handle(raw: str, profile: CreatorProfile | None) -> str:
    handle = normalize_handle(raw)
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
                 video_quote_cents: int | None, accepting_orders: bool,
                 version: int | None = None) -> CreatorProfile:
    """Create or update the creator's own profile and price card, as the form opened at
    ``version`` left it (a save made since is not overwritten)."""
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
    else:
        profile.saving(version)
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


def set_avatar(profile: CreatorProfile, data: bytes) -> str:
    """Store an uploaded avatar under a random name. The old file is removed only once this
    change commits; the new one goes again if it does not (see ``marketplace.uploads``)."""
    limit_kb = current_app.config["AVATAR_MAX_KB"]
    if not data:
        raise Invalid(_("Choose an image file to upload."), field="avatar")
    if len(data) > limit_kb * 1024:
        raise Invalid(_("That image is larger than %(n)d KB. Upload a smaller one.", n=limit_kb),
                      field="avatar")
    kind = uploads.sniff(data[:16])
    if kind is None or kind.kind not in AVATAR_KINDS:
        raise Invalid(_("Upload a PNG, JPEG or WebP image."), field="avatar")
    pixels, most = uploads.pixel_count(data), current_app.config["IMAGE_MAX_PIXELS"]
    if pixels is not None and pixels > most:
        raise Invalid(_("That image is too large in pixels: use one of at most %(mp)s megapixels.",
                        mp=round(most / 1_000_000, 1)), field="avatar")
    name = AVATARS.save(data, kind.extension)
    old = profile.avatar_filename
    profile.avatar_filename = name
    db.session.flush()
    if old:
        AVATARS.discard(old)
    return name
