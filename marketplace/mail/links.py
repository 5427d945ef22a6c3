"""Absolute links for mail, from the configured public address.

Never from the request's Host header: an attacker could ask for a reset of someone else's
account with ``Host: evil.example`` and have the link in the victim's inbox point there
(password-reset poisoning). Production requires ``PAPPUS_BASE_URL``; development without it
falls back to the address the page was opened on.
"""
from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    if base:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
        return base + path
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError("set PAPPUS_BASE_URL so mail sent outside a request can link to Pappus")
