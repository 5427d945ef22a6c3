"""Factories that build valid objects in one call, committed, for tests."""
from __future__ import annotations

import itertools

from marketplace.auth import service as accounts
from marketplace.auth.models import Role, User
from marketplace.extensions import db

DEFAULT_PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def make_user(role: str = "creator", *, email: str | None = None, password: str = DEFAULT_PASSWORD,
              display_name: str | None = None, **fields) -> User:
    n = next(_sequence)
    user = accounts.create_user(
        email or f"{role}{n}@example.com",
        password,
        display_name or f"{role.title()} {n}",
        Role(role),
    )
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user
