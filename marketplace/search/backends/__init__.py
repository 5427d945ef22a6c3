"""Search backends: one interface, two implementations chosen by ``SEARCH_BACKEND``.

``auto`` (the default) follows the database: SQLite gets FTS5, PostgreSQL its full text
search. Everything above this seam (indexing rules, ranking order, snippets, pages, API)
is the same code.
"""
from __future__ import annotations

from marketplace.search.backends.base import Backend, DocumentTable, Filters, IndexDocument  # noqa: F401
from marketplace.search.backends.postgres import PostgresBackend
from marketplace.search.backends.sqlite import SqliteBackend


def backend_for(dialect: str, configured: str = "auto") -> Backend:
    wanted = dialect if configured in ("", "auto") else configured
    if wanted != dialect:
        raise RuntimeError(f"SEARCH_BACKEND={configured!r} cannot run on a {dialect} database")
    if wanted == "sqlite":
        return SqliteBackend()
    if wanted == "postgresql":
        return PostgresBackend()
    raise RuntimeError(f"SEARCH_BACKEND must be auto, sqlite or postgresql, got {configured!r}")
