"""Password hashing, the length rules, and checks that cost the same whether or not the
account exists."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.errors import Invalid


def hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=hash_method())


def too_long(password: str | None) -> bool:
    return len(password or "") > current_app.config["PASSWORD_MAX_LENGTH"]


def check_rules(password: str, field: str = "password") -> None:
    """Refuse (Invalid, on ``field``) a password too short to resist guessing or too long
    to hash cheaply: hashing cost grows with length, so a megabyte password is a DoS."""
    config = current_app.config
    if len(password or "") < config["PASSWORD_MIN_LENGTH"]:
        raise Invalid(_("Use at least %(n)d characters for your password.",
                        n=config["PASSWORD_MIN_LENGTH"]), field=field)
    if too_long(password):
        raise Invalid(_("Use at most %(n)d characters for your password.",
                        n=config["PASSWORD_MAX_LENGTH"]), field=field)


@lru_cache(maxsize=8)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("pappus-timing-equaliser", method=method)


def matches(stored_hash: str | None, password: str | None) -> bool:
    """Whether ``password`` matches ``stored_hash``. With no account (``None``), a dummy hash
    made with the same method and parameters as real ones is checked instead, so an unknown
    email costs the same work as a wrong password and timing tells the two apart no more.
    A password longer than any we accept is refused without hashing, either way."""
    if too_long(password):
        return False
    ok = check_password_hash(stored_hash or _dummy_hash(hash_method()), password or "")
    return ok and stored_hash is not None
