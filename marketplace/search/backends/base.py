"""What both search backends share: the document they index, the page's filters, the
interface, and the work both do the same way on the ``search_documents`` table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam, text

from marketplace.search.analyzer import Analysis, QueryGroup


@dataclass
class IndexDocument:
    note_id: int
    sponsored: bool
    title: Analysis
    body: Analysis


@dataclass(frozen=True)
class Filters:
    tag: str | None = None
    sponsored: bool | None = None  # True: sponsored only; False: hide sponsored


class Backend(Protocol):
    name: str

    def write(self, conn, documents: list[IndexDocument]) -> None: ...

    def remove(self, conn, note_ids: list[int]) -> None: ...

    def candidates(self, conn, groups: list[QueryGroup], filters: Filters,
                   cap: int) -> list[tuple[int, float]]:
        """Up to ``cap`` matching note ids with a relevance (higher is better)."""
        ...

    def ranked_page(self, conn, groups: list[QueryGroup], filters: Filters, cap: int, offset: int,
                    limit: int) -> tuple[int, list[int]]:
        """How many of the newest ``cap`` matches there are, and the note ids of one page of
        them ranked by relevance, then recency: ranked and cut in SQL."""
        ...


class DocumentTable:
    """What both backends do the same way on the shared ``search_documents`` table."""

    def remove(self, conn, note_ids: list[int]) -> None:
        if note_ids:
            conn.execute(text("DELETE FROM search_documents WHERE note_id IN :ids")
                         .bindparams(bindparam("ids", expanding=True)), {"ids": list(note_ids)})

    @staticmethod
    def filter_clauses(filters: Filters, note_id: str, sponsored: str, params: dict) -> list[str]:
        """SQL conditions for the page's filters; ``note_id``/``sponsored`` name the columns
        of the backend's own query. Adds the bound values to ``params``."""
        where = []
        if filters.sponsored is not None:
            where.append(f"{sponsored} = :sponsored")
            params["sponsored"] = filters.sponsored
        if filters.tag:
            where.append("EXISTS (SELECT 1 FROM note_tags AS t "
                         f"WHERE t.note_id = {note_id} AND t.tag = :tag)")
            params["tag"] = filters.tag
        return where
