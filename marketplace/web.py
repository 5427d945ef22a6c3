"""Small helpers every area's views share."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from marketplace.errors import DomainError


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Put a service's refusal where the user will read it: on its field, else as a flash."""
    field = getattr(form, error.field, None) if (form is not None and error.field) else None
    if field is not None:
        field.errors = [*field.errors, error.reason]
    else:
        flash(error.reason, "error")


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths, so ``?next=`` cannot send a user to another site."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
