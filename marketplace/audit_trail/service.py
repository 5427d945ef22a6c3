"""Writing and reading the audit trail.

``record`` writes one entry for any actor; ``record_staff_action`` is the staff variant, which
refuses anyone but staff and insists on a written reason. Both flush, never commit: the entry
belongs to the transaction of the change it describes.
"""
from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.audit_trail.models import TrailEntry
from marketplace.errors import Invalid, NotAllowed
from marketplace.extensions import db


@dataclass(frozen=True)
class Actor:
    """Who acts: ``kind`` ("user", "api_token", "cli", "scheduler", "detector"), the row id
    when there is one, and a label to show."""

    kind: str
    id: int | None
    label: str
    is_staff: bool = False


SCHEDULER = Actor("scheduler", None, "scheduler")
DETECTOR = Actor("detector", None, "undisclosed-ad detector")


def command_line() -> Actor:
    """Whoever runs a ``flask`` command, named by their operating-system account."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        who = "unknown"
    return Actor("cli", None, f"command line ({who})")


def actor_of(who: Any) -> Actor:
    """An :class:`Actor` for ``who``: an Actor already, or an object that describes itself
    with a ``trail_actor`` property (users, API tokens)."""
    if isinstance(who, Actor):
        return who
    described = getattr(who, "trail_actor", None)
    if not isinstance(described, Actor):
        raise TypeError(f"{who!r} cannot act in the audit trail")
    return described


# Parameter names whose values are never stored, and values that are secrets whatever their
# name: Pappus API tokens and payment-gateway keys.
_SECRET_NAME = re.compile(r"(^|_)(password|passwd|secret|token|api_?key|authorization|cvc|cvv|"
                          r"card_?number|iban)$", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"\b(pappus_\d+_|(sk|rk)_(live|test)_|whsec_)[A-Za-z0-9_\-]+")
MASK = "********"


def _mask_text(text: str) -> str:
    return _SECRET_VALUE.sub(lambda m: m.group(1) + MASK, text)


def mask(value: Any, name: str = "") -> Any:
    """``value`` with secrets replaced by a mask, recursively through dicts and lists."""
    if name and _SECRET_NAME.search(name):
        return MASK
    if isinstance(value, dict):
        return {str(key): mask(item, str(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(item) for item in value]
    if isinstance(value, str):
        return _mask_text(value)
    return value


def record(who: Any, action: str, subject_type: str, subject_id: int, *, reason: str = "",
           **params: Any) -> TrailEntry:
    """Write who did ``action`` to which object, with its parameters (secrets masked)."""
    actor = actor_of(who)
    entry = TrailEntry(at=clock.now(), actor_type=actor.kind, actor_id=actor.id,
                       actor_label=actor.label[:120], action=action, subject_type=subject_type,
                       subject_id=subject_id, reason=_mask_text((reason or "").strip()),
                       params=mask(params))
    db.session.add(entry)
    db.session.flush()
    return entry


def record_staff_action(who: Any, action: str, subject_type: str, subject_id: int, reason: str,
                        **params: Any) -> TrailEntry:
    """A staff change: refused for anyone but staff, and without a written reason."""
    actor = actor_of(who)
    if not actor.is_staff:
        raise NotAllowed(_("Only staff can do this."))
    if not (reason or "").strip():
        raise Invalid(_("Write the reason for this change; it is kept in the audit log."), field="reason")
    return record(actor, action, subject_type, subject_id, reason=reason, **params)


def entries_for(subject_type: str, subject_id: int, limit: int | None = None) -> list[TrailEntry]:
    """One object's history, newest first."""
    query = (select(TrailEntry)
             .where(TrailEntry.subject_type == subject_type, TrailEntry.subject_id == subject_id)
             .order_by(TrailEntry.at.desc(), TrailEntry.id.desc()))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def entries_about(subject_type: str, limit: int = 50) -> list[TrailEntry]:
    """The newest entries about any object of one type (e.g. every API token)."""
    return list(db.session.scalars(
        select(TrailEntry).where(TrailEntry.subject_type == subject_type)
        .order_by(TrailEntry.at.desc(), TrailEntry.id.desc()).limit(limit)))
