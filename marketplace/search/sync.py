"""Keeping the search index in step with the notes, after the commit.

During a flush, every object whose change can alter :func:`is_indexable` (a note, its tags,
its filing, a creator's ban) leaves its note id, or creator id, in ``session.info``. Once
the transaction commits, those notes are re-read on a separate connection and written to or
removed from the index. A rolled-back change never reaches the index, and the index is only
written once the data it reflects is durable.
"""
from __future__ import annotations

from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload

from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.filings.models import Filing
from marketplace.notes.models import Note, NoteImage, NoteTag
from marketplace.notes.service import is_indexable
from marketplace.search.analyzer import analyze
from marketplace.search.backends import Backend, IndexDocument, backend_for
from marketplace.search.documents import ensure_schema, search_documents

_PENDING = "pappus.search.pending"


def current_backend(conn=None) -> Backend:
    dialect = (conn.dialect if conn is not None else db.engine.dialect).name
    return backend_for(dialect, current_app.config.get("SEARCH_BACKEND", "auto"))


@event.listens_for(Session, "after_flush")
def _collect(session, _flush_context):
    notes, creators = session.info.setdefault(_PENDING, (set(), set()))
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Note):
            notes.add(obj.id)
        elif isinstance(obj, (NoteTag, NoteImage, Filing)):
            notes.add(obj.note_id)
        elif isinstance(obj, CreatorProfile) and inspect(obj).attrs.banned_at.history.has_changes():
            creators.add(obj.id)


@event.listens_for(Session, "after_commit")
def _apply(session):
    pending = session.info.pop(_PENDING, None)
    if pending and (pending[0] or pending[1]) and has_app_context():
        try:
            reindex(pending[0], pending[1])
        except Exception:  # the change is committed; a failed re-index must not turn it into a 500
            current_app.logger.exception(
                "search index not updated for notes %s / creators %s; run `flask search rebuild`",
                sorted(pending[0], key=str), sorted(pending[1]))


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING, None)


def document_for(note: Note) -> IndexDocument:
    return IndexDocument(note_id=note.id, sponsored=note.filing is not None,
                         title=analyze(note.title),
                         body=analyze(note.body + "\n" + " ".join(note.tag_names)))


def reindex(note_ids=(), creator_ids=()) -> None:
    """Write each given note to the index if it is indexable, else remove it."""
    with db.engine.begin() as conn:
        _reindex_on(conn, set(note_ids), set(creator_ids))


def _reindex_on(conn, note_ids: set[int], creator_ids: set[int]) -> None:
    backend = current_backend(conn)
    with Session(bind=conn, autoflush=False) as reader:
        if creator_ids:
            note_ids |= set(reader.scalars(select(Note.id).where(Note.creator_id.in_(creator_ids))))
        note_ids.discard(None)
        for chunk in _chunks(sorted(note_ids), 500):
            notes = reader.scalars(select(Note).where(Note.id.in_(chunk))
                                   .options(selectinload(Note.tags))).unique().all()
            backend.remove(conn, chunk)
            backend.write(conn, [document_for(n) for n in notes if is_indexable(n)])


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rebuild() -> int:
    """Empty the index and fill it from every note; returns how many notes it holds."""
    with db.engine.begin() as conn:
        ensure_schema(conn)
        conn.execute(search_documents.delete())
        ids = set(conn.scalars(select(Note.id)))
        _reindex_on(conn, ids, set())
        return conn.scalar(select(db.func.count()).select_from(search_documents))
