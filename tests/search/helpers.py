"""Small helpers the notes, filings and search tests share."""
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.search.documents import search_documents


def indexed_ids() -> set[int]:
    """Note ids the search index holds right now."""
    return set(db.session.scalars(select(search_documents.c.note_id)))


def found(query: str, **kwargs) -> list[int]:
    from marketplace.search import service

    return [hit.note.id for hit in service.search(query, **kwargs).hits]
