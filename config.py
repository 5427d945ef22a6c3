"""Configuration classes for Pappus.

Every knob that DESIGN.md marks *(config)* lives in ``Config`` with its default and can be
overridden by an environment variable of the same name prefixed with ``PAPPUS_``
(``PAPPUS_MIN_FOLLOWERS=5000``). Secrets and the database URL come from the environment
under their conventional names (``SECRET_KEY``, ``DATABASE_URL``).

The README's configuration table is generated from ``Config.KNOBS`` (``flask config-table``),
so the code and the documentation cannot drift apart.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(f"PAPPUS_{name}")
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:  # a typo in deployment must stop the app, not pick a default
        raise RuntimeError(f"PAPPUS_{name} must be a whole number, got {raw!r}") from exc


def _env_str(name: str, default: str) -> str:
    return os.environ.get(f"PAPPUS_{name}", default)


# name -> (default, one-line meaning). Integers only: money is in cents, shares in percent
# or basis points, durations in hours/days/seconds as the name says.
KNOBS: dict[str, tuple[int | str, str]] = {
    # Eligibility
    "MIN_FOLLOWERS": (1000, "Followers a creator needs (from the data feed or staff) to take orders"),
    "REGULAR_NOTES_PER_COMMERCIAL": (0, "Regular notes required since the last commercial one (0 = rule off)"),
    # Order deadlines
    "INVITATION_EXPIRY_HOURS": (72, "An invitation a creator does not answer expires after this"),
    "DRAFT_REVIEW_HOURS": (72, "A draft the brand does not review in time counts as approved"),
    "MAX_REVISIONS": (3, "Revision requests per order; the next draft is approved"),
    "METRICS_WINDOW_DAYS": (7, "Default days after publishing before metrics are reported (per brief)"),
    "PROTECTION_MIN_DAYS": (30, "Shortest protection period a brief may set"),
    "PROTECTION_MAX_DAYS": (365, "Longest protection period a brief may set"),
    # Money
    "SERVICE_FEE_BPS": (1000, "Brand service fee on the creator's fee, in basis points (1000 = 10%)"),
    "CREATOR_COMMISSION_BPS": (0, "Platform commission taken from the creator's fee, in basis points"),
    "CANCEL_REFUND_BEFORE_DRAFT_PERCENT": (100, "Share of the fee back to the brand when cancelled before a draft"),
    "CANCEL_REFUND_IN_REVIEW_PERCENT": (90, "Share back to the brand when cancelled in review (rest is the kill fee)"),
    "PAYOUT_HOLD_HOURS": (0, "Hold between metrics reported and the payout falling due"),
    "DEFAULT_CURRENCY": ("CNY", "Currency of new briefs and balances (ISO 4217)"),
    # Audit of undisclosed ads
    "AUDIT_QUEUE_THRESHOLD": (50, "Detector score (0-100) at which a note enters the staff queue"),
    "AUDIT_FILE_WITHIN_DAYS": (7, "Days a creator has to file a flagged note and avoid a strike"),
    "PROMO_SHARE_PERCENT": (20, "Monthly share of promotional notes above which a creator is a signal"),
    "STRIKE_1_SUSPENSION_DAYS": (7, "Marketplace suspension after a first strike"),
    "STRIKE_2_SUSPENSION_DAYS": (14, "Marketplace suspension after a second strike"),
    "STRIKES_TO_BAN": (3, "Strikes at which a creator is banned"),
    "BRAND_VIOLATION_POINTS": (2, "Points a brand collects per confirmed case tied to it"),
    "BRAND_VIOLATION_LIMIT": (10, "Points at which a brand may not open new briefs"),
    "BRAND_VIOLATION_BLOCK_DAYS": (28, "Days a brand at the limit may not open briefs"),
    # Creators, briefs and matching
    "AVATAR_MAX_KB": (2048, "Largest avatar upload accepted, in kilobytes (PNG, JPEG or WebP)"),
    "MATCHES_PER_PAGE": (20, "Ranked results shown per page (brands' creator lists, creators' brief lists)"),
    # Notes, filing and search
    "NOTE_MAX_IMAGES": (9, "Images a note may carry"),
    "NOTE_IMAGE_MAX_BYTES": (5242880, "Largest note image accepted, in bytes (JPEG, PNG, GIF or WebP)"),
    "NOTE_MAX_TAGS": (10, "Tags a note may carry"),
    "NOTE_BODY_MAX_CHARS": (5000, "Longest note body, in characters"),
    "UPLOAD_FOLDER": ("", "Directory for uploaded images (empty = instance/uploads)"),
    "UPLOAD_ORPHAN_MINUTES": (60, "Age after which an upload file no row refers to is removed by the sweep"),
    "SEARCH_BACKEND": ("auto", "Search backend: auto (follow the database), sqlite (FTS5) or postgresql"),
    "SEARCH_RANK_WINDOW": (1000, "Newest matches ranked per search; bounds the cost of very common words"),
    "SEARCH_PAGE_SIZE": (20, "Search results per page"),
    # Accounts
    "LOGIN_MAX_FAILURES": (5, "Failed log-ins per account or address before a pause"),
    "LOGIN_WINDOW_SECONDS": (60, "Window in which failed log-ins are counted"),
    "PASSWORD_MIN_LENGTH": (10, "Shortest password accepted at sign-up"),
    "TRUSTED_PROXIES": (0, "Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust"),
    # After-commit work (the outbox)
    "OUTBOX_MAX_ATTEMPTS": (8, "Tries of an after-commit work item before it is marked failed"),
    "OUTBOX_RETRY_SECONDS": (60, "Wait before the first retry of a failed work item; doubles each time"),
}


class Config:
    """Defaults shared by every environment."""

    KNOBS = KNOBS
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pappus.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms do not expire
    LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "marketplace" / "translations")
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    PORT = int(os.environ.get("PORT", "5000"))
    # Taxonomies for profiles, briefs and matching. Append only: a category's position is its
    # bit in the stored masks (creator_profiles.categories_mask, briefs.categories_mask).
    CATEGORIES = ("beauty", "fashion", "food", "travel", "parenting", "home", "tech", "fitness",
                  "pets", "education", "outdoors", "finance")
    REGIONS = ("shanghai", "beijing", "guangdong", "zhejiang", "jiangsu", "sichuan", "hubei",
               "fujian", "hong_kong", "taiwan", "singapore", "overseas")
    CONTENT_LANGUAGES = ("zh", "en", "ja", "ko")


for _name, (_default, _meaning) in KNOBS.items():
    setattr(
        Config,
        _name,
        _env_int(_name, _default) if isinstance(_default, int) else _env_str(_name, _default),
    )


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger would run arbitrary code for anyone who can reach the port


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True  # tests that want it off say so
    PASSWORD_HASH_METHOD = "scrypt:16384:8:1"  # cheaper work factor keeps the suite fast


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets a real deployment must provide."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("PAPPUS_CONFIG", "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PAPPUS_CONFIG must be one of {sorted(CONFIGS)}, got {name!r}") from None
