"""SQLite FTS5 backend over ``search_documents`` / ``search_fts``.

Ranking cost is bounded: ``ORDER BY rank`` would score every match of a common word with
bm25 before returning ten. Instead the newest ``cap`` matches are fetched in rowid order
(FTS5 walks the posting list backwards and stops early), and bm25 is computed for them
only, in the same pass. For rare terms the window holds every match, so ranking is exact;
for common ones it is relevance among the most recent ``cap`` matches.
"""
from __future__ import annotations

from sqlalchemy import text

from marketplace.search.analyzer import QueryGroup
from marketplace.search.backends.base import DocumentTable, Filters, IndexDocument

# bm25 column weights: a hit in the title counts four times one in the body.
_WEIGHTS = "4.0, 1.0, 0.5"


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(groups: list[QueryGroup]) -> str:
    """FTS5 query text: every token quoted, so no user character acts as an operator."""
    parts = []
    for group in groups:
        if group.kind == "phrase":
            parts.append(_quote(" ".join(group.tokens)))
        else:
            parts.append(_quote(group.tokens[0]) + ("*" if group.prefix else ""))
    return " AND ".join(parts)


class SqliteBackend(DocumentTable):
    name = "sqlite"

    def write(self, conn, documents: list[IndexDocument]) -> None:
        if not documents:
            return
        self.remove(conn, [d.note_id for d in documents])
        conn.execute(
            text("INSERT INTO search_documents (note_id, sponsored, title_terms, body_terms, chars) "
                 "VALUES (:note_id, :sponsored, :title_terms, :body_terms, :chars)"),
            [self.row(d) for d in documents],
        )

    @staticmethod
    def row(d: IndexDocument) -> dict:
        chars = list(dict.fromkeys(d.title.chars + d.body.chars))
        return {"note_id": d.note_id, "sponsored": d.sponsored,
                "title_terms": " ".join(d.title.terms), "body_terms": " ".join(d.body.terms),
                "chars": " ".join(chars)}

    def candidates(self, conn, groups, filters: Filters, cap: int) -> list[tuple[int, float]]:
        if not groups:
            return []
        params = {"m": match_expression(groups), "cap": cap}
        where = ["search_fts MATCH :m",
                 *self.filter_clauses(filters, "search_fts.rowid", "d.sponsored", params)]
        # The sponsored flag lives on search_documents: join it only when that filter is on.
        join = " JOIN search_documents AS d ON d.note_id = search_fts.rowid" if "sponsored" in params else ""
        ids = [row[0] for row in conn.execute(text(
            f"SELECT search_fts.rowid FROM search_fts{join} WHERE {' AND '.join(where)} "
            "ORDER BY search_fts.rowid DESC LIMIT :cap"), params)]
        if not ids:
            return []
        scores = dict(conn.execute(text(
            f"SELECT rowid, bm25(search_fts, {_WEIGHTS}) FROM search_fts "
            "WHERE search_fts MATCH :m AND rowid BETWEEN :lo AND :hi"),
            {"m": params["m"], "lo": ids[-1], "hi": ids[0]}).all())
        # bm25() is lower-is-better (negative); flip it so higher means more relevant.
        return [(note_id, -scores.get(note_id, 0.0)) for note_id in ids]

    def ranked_page(self, conn, groups, filters: Filters, cap: int, offset: int,
                    limit: int) -> tuple[int, list[int]]:
        """One page of the ranking, ranked in SQL: the newest ``cap`` matches (the window),
        ordered by bm25 (rounded, so near-equal scores count as equal), then newest first.
        Returns (matches in the window, the page's note ids), in one statement."""
        if not groups:
            return 0, []
        params = {"m": match_expression(groups), "cap": cap, "offset": offset, "limit": limit}
        where = ["search_fts MATCH :m", *self.filter_clauses(filters, "search_fts.rowid", "d.sponsored", params)]
        join = " JOIN search_documents AS d ON d.note_id = search_fts.rowid" if "sponsored" in params else ""
        condition = " AND ".join(where)
        # One pass over the matches: the newest ``cap`` of them (FTS5 walks the posting list
        # backwards and stops there), scored with bm25() as they are read (it is only allowed
        # in the full-text query itself: score there, order outside). A prefix term costs a
        # merge of every term it stands for per pass, so a second pass to find the window's
        # edge would cost as much again.
        rows = conn.execute(text(
            f"WITH scored AS MATERIALIZED (SELECT search_fts.rowid AS note_id, bm25(search_fts, {_WEIGHTS}) AS score "
            f"FROM search_fts{join} WHERE {condition} ORDER BY search_fts.rowid DESC LIMIT :cap) "
            "SELECT note_id, count(*) OVER () FROM scored ORDER BY round(score, 4), note_id DESC "
            "LIMIT :limit OFFSET :offset"),
            params).all()
        if rows:
            return rows[0][1], [row[0] for row in rows]
        if not offset:
            return 0, []
        total = conn.execute(text(f"SELECT count(*) FROM (SELECT search_fts.rowid FROM search_fts{join} "
                                  f"WHERE {condition} LIMIT :cap)"), params).scalar()
        return total, []
