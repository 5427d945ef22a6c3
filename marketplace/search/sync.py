"""Keeping the search index in step with the notes, after the commit, durably.

During a flush, every object whose change can alter :func:`is_indexable` (a note, its tags,
its images, its filing, a creator's ban) leaves its note id, or creator id, in
``session.info``. Just before the transaction commits, those ids become one outbox item
(``search.reindex``) written in that same transaction. Once it commits, the outbox re-reads
those notes on a connection of its own and writes them to, or removes them from, the index.
A rolled-back change never reaches the index; a crash between the commit and the re-index
delays it until ``flask outbox sweep``, and loses nothing.
"""
from __future__ import annotations

from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, selectinload

from marketplace import outbox
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.filings.models import Filing
from marketplace.notes.models import Note, NoteImage, NoteTag
from marketplace.notes.service import is_indexable
from marketplace.search.analyzer import analyze
from marketplace.search.backends import Backend, IndexDocument, backend_for
from marketplace.search.documents import ensure_schema, search_documents

_PENDING = "pappus.search.pending"
REINDEX = "search.reindex"


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


@event.listens_for(Session, "before_commit")
def _queue(session):
    session.flush()  # changes not flushed yet add their ids now (a no-op when there are none)
    if _PENDING not in session.info:
        return
    notes, creators = session.info.pop(_PENDING)
    notes.discard(None)
    if notes or creators:
        outbox.add(REINDEX, {"notes": sorted(notes), "creators": sorted(creators)}, session=session)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_PENDING, None)


@outbox.handler(REINDEX)
def _reindex_item(payload: dict) -> None:
    reindex(payload.get("notes", ()), payload.get("creators", ()))


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
