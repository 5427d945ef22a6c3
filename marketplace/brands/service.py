"""Brand rules: the company profile and staff verification."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.audit_trail import record_staff_action
from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.errors import Changed, Conflict, Invalid, NotAllowed, NotFound, Problems
from marketplace.extensions import db
from marketplace.transaction import refuse_duplicates


def profile_for(user: User) -> BrandProfile | None:
    return db.session.scalar(select(BrandProfile).where(BrandProfile.user_id == user.id))


# One brand's first save sent twice (two tabs): the second sees the profile the first made.
refuse_duplicates("uq_brand_profiles_user_id", Changed)


def load_brand(brand_id: int) -> BrandProfile:
    brand = db.session.get(BrandProfile, brand_id)
    if brand is None:
        raise NotFound(_("There is no brand %(id)s.", id=brand_id))
    return brand


def profile_problems(*, company_name: str, website: str, industry: str) -> Problems:
    """Every rule the company profile's values break, by field (the form shows them all)."""
    found = Problems()
    company_name = (company_name or "").strip()
    website = (website or "").strip()
    if not company_name:
        found.add("company_name", _("Enter your company's registered name."))
    elif len(company_name) > 120:
        found.add("company_name", _("Keep the company name under 120 characters."))
    if website:
        parts = urlsplit(website)
        if parts.scheme not in ("http", "https") or not parts.netloc or "." not in parts.netloc:
            found.add("website", _("Enter the full address, like https://example.com."))
    if len((industry or "").strip()) > 64:
        found.add("industry", _("Keep the industry under 64 characters."))
    return found


def save_profile(user: User, *, company_name: str, website: str, industry: str,
                 version: int | None = None) -> BrandProfile:
    """Create or update the brand's company profile.

    Changing the company name of a verified brand would let it trade on a verification done
    for another name, so that change sends the brand back to staff.
    """
    if not user.is_brand:
        raise NotAllowed(_("Only brands have a company profile."))
    profile_problems(company_name=company_name, website=website, industry=industry).raise_first()
    company_name = (company_name or "").strip()
    website = (website or "").strip()
    industry = (industry or "").strip()
    profile = profile_for(user)
    if profile is None:
        profile = BrandProfile(user_id=user.id, company_name=company_name)
        db.session.add(profile)
    else:
        profile.saving(version)
    if profile.company_name != company_name and profile.is_verified:
        profile.verified_at = None
        profile.verified_by_id = None
    profile.company_name = company_name
    profile.website = website
    profile.industry = industry
    db.session.flush()
    return profile


def verify_brand(actor: User, brand: BrandProfile, reason: str) -> None:
    """Staff confirm the company is who it says it is; recorded with the reason."""
    if brand.is_verified:
        raise Conflict(_("This brand is already verified."))
    record_staff_action(actor, "brand.verify", "brand", brand.id, reason, company_name=brand.company_name)
    brand.verified_at = clock.now()
    brand.verified_by_id = actor.id
    db.session.flush()


def unverify_brand(actor: User, brand: BrandProfile, reason: str) -> None:
    if not brand.is_verified:
        raise Conflict(_("This brand is not verified."))
    record_staff_action(actor, "brand.unverify", "brand", brand.id, reason, company_name=brand.company_name)
    brand.verified_at = None
    brand.verified_by_id = None
    db.session.flush()


def brands_for_staff() -> list[BrandProfile]:
    """Unverified brands first (they are waiting), then by name."""
    return list(db.session.scalars(
        select(BrandProfile).order_by(BrandProfile.verified_at.is_not(None),
                                      BrandProfile.created_at, BrandProfile.company_name)))


ALIAS_MAX = 60
ALIASES_MAX = 20


def parse_aliases(raw: str) -> list[str]:
    """One alias per line or comma (both scripts' commas), trimmed, without repeats."""
    aliases: list[str] = []
    for part in (raw or "").replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
        part = " ".join(part.split())
        if not part or part.casefold() in {a.casefold() for a in aliases}:
            continue
        if len(part) > ALIAS_MAX:
            raise Invalid(_("Keep each alias to %(n)d characters.", n=ALIAS_MAX), field="aliases")
        aliases.append(part)
    if len(aliases) > ALIASES_MAX:
        raise Invalid(_("Give at most %(n)d aliases.", n=ALIASES_MAX), field="aliases")
    return aliases


def set_aliases(actor: User, brand: BrandProfile, raw: str, reason: str) -> list[str]:
    """Staff set the other names a brand goes by; the undisclosed-ad detector looks for them
    too (and the rescan job scans recent notes again)."""
    aliases = parse_aliases(raw)
    record_staff_action(actor, "brand.aliases", "brand", brand.id, reason, aliases=aliases)
    brand.aliases = aliases
    db.session.flush()
    return aliases
