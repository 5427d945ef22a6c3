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
    "ACT_AFTER_REVIEW_HOURS": (72, "After a revision request or an approval the creator has at least this long to act, even past the brief's date"),
    "METRICS_WINDOW_DAYS": (7, "Default days after publishing before metrics are reported (per brief)"),
    "PROTECTION_MIN_DAYS": (30, "Shortest protection period a brief may set"),
    "PROTECTION_MAX_DAYS": (365, "Longest protection period a brief may set"),
    # Money
    "SERVICE_FEE_BPS": (1000, "Brand service fee on the creator's fee, in basis points (1000 = 10%)"),
    "CREATOR_COMMISSION_BPS": (0, "Platform commission taken from the creator's fee, in basis points"),
    "CANCEL_REFUND_BEFORE_DRAFT_PERCENT": (100, "Share of the fee back to the brand when cancelled before a draft"),
    "CANCEL_REFUND_IN_REVIEW_PERCENT": (90, "Share back to the brand when cancelled in review (rest is the kill fee)"),
    "PAYOUT_HOLD_HOURS": (0, "Hold between metrics reported and the payout falling due"),
    "PAYOUT_MAX_ATTEMPTS": (5, "Tries of a payout's transfer before it is failed and shown to staff"),
    "PAYOUT_RETRY_SECONDS": (60, "Wait before a payout's first retry after the gateway failed; doubles each time"),
    "PAYOUT_LEASE_SECONDS": (300, "How long a runner owns a claimed payout; a crashed runner's payout is taken up after it"),
    "PAYOUT_BATCH": (50, "Payouts a runner claims at once"),
    "STRIPE_MAX_REQUESTS_PER_S": (25, "Requests per second to Stripe that all payout runners and reconciliation on one database keep under (Stripe: 25 test, 100 live; 0 = no limit)"),
    "DEFAULT_CURRENCY": ("CNY", "Currency of new briefs and balances (ISO 4217)"),
    # Payment gateway (Stripe). Development and tests point these at the local server;
    # the keys themselves are secrets: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET.
    "STRIPE_API_BASE": ("https://api.stripe.com", "Stripe API address (development: the local server, http://127.0.0.1:8420)"),
    "STRIPE_PUBLISHABLE_KEY": ("", "Stripe publishable key (pk_...) for Stripe.js in the browser"),
    "STRIPE_JS_URL": ("https://js.stripe.com/v3/", "Where pages load Stripe.js from (development: the local server's stand-in)"),
    "STRIPE_MAX_NETWORK_RETRIES": (3, "Retries of a Stripe call after a network error, 5xx or 429, under the same idempotency key"),
    "STRIPE_TIMEOUT_SECONDS": (30, "Seconds to wait for Stripe's answer before retrying"),
    "LEDGER_PAGE_SIZE": (25, "Movements, transactions and accounts per page on balance and ledger pages"),
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
    "STRIKE_EXPIRY_DAYS": (365, "Days after which a creator's strike stops counting"),
    "BRAND_VIOLATION_EXPIRY_DAYS": (365, "Days after which a brand's violation points stop counting"),
    "AUDIT_RETRAIN_LEASE_SECONDS": (3600, "A scheduled retrain that has not finished after this is taken over by another scheduler"),
    "AUDIT_RESCAN_DAYS": (30, "When the brand list changes, notes published or edited this recently are scanned again"),
    # Creators, briefs and matching
    "AVATAR_MAX_KB": (2048, "Largest avatar upload accepted, in kilobytes (PNG, JPEG or WebP)"),
    "MATCHES_PER_PAGE": (20, "Ranked results shown per page (brands' creator lists, creators' brief lists)"),
    # Notes, filing and search
    "NOTE_MAX_IMAGES": (9, "Images a note may carry"),
    "NOTE_IMAGE_MAX_BYTES": (5242880, "Largest note image accepted, in bytes (JPEG, PNG, GIF or WebP)"),
    "IMAGE_MAX_PIXELS": (40000000, "Most pixels (width × height) an uploaded image may declare (note images, avatars)"),
    "NOTE_MAX_TAGS": (10, "Tags a note may carry"),
    "NOTE_BODY_MAX_CHARS": (5000, "Longest note body, in characters"),
    "UPLOAD_FOLDER": ("", "Directory for uploaded images (empty = instance/uploads)"),
    "UPLOAD_ORPHAN_MINUTES": (60, "Age after which an upload file no row refers to is removed by the sweep"),
    "SEARCH_BACKEND": ("auto", "Search backend: auto (follow the database), sqlite (FTS5) or postgresql"),
    "SEARCH_RANK_WINDOW": (1000, "Newest matches ranked per search; bounds the cost of very common words"),
    "SEARCH_PAGE_SIZE": (20, "Search results per page"),
    # Accounts
    "LOGIN_MAX_FAILURES": (5, "Failed log-ins (or current-password checks) per account before a pause"),
    # OWASP: limit per address far above per account, so one person's typos never lock out
    # everyone behind an office or mobile carrier's shared address.
    "LOGIN_MAX_FAILURES_PER_ADDRESS": (50, "Failed log-ins from one network address before it is paused"),
    "LOGIN_WINDOW_SECONDS": (60, "Window in which failed log-ins are counted"),
    "PASSWORD_MIN_LENGTH": (10, "Shortest password accepted"),
    # Hashing cost grows with length; 128 characters fits any passphrase or password manager.
    "PASSWORD_MAX_LENGTH": (128, "Longest password accepted, in characters"),
    "SESSION_MAX_DAYS": (30, "Days a log-in lasts at most, with or without keep-me-logged-in"),
    "PASSWORD_RESET_MINUTES": (60, "Minutes a password-reset link works (once)"),
    "EMAIL_VERIFY_DAYS": (7, "Days an email-confirmation link works"),
    "ACCOUNT_MAILS_PER_HOUR": (3, "Reset or confirmation mails one address may be sent per hour"),
    "TRUSTED_PROXIES": (0, "Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust"),
    "BASE_URL": ("", "Public address for links in mail, e.g. https://pappus.example.com (required in production)"),
    # Mail (SMTP). Empty host: mail is written to the log instead (development).
    "MAIL_HOST": ("", "SMTP server; empty = write mail to the log instead of sending it"),
    "MAIL_PORT": (587, "SMTP port (587 for STARTTLS, 465 for SSL)"),
    "MAIL_SECURITY": ("starttls", "starttls, ssl or none (none only for a server on this machine)"),
    "MAIL_USERNAME": ("", "SMTP user name (empty = no log-in)"),
    "MAIL_PASSWORD": ("", "SMTP password"),
    "MAIL_FROM": ("Pappus <no-reply@pappus.example.com>", "Sender of every mail"),
    "MAIL_TIMEOUT_SECONDS": (10, "Seconds to wait for the SMTP server"),
    # After-commit work (the outbox)
    "OUTBOX_MAX_ATTEMPTS": (8, "Tries of an after-commit work item before it is marked failed"),
    "OUTBOX_RETRY_SECONDS": (60, "Wait before the first retry of a failed work item; doubles each time"),
    # The scheduler process (`flask scheduler run`): how often each job runs, in seconds
    "SCHEDULER_DEADLINES_SECONDS": (60, "How often the scheduler applies passed order deadlines"),
    "SCHEDULER_OUTBOX_SECONDS": (60, "How often the scheduler does after-commit work a crash or a failure left behind"),
    "SCHEDULER_METRICS_SECONDS": (120, "How often the scheduler closes metrics windows that a report covers"),
    "SCHEDULER_SETTLE_SECONDS": (60, "How often the scheduler settles orders whose metrics are reported into payouts"),
    "SCHEDULER_PAYOUTS_SECONDS": (60, "How often the scheduler pays due payouts"),
    "SCHEDULER_RECONCILE_SECONDS": (86400, "How often the scheduler reconciles paid payouts with the gateway (nightly)"),
    "SCHEDULER_AUDIT_SWEEP_SECONDS": (900, "How often the scheduler expires strikes and points and closes overdue filing requests"),
    "SCHEDULER_AUDIT_RESCAN_SECONDS": (3600, "How often the scheduler rescans recent notes after the brand list changed"),
    "SCHEDULER_AUDIT_RETRAIN_SECONDS": (86400, "How often the scheduler retrains the undisclosed-ad ranking when its labels changed (daily)"),
    # Notifications
    "NOTIFICATIONS_PER_PAGE": (20, "Notifications per page on /notifications"),
}

