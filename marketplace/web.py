"""Small helpers every area's views share."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import flash
from flask_wtf import FlaskForm

from marketplace.errors import DomainError
from marketplace.extensions import db


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


@dataclass(frozen=True)
class Outcome:
    """What :func:`perform` did: ``ok`` (also the truth value) and the service's result."""

    ok: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.ok


def perform(action: Callable[[], Any], form: FlaskForm | None = None) -> Outcome:
    """One user action, one transaction: call the service and commit; or, when a rule
    refuses, roll back everything it flushed and show the reason (on the form's field when
    the refusal names one, else as a flash message)."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return Outcome(False)
    db.session.commit()
    return Outcome(True, value)
