"""The last line of protection: while a filing's protection period runs, no writer (a page,
the API, the CLI, a future job) can flush a change that deletes its note, makes it private,
un-marks it as paid content, or removes the filing.

``notes.service`` refuses these with a reason beside the field; this listener runs on every
flush of every session, so code that sets the columns directly is stopped as well, before
anything reaches the database. Bulk ORM statements skip the unit of work, so a second
listener refuses any bulk ``UPDATE`` that sets those columns of notes, and any bulk ``DELETE``
of notes or filings: such changes go through objects, where the rule can be checked per row.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from marketplace import clock
from marketplace.errors import Conflict
from marketplace.filings.models import Filing
from marketplace.notes.models import Note


class ProtectedNote(Conflict):
    """A change the protection period forbids."""


def _became(note: Note, name: str, value) -> bool:
    """The flush would set ``name`` to ``value`` where it was something else."""
    history = inspect(note).attrs[name].history
    return bool(history.added) and history.added[-1] == value and list(history.deleted) != [value]


def _refusal(note: Note, removed: bool) -> str | None:
    deleted_at = inspect(note).attrs.deleted_at.history
    if removed or (deleted_at.added and deleted_at.added[-1] is not None):
        return _("A filed note cannot be deleted during its protection period.")
    if _became(note, "is_private", True):
        return _("A filed note cannot be made private during its protection period.")
    if _became(note, "is_paid", False):
        return _("A filed note stays marked as paid content.")
    return None


@event.listens_for(Session, "before_flush")
def _guard_protected_notes(session: Session, flush_context, instances) -> None:
    now = clock.now()
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Filing) and obj in session.deleted and obj.protected_until > now:
            raise ProtectedNote(_("A filing cannot be removed during its protection period."))
        if not isinstance(obj, Note):
            continue
        filing = obj.filing
        if filing is None or filing.protected_until <= now:
            continue
        if reason := _refusal(obj, obj in session.deleted):
            raise ProtectedNote(reason)


_GUARDED_COLUMNS = {"is_private", "is_paid", "deleted_at"}


@event.listens_for(Session, "do_orm_execute")
def _guard_bulk_statements(state) -> None:
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ not in (Note, Filing) or not (state.is_update or state.is_delete):
        return
    if state.is_delete:
        raise ProtectedNote(_("Notes and filings are removed one at a time, so that protection "
                              "periods are checked."))
    statement = state.statement
    values = dict(getattr(statement, "_values", None) or {})
    values.update(dict(getattr(statement, "_ordered_values", None) or ()))
    names = {getattr(key, "key", None) or getattr(key, "name", None) or str(key) for key in values}
    if mapper.class_ is Note and names & _GUARDED_COLUMNS:
        raise ProtectedNote(_("Notes are made private, un-marked as paid or deleted one at a time, "
                              "so that protection periods are checked."))
