"""Recording and reading staff actions. Every service that lets staff change something
calls :func:`record` in the same transaction as the change."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace import clock
from marketplace.auth.models import User
from marketplace.errors import Invalid, NotAllowed
from marketplace.extensions import db
from marketplace.staff.models import StaffAction


def record(actor: User, action: str, subject_type: str, subject_id: int, reason: str,
           **details) -> StaffAction:
    """Write who did what to which object, and why. Refuses non-staff and empty reasons."""
    if not actor.is_staff:
        raise NotAllowed(_("Only staff can do this."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Write the reason for this change; it is kept in the audit log."), field="reason")
    entry = StaffAction(actor_id=actor.id, action=action, subject_type=subject_type,
                        subject_id=subject_id, reason=reason, details=details, at=clock.now())
    db.session.add(entry)
    db.session.flush()
    return entry


def actions_for(subject_type: str, subject_id: int) -> list[StaffAction]:
    """The object's staff history, newest first (shown to staff on the object's page)."""
    return list(db.session.scalars(
        select(StaffAction)
        .where(StaffAction.subject_type == subject_type, StaffAction.subject_id == subject_id)
        .order_by(StaffAction.at.desc(), StaffAction.id.desc())
    ))
