"""PostgreSQL full-text backend: a ``tsvector`` per document with a GIN index.

The vector is written as a tsvector literal from the shared analyzer's tokens (not with
``to_tsvector``), and queries are tsquery literals of the same tokens, so PostgreSQL's own
parser and dictionaries never see the text: both backends match exactly the same tokens.
As on SQLite, only the newest ``cap`` matches are ranked (``ts_rank``), so a common word
does not make the database score every note that contains it.
"""
from __future__ import annotations

from sqlalchemy import text

from marketplace.search.analyzer import QueryGroup
from marketplace.search.backends.base import DocumentTable, Filters, IndexDocument

_MAX_POSITION = 16383  # PostgreSQL's limit for a lexeme position


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def vector_literal(d: IndexDocument) -> str:
    """Title tokens at weight A, then body, then CJK unigrams, with gaps so a bigram phrase
    never matches across the title/body boundary."""
    positions: dict[str, list[str]] = {}
    pos = 1
    for tokens, weight in ((d.title.terms, "A"), (d.body.terms, ""),
                           (list(dict.fromkeys(d.title.chars + d.body.chars)), "")):
        for token in tokens:
            positions.setdefault(token, []).append(f"{min(pos, _MAX_POSITION)}{weight}")
            pos += 1
        pos += 1
    return " ".join(f"{_lexeme(t)}:{','.join(p[:256])}" for t, p in positions.items())


def query_literal(groups: list[QueryGroup]) -> str:
    parts = []
    for group in groups:
        if group.kind == "phrase":
            parts.append("(" + " <-> ".join(_lexeme(t) for t in group.tokens) + ")")
        else:
            parts.append(_lexeme(group.tokens[0]) + (":*" if group.prefix else ""))
    return " & ".join(parts)


class PostgresBackend(DocumentTable):
    name = "postgresql"

    def write(self, conn, documents: list[IndexDocument]) -> None:
        if not documents:
            return
        conn.execute(
            text("INSERT INTO search_documents (note_id, sponsored, title_terms, body_terms, chars, vector) "
                 "VALUES (:note_id, :sponsored, '', '', '', CAST(:vector AS tsvector)) "
                 "ON CONFLICT (note_id) DO UPDATE SET sponsored = EXCLUDED.sponsored, "
                 "vector = EXCLUDED.vector"),
            [{"note_id": d.note_id, "sponsored": d.sponsored, "vector": vector_literal(d)}
             for d in documents],
        )

    def candidates(self, conn, groups, filters: Filters, cap: int) -> list[tuple[int, float]]:
        if not groups:
            return []
        params = {"q": query_literal(groups), "cap": cap}
        where = ["d.vector @@ CAST(:q AS tsquery)",
                 *self.filter_clauses(filters, "d.note_id", "d.sponsored", params)]
        rows = conn.execute(text(
            "WITH c AS (SELECT d.note_id, d.vector FROM search_documents AS d "
            f"WHERE {' AND '.join(where)} ORDER BY d.note_id DESC LIMIT :cap) "
            "SELECT note_id, ts_rank(vector, CAST(:q AS tsquery)) FROM c ORDER BY note_id DESC"),
            params).all()
        return [(note_id, float(score)) for note_id, score in rows]

    def ranked_page(self, conn, groups, filters: Filters, cap: int, offset: int,
                    limit: int) -> tuple[int, list[int]]:
        """One page of the ranking, ranked in SQL: the newest ``cap`` matches (the window),
        ordered by ts_rank (rounded, so near-equal scores count as equal), then newest first.
        Returns (matches in the window, the page's note ids), in one statement."""
        if not groups:
            return 0, []
        params = {"q": query_literal(groups), "cap": cap, "offset": offset, "limit": limit}
        where = ["d.vector @@ CAST(:q AS tsquery)",
                 *self.filter_clauses(filters, "d.note_id", "d.sponsored", params)]
        window = (f"SELECT d.note_id, d.vector FROM search_documents AS d WHERE {' AND '.join(where)} "
                  "ORDER BY d.note_id DESC LIMIT :cap")
        rows = conn.execute(text(
            f"WITH c AS ({window}) SELECT note_id, count(*) OVER () FROM c "
            "ORDER BY round(CAST(ts_rank(vector, CAST(:q AS tsquery)) AS numeric), 4) DESC, note_id DESC "
            "LIMIT :limit OFFSET :offset"), params).all()
        if rows:
            return rows[0][1], [row[0] for row in rows]
        if not offset:
            return 0, []
        return conn.execute(text(f"SELECT count(*) FROM ({window}) AS c"), params).scalar(), []
