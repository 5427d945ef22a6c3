"""PostgreSQL full-text backend: a ``tsvector`` per document with a GIN index.

The vector is written as a tsvector literal from the shared analyzer's tokens (not with
``to_tsvector``), and queries are tsquery literals of the same tokens, so PostgreSQL's own
parser and dictionaries never see the text: both backends match exactly the same tokens.
As on SQLite, only the newest ``cap`` matches are ranked, so a common word does not make
the database score every note that contains it.

Two things keep a search cheap at scale (100,000s of notes, a word in a quarter of them):

- **The window without reading vectors.** A note's vector is a few KB stored out of line, and
  reading it costs more than anything else in a search. The GIN index also holds ``note_id``
  (``btree_gin``), so "matches among the newest N documents" is one bitmap index scan that
  touches only the matching rows. The window is found in tiers: the matches among the newest
  ``8 x cap`` documents, if there are ``cap`` of them; else among the newest ``64 x cap``;
  else all matches (then there are few). Each tier's answer is exactly the newest ``cap``
  matches. The planner would rather walk the primary key backwards and test every vector;
  the statement runs with index scans off (``SET LOCAL``), which leaves it the bitmap.
- **Ranking on the title vector.** ``title_vector`` is a generated column: the vector's
  title lexemes (weight A, ``ts_filter``), a few dozen bytes stored in the row. The window is
  ranked by ``ts_rank`` of the query's words OR-ed on it (more of the query in the title
  ranks higher), then newest first — title hits first, as on SQLite, without reading any
  note's full vector.
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


def _parts(groups: list[QueryGroup], completions: list[str] | None = None) -> list[str]:
    """tsquery parts, one per group; a prefix group becomes the OR of ``completions`` (the
    indexed words it stands for) when they are given."""
    parts = []
    for group in groups:
        if group.kind == "phrase":
            parts.append("(" + " <-> ".join(_lexeme(t) for t in group.tokens) + ")")
        elif group.prefix and completions:
            parts.append("(" + " | ".join(_lexeme(t) for t in completions) + ")")
        else:
            parts.append(_lexeme(group.tokens[0]) + (":*" if group.prefix else ""))
    return parts


def query_literal(groups: list[QueryGroup], completions: list[str] | None = None) -> str:
    """The tsquery a document must match: every part."""
    return " & ".join(_parts(groups, completions))


def rank_literal(groups: list[QueryGroup], completions: list[str] | None = None) -> str:
    """The tsquery a window is ranked by: the parts OR-ed, so a title holding more of them
    ranks higher."""
    return " | ".join(_parts(groups, completions))


LEXICON_MIN = 3  # analyzer.PREFIX_MIN: shorter words are never a prefix query's completion
COMPLETIONS_MAX = 64  # more than this, and the prefix match itself is the cheaper query


class PostgresBackend(DocumentTable):
    name = "postgresql"

    def write(self, conn, documents: list[IndexDocument]) -> None:
        if not documents:
            return
        self._write_documents(conn, documents)
        # Their words, for prefix queries (in order, so two writers never wait on each other
        # in a cycle).
        conn.execute(text(
            "INSERT INTO search_lexicon (term) SELECT DISTINCT t.term FROM search_documents AS d, "
            "unnest(tsvector_to_array(d.vector)) AS t(term) "
            "WHERE d.note_id = ANY(:ids) AND length(t.term) >= :min ORDER BY t.term ON CONFLICT DO NOTHING"),
            {"ids": [d.note_id for d in documents], "min": LEXICON_MIN})

    def _write_documents(self, conn, documents: list[IndexDocument]) -> None:
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
        ordered by their title's ts_rank (rounded, so near-equal scores count as equal), then
        newest first. Returns (matches in the window, the page's note ids); one statement
        after the planner setting."""
        if not groups:
            return 0, []
        prefix = next((g.tokens[0] for g in groups if g.prefix), None)
        # First: index scans off for the rest of this transaction (see the module's notes),
        # the newest document's id, and the prefix word's completions.
        _, top, completions = conn.execute(text(
            "SELECT set_config('enable_indexscan', 'off', true), "
            "(SELECT coalesce(max(note_id), 0) FROM search_documents), "
            "(SELECT array_agg(term) FROM (SELECT term FROM search_lexicon WHERE CAST(:prefix AS text) IS NOT NULL "
            "AND term LIKE CAST(:prefix AS text) || '%' ORDER BY term LIMIT :most) AS c)"),
            {"prefix": prefix, "most": COMPLETIONS_MAX + 1}).one()
        if completions and len(completions) > COMPLETIONS_MAX:
            completions = None
        params = {"q": query_literal(groups, completions), "r": rank_literal(groups, completions), "cap": cap,
                  "offset": offset, "limit": limit, "near": top - 8 * cap, "far": top - 64 * cap}
        where = " AND ".join(["d.vector @@ CAST(:q AS tsquery)",
                              *self.filter_clauses(filters, "d.note_id", "d.sponsored", params)])
        rows = conn.execute(text(
            f"WITH near AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND d.note_id > :near), "
            f"far AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND d.note_id > :far AND (SELECT count(*) FROM near) < :cap), "
            f"every AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND (SELECT count(*) FROM near) < :cap AND (SELECT count(*) FROM far) < :cap), "
            "pool AS (SELECT * FROM near WHERE (SELECT count(*) FROM near) >= :cap "
            "UNION ALL SELECT * FROM far WHERE (SELECT count(*) FROM far) >= :cap "
            "UNION ALL SELECT * FROM every), "
            "win AS (SELECT note_id, title_vector FROM pool ORDER BY note_id DESC LIMIT :cap) "
            "SELECT note_id, count(*) OVER () FROM win "
            "ORDER BY round(CAST(ts_rank(title_vector, CAST(:r AS tsquery)) AS numeric), 4) DESC, note_id DESC "
            "LIMIT :limit OFFSET :offset"), params).all()
        if rows:
            return rows[0][1], [row[0] for row in rows]
        if not offset:
            return 0, []
        return conn.execute(text(
            f"SELECT count(*) FROM (SELECT 1 FROM search_documents AS d WHERE {where} LIMIT :cap) AS c"),
            params).scalar(), []
