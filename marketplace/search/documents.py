"""The search document table and the SQLite FTS5 index built on it.

``search_documents`` holds one row per *indexable* note and nothing else: a note is written
here only after :func:`marketplace.notes.service.is_indexable` accepted it, and removed as
soon as it does not. It is a plain table in the metadata (so ``create_all`` and migrations
make it), not a model.

- SQLite: the analysed text lives in the row; an FTS5 table (``search_fts``) indexes it as
  "external content", kept in step by triggers, so deleting a row also unindexes it.
- PostgreSQL: the row carries a ``tsvector`` built from the same analysis, with a GIN index.

The FTS5 table and triggers are not expressible as SQLAlchemy tables. They are ``DDL``
objects run after ``search_documents`` is created (``create_all``), and the same statements
(:data:`SQLITE_DDL`) are what a migration must run with ``op.execute``.
"""
from __future__ import annotations

from sqlalchemy import (DDL, Boolean, Column, ForeignKey, Index, Integer, Table, Text, event)
from sqlalchemy.dialects.postgresql import TSVECTOR

from marketplace.extensions import db

search_documents = Table(
    "search_documents",
    db.metadata,
    Column("note_id", Integer, ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True),
    Column("sponsored", Boolean, nullable=False, default=False),
    # SQLite: space-separated analysed tokens (see search.analyzer); empty on PostgreSQL.
    Column("title_terms", Text, nullable=False, default=""),
    Column("body_terms", Text, nullable=False, default=""),
    Column("chars", Text, nullable=False, default=""),
    # PostgreSQL: the same tokens as a tsvector (title weight A); unused on SQLite.
    Column("vector", Text().with_variant(TSVECTOR(), "postgresql")),
    Index("ix_search_documents_sponsored", "sponsored", "note_id"),
)
# PostgreSQL: every indexed word of three or more characters, so a prefix query ("sunscr",
# the last word of every English query) is rewritten into the words it stands for: an OR of
# exact lexemes is a fast GIN lookup, where a prefix match reads every posting of every
# matching word. Words are added when documents are written and never removed (a word no
# document holds any more matches nothing). "C" collation: a prefix's words are one key range.
search_lexicon = Table(
    "search_lexicon",
    db.metadata,
    Column("term", Text().with_variant(Text(collation="C"), "postgresql"), primary_key=True),
)

# PostgreSQL: the GIN index holds the note id too (btree_gin; negated, so only this index
# serves the search's id ranges), so the newest matches of a query are found without reading
# documents (see search.backends.postgres), and each row carries its title's lexemes
# (title_vector, generated), which the ranking reads instead of the whole vector.
Index("ix_search_documents_vector", search_documents.c.vector, -search_documents.c.note_id,
      postgresql_using="gin").ddl_if(dialect="postgresql")
POSTGRES_EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gin"
POSTGRES_TITLE_VECTOR = ("ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS title_vector tsvector "
                         "GENERATED ALWAYS AS (ts_filter(vector, '{a}')) STORED")
event.listen(search_documents, "before_create", DDL(POSTGRES_EXTENSION).execute_if(dialect="postgresql"))
event.listen(search_documents, "after_create", DDL(POSTGRES_TITLE_VECTOR).execute_if(dialect="postgresql"))

# tokenize='ascii': tokens are pre-analysed and space-separated; ascii splits only on ASCII
# non-alphanumerics and keeps every non-ASCII character, so CJK bigrams pass through intact.
# detail=full (the default) keeps positions, which bigram phrases need.
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title_terms, body_terms, chars, content='search_documents', content_rowid='note_id', "
    "tokenize='ascii')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, body_terms, chars) "
    "VALUES (new.note_id, new.title_terms, new.body_terms, new.chars); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms, chars) "
    "VALUES ('delete', old.note_id, old.title_terms, old.body_terms, old.chars); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms, chars) "
    "VALUES ('delete', old.note_id, old.title_terms, old.body_terms, old.chars); "
    "INSERT INTO search_fts(rowid, title_terms, body_terms, chars) "
    "VALUES (new.note_id, new.title_terms, new.body_terms, new.chars); END",
]
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"

for _statement in SQLITE_DDL:
    event.listen(search_documents, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(search_documents, "before_drop", DDL(SQLITE_DROP).execute_if(dialect="sqlite"))


def ensure_schema(conn) -> None:
    """Create the FTS objects if missing (``flask search rebuild`` on an older database)."""
    search_documents.create(conn, checkfirst=True)
    search_lexicon.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            conn.exec_driver_sql(statement)



def alembic_include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For ``context.configure(include_object=...)`` in migrations/env.py.

    - The FTS5 table and its shadow tables (search_fts, search_fts_data, _idx, _docsize,
      _config) are made by raw DDL (:data:`SQLITE_DDL`); autogenerate must not drop them.
    - The GIN index and the generated ``title_vector`` column exist on PostgreSQL only; the
      migrations create them by hand for that dialect, so autogenerate must not add them (or
      miss them) on SQLite.
    """
    if type_ == "table" and name is not None and name.startswith("search_fts"):
        return False
    if type_ == "index" and name == "ix_search_documents_vector":
        return False
    if type_ == "column" and name == "title_vector":  # PostgreSQL's generated column, made by DDL
        return False
    return True
