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


def make_creator(*, handle: str | None = None, **profile_fields):
    """A creator user with a profile. Profile fields are set as given."""
    from marketplace.creators.models import CreatorProfile

    user = make_user("creator")
    profile = CreatorProfile(user_id=user.id, handle=handle or f"creator{user.id}", **profile_fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def make_brand(*, company_name: str | None = None, verified: bool = True, **profile_fields):
    """A brand user with a company profile, verified unless told otherwise."""
    from marketplace import clock
    from marketplace.brands.models import BrandProfile

    user = make_user("brand")
    profile = BrandProfile(user_id=user.id, company_name=company_name or f"Brand {user.id}",
                           verified_at=clock.now() if verified else None, **profile_fields)
    db.session.add(profile)
    db.session.commit()
    return profile
