"""PostgreSQL full-text backend: a ``tsvector`` per document with a GIN index.

The vector is written as a tsvector literal from the shared analyzer's tokens (not with
``to_tsvector``), and queries are tsquery literals of the same tokens, so PostgreSQL's own
parser and dictionaries never see the text: both backends match exactly the same tokens.
As on SQLite, only the newest ``cap`` matches are ranked, so a common word does not make
the database score every note that contains it.

Three things keep a search cheap at scale (100,000s of notes, a word in a quarter of them):

- **The window without reading vectors.** A note's vector is a few KB stored out of line, and
  reading it costs more than anything else in a search. The GIN index also holds the note id
  (``btree_gin``, as ``-note_id``), so "matches among the newest N documents" is one bitmap
  index scan that touches only the matching rows. The window is found in tiers: the matches
  among the newest ``8 x cap`` documents, if there are ``cap`` of them; else among the
  newest ``64 x cap``; else all matches (then there are few). Each tier's answer is exactly
  the newest ``cap`` matches. The ranges are written on ``-note_id``, an expression only the
  GIN index holds, so the planner cannot walk the primary key and test every vector instead.
- **Ranking on the title vector.** ``title_vector`` is a generated column: the vector's
  title lexemes (weight A, ``ts_filter``), a few dozen bytes stored in the row. The window is
  ranked by ``ts_rank`` of the query's parts OR-ed on it (more of the query in the title
  ranks higher), then newest first: title hits first, as on SQLite, without reading any
  note's full vector. (SQLite's bm25 also weighs how often a body repeats the word; here
  body-only matches are ordered newest first.)
- **Prefix words as exact words.** The last English word of a query is a prefix
  ("sunscr"). A prefix match in GIN reads every posting of every word it covers; the
  ``search_lexicon`` table lists the indexed words, so the prefix becomes an OR of at most
  64 exact words, which the index intersects with the id range cheaply.

All of it is one statement.
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
        newest first. Returns (matches in the window, the page's note ids), in one statement."""
        if not groups:
            return 0, []
        params = {"cap": cap, "offset": offset, "limit": limit, "near": 8 * cap, "far": 64 * cap}
        query = self._query_sql(groups, params)
        where = " AND ".join(["d.vector @@ (SELECT q FROM query)",
                              *self.filter_clauses(filters, "d.note_id", "d.sponsored", params)])
        # The tiers' ranges are written on -note_id, which only the GIN index holds: the
        # planner cannot take the primary key and test every vector instead.
        rows = conn.execute(text(
            f"WITH query AS MATERIALIZED ({query}), "
            f"near AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND -d.note_id < :near - (SELECT top FROM query)), "
            "near_n AS MATERIALIZED (SELECT count(*) AS n FROM near), "
            f"far AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND -d.note_id < :far - (SELECT top FROM query) AND (SELECT n FROM near_n) < :cap), "
            "far_n AS MATERIALIZED (SELECT count(*) AS n FROM far), "
            f"every AS MATERIALIZED (SELECT d.note_id, d.title_vector FROM search_documents AS d WHERE {where} "
            "AND (SELECT n FROM near_n) < :cap AND (SELECT n FROM far_n) < :cap), "
            "pool AS (SELECT * FROM near WHERE (SELECT n FROM near_n) >= :cap "
            "UNION ALL SELECT * FROM far WHERE (SELECT n FROM far_n) >= :cap "
            "UNION ALL SELECT * FROM every), "
            "win AS (SELECT note_id, title_vector FROM pool ORDER BY note_id DESC LIMIT :cap) "
            "SELECT note_id, count(*) OVER () FROM win "
            "ORDER BY round(ts_rank(title_vector, (SELECT r FROM query)) * 10000) DESC, note_id DESC "
            "LIMIT :limit OFFSET :offset"), params).all()
        if rows:
            return rows[0][1], [row[0] for row in rows]
        if not offset:
            return 0, []
        return conn.execute(text(
            f"WITH query AS MATERIALIZED ({query}) "
            f"SELECT count(*) FROM (SELECT 1 FROM search_documents AS d WHERE {where} LIMIT :cap) AS c"),
            params).scalar(), []

    @staticmethod
    def _query_sql(groups: list[QueryGroup], params: dict) -> str:
        """SQL for one row: ``q`` the tsquery to match, ``r`` the one to rank by, ``top`` the
        newest document's id. A prefix word becomes the OR of the indexed words it stands for
        (from the lexicon), unless it stands for none or for too many: then it stays a prefix."""
        fixed = [g for g in groups if not g.prefix]
        prefix = next((g for g in groups if g.prefix), None)
        top = "(SELECT coalesce(max(note_id), 0) FROM search_documents) AS top"
        if prefix is None:
            params.update(q=query_literal(fixed), r=rank_literal(fixed))
            return f"SELECT CAST(:q AS tsquery) AS q, CAST(:r AS tsquery) AS r, {top}"
        # The words from the prefix up to the next string after all its completions ("C"
        # collation: code point order). A range, not LIKE, so a cached generic plan still
        # reads it from the key.
        word = prefix.tokens[0]
        params.update(low=word, high=word[:-1] + chr(ord(word[-1]) + 1), partial=query_literal([prefix]),
                      most=COMPLETIONS_MAX, most_plus=COMPLETIONS_MAX + 1)
        words = ("(SELECT CASE WHEN count(*) BETWEEN 1 AND :most "
                 "THEN CAST(string_agg(quote_literal(term), ' | ') AS tsquery) ELSE CAST(:partial AS tsquery) END AS w "
                 "FROM (SELECT term FROM search_lexicon WHERE term >= :low AND term < :high ORDER BY term LIMIT :most_plus) AS c) AS x")
        if not fixed:
            return f"SELECT w AS q, w AS r, {top} FROM {words}"
        params.update(q=query_literal(fixed), r=rank_literal(fixed))
        return f"SELECT CAST(:q AS tsquery) && w AS q, CAST(:r AS tsquery) || w AS r, {top} FROM {words}"
