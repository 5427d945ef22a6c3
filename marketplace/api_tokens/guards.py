"""Guards for API views: a bearer token, or a token or a signed-in user of some roles.

They record the audience on the view (``guarded.audience``) like ``access.audience`` does,
so the access test walks API routes too.
"""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.api_tokens import service

DATA_FEED = "data_feed"


def _unauthorized():
    response = jsonify(error=_("Send a valid API token: Authorization: Bearer <token>."))
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="pappus"'
    return response


def require_token(view: Callable) -> Callable:
    """Machine-only views: a valid, unrevoked bearer token or 401. Records the token's use."""

    @wraps(view)
    def guarded(*args, **kwargs):
        token = service.authenticate(request.headers.get("Authorization"))
        if token is None:
            return _unauthorized()
        service.record_use(token)
        g.api_token = token
        return view(*args, **kwargs)

    guarded.audience = frozenset({DATA_FEED})
    return guarded


def token_or_session(*roles: str) -> Callable:
    """API views open to a bearer token or to a signed-in user of one of ``roles``.

    Cookies alone never reach state-changing API views: only GET views use this guard.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            header = request.headers.get("Authorization")
            if header:
                token = service.authenticate(header)
                if token is None:
                    return _unauthorized()
                service.record_use(token)
                g.api_token = token
            elif not current_user.is_authenticated:
                return _unauthorized()
            elif current_user.role not in roles:
                return jsonify(error=_("Your account cannot use this endpoint.")), 403
            else:
                g.api_token = None
            return view(*args, **kwargs)

        guarded.audience = frozenset({DATA_FEED, *roles})
        return guarded

    return decorate