# The key `flask run` uses when SECRET_KEY is not set; production refuses it.
DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Defaults shared by every environment."""

    KNOBS = KNOBS
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    # Secrets under their conventional names; production refuses to start without them.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'pappus.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long forms do not expire
    LANGUAGES = {"en": "English", "zh_Hans": "简体中文"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "marketplace" / "translations")
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
# A remembered log-in lasts as long as its server-side session record (auth.sessions).
Config.REMEMBER_COOKIE_DURATION = timedelta(days=Config.SESSION_MAX_DAYS)


# Development and tests use the local Stripe-compatible server (devtools/stripe_server.py;
# `make run` starts it on this port) with made-up test keys it accepts.
STRIPE_DEV_PORT = 8420
LOCAL_STRIPE = {
    "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE_DEV_PORT}",
    "STRIPE_JS_URL": f"http://127.0.0.1:{STRIPE_DEV_PORT}/js.stripe.com/v3/",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_pappus_local",
    "STRIPE_SECRET_KEY": "sk_test_pappus_local",
    "STRIPE_WEBHOOK_SECRET": "whsec_pappus_local",
}


class DevelopmentConfig(Config):
    DEBUG = False  # the debugger would run arbitrary code for anyone who can reach the port
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", LOCAL_STRIPE["STRIPE_SECRET_KEY"])
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET",
                                           LOCAL_STRIPE["STRIPE_WEBHOOK_SECRET"])


for _name in ("STRIPE_API_BASE", "STRIPE_JS_URL", "STRIPE_PUBLISHABLE_KEY"):
    setattr(DevelopmentConfig, _name, _env_str(_name, LOCAL_STRIPE[_name]))


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True  # tests that want it off say so
    PASSWORD_HASH_METHOD = "scrypt:16384:8:1"  # cheaper work factor keeps the suite fast
    # Never the environment's Stripe: a test that wants one uses the `local_stripe` fixture
    # (tests/stripe_server.py), which starts a server and points these at it. Port 9 (discard)
    # refuses connections, so a test that forgets gets "unavailable", not someone's server.
    STRIPE_API_BASE = "http://127.0.0.1:9"
    STRIPE_JS_URL = "http://127.0.0.1:9/js.stripe.com/v3/"
    STRIPE_PUBLISHABLE_KEY = LOCAL_STRIPE["STRIPE_PUBLISHABLE_KEY"]
    STRIPE_SECRET_KEY = LOCAL_STRIPE["STRIPE_SECRET_KEY"]
    STRIPE_WEBHOOK_SECRET = LOCAL_STRIPE["STRIPE_WEBHOOK_SECRET"]
    MAIL_HOST = ""  # never mail the outside world from tests; the smtp_sink fixture catches mail
    BASE_URL = ""  # links follow the test server's address unless a test sets one


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets a real deployment must provide."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "PAPPUS_BASE_URL", "STRIPE_SECRET_KEY",
                                     "STRIPE_WEBHOOK_SECRET", "PAPPUS_STRIPE_PUBLISHABLE_KEY")
                   if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                "Production configuration needs these environment variables: " + ", ".join(missing)
            )
        # Anyone who knows the key can forge sessions and reset links: the published
        # development key, or one short enough to guess, is as good as none.
        secret = os.environ["SECRET_KEY"]
        if secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32:
            raise RuntimeError(
                "SECRET_KEY must be a long random value, not the development key; make one with "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
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
