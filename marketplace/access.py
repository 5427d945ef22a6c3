"""Who may open a route.

Every view declares its audience with :func:`audience`. The decorator enforces it and
records it on the view, so ``tests/test_access.py`` can walk ``app.url_map`` and check every
route (present and future) against anonymous users and each role.

Audiences: ``PUBLIC`` (anyone), ``SIGNED_IN`` (any account), or one or more roles.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user

from marketplace.extensions import login_manager

PUBLIC = "public"
SIGNED_IN = "signed_in"


class _Platform:
    """The platform itself as a viewer (the data feed, CLI commands, scheduled jobs): loaders
    show it every object, as they show staff. Pages pass ``current_user`` instead."""

    is_authenticated = True
    is_staff = True
    id = None

    def __repr__(self) -> str:
        return "PLATFORM"


PLATFORM = _Platform()


def audience(*who: str) -> Callable:
    """Declare and enforce who may use a view: ``@audience(PUBLIC)``, ``@audience("brand")``."""
    if not who:
        raise ValueError("name at least one audience")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in who:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if SIGNED_IN not in who and current_user.role not in who:
                    abort(403)
            return view(*args, **kwargs)

        guarded.audience = frozenset(who)
        return guarded

    return decorate
