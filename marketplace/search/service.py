"""Searching notes: the one function the page, the API and the benchmark's app check call.

Results are ranked by relevance, then recency (newer first among equally relevant notes),
come with highlighted snippets, and carry their sponsor. Any input gives an answer or a
clear message: the analyzer reduces a query to letters, digits and CJK characters, so
quotes, operators, emoji and SQL fragments have nothing to act with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import joinedload, lazyload, load_only, selectinload

from marketplace.auth.models import User
from marketplace.brands.models import BrandProfile
from marketplace.creators.models import CreatorProfile
from marketplace.extensions import db
from marketplace.filings.models import Filing
from marketplace.notes.models import Note
from marketplace.notes.service import is_indexable
from marketplace.search.analyzer import analyze_query, query_words
from marketplace.search.backends import Filters
from marketplace.search.documents import search_documents
from marketplace.search.sync import current_backend

QUERY_MAX = 200  # characters searched; longer input is cut, and the page says so
SNIPPET_CHARS = 140


@dataclass
class Hit:
    note: Note
    title: Markup
    snippet: Markup


@dataclass
class Results:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    more: bool = False  # the match count reached the ranking window: "total+" matches
    page: int = 1
    pages: int = 0
    notice: str | None = None


def params_from(args) -> dict:
    """The search parameters in a query string (``q``, ``tag``, ``sponsored``, ``page``), as
    :func:`search` takes them; the page and the API read them alike."""
    return {
        "query": args.get("q", ""),
        "tag": args.get("tag") or None,
        "sponsored": args.get("sponsored", "") if args.get("sponsored") in ("only", "hide") else "",
        "page": max(args.get("page", 1, type=int) or 1, 1),
    }


def card_loading(*, tags: bool = False) -> tuple:
    """Loader options for note cards (the feed, search hits): the columns a card and the
    indexable test read, its creator's handle and name, cover, and sponsor, each in one
    statement for all the cards (not a profile's 30 columns, not a statement per card)."""
    options = (
        load_only(Note.id, Note.creator_id, Note.title, Note.body, Note.is_paid, Note.is_private,
                  Note.created_at, Note.deleted_at, Note.deindexed_at),
        joinedload(Note.creator).load_only(CreatorProfile.id, CreatorProfile.handle, CreatorProfile.user_id,
                                           CreatorProfile.banned_at)
        .joinedload(CreatorProfile.user).load_only(User.id, User.display_name),
        selectinload(Note.images),
        # A note has at most one filing: joined into the cards' own statement, not one more.
        joinedload(Note.filing).load_only(Filing.id, Filing.note_id, Filing.code, Filing.brand_id)
        .options(lazyload(Filing.note), joinedload(Filing.brand).load_only(BrandProfile.id, BrandProfile.company_name)),
    )
    return options + (selectinload(Note.tags),) if tags else options


@cache
def _hit_cards():
    """The statement that loads search hits' cards by id, built once: a fresh statement per
    search would be walked for its cache key on every request (the loader options are most of it)."""
    return select(Note).where(Note.id.in_(bindparam("ids", expanding=True))).options(*card_loading(tags=True))


def recent_feed(limit: int = 24) -> list[Note]:
    """The home feed: the newest indexable notes. The index holds exactly those, so the feed
    reads it instead of restating the rule in SQL."""
    return list(db.session.scalars(
        select(Note).join(search_documents, search_documents.c.note_id == Note.id)
        .options(*card_loading()).order_by(Note.id.desc()).limit(limit)
    ).unique())


def search(query: str, *, tag: str | None = None, sponsored: str = "", page: int = 1,
           per_page: int | None = None) -> Results:
    query = (query or "").strip()
    per_page = per_page or current_app.config["SEARCH_PAGE_SIZE"]
    results = Results(query=query, page=max(page, 1))
    if len(query) > QUERY_MAX:
        query = query[:QUERY_MAX]
        results.notice = _("Your search was long, so only its first %(n)d characters were used.",
                           n=QUERY_MAX)
    groups = analyze_query(query)[:16]
    if not groups:
        if query:
            results.notice = _("Search for words or characters: this query has none we can look for.")
        return results
    filters = Filters(tag=(tag or "").strip().lower() or None,
                      sponsored={"only": True, "hide": False}.get(sponsored))
    start = (results.page - 1) * per_page
    window = current_app.config["SEARCH_RANK_WINDOW"]
    try:
        with db.engine.connect() as conn:
            # Relevance first (rounded so near-equal scores count as equal), then newest first.
            results.total, ids = current_backend(conn).ranked_page(conn, groups, filters, window,
                                                                   start, per_page)
    except DBAPIError:
        # e.g. a database migrated without the full-text objects: say so instead of a 500.
        current_app.logger.exception("search failed; is the index built? `flask search rebuild`")
        results.notice = _("Search is not available right now. Please try again later.")
        return results
    results.more = results.total >= window
    results.pages = -(-results.total // per_page)
    notes = {n.id: n for n in db.session.scalars(_hit_cards(), {"ids": ids}).unique()} if ids else {}
    pattern = _pattern(query_words(groups))
    for note_id in ids:
        note = notes.get(note_id)
        # The index is kept in step after every commit; this guards the instant in between.
        if note is not None and is_indexable(note):
            results.hits.append(Hit(note, highlight(note.title, pattern=pattern, whole=True),
                                    highlight(note.body, pattern=pattern)))
    return results


def _pattern(words: list[tuple[str, bool]]) -> re.Pattern | None:
    alternatives = []
    for word, prefix in sorted(words, key=lambda w: -len(w[0])):
        if word.isascii():
            alternatives.append(r"(?<![^\W_])" + re.escape(word) + (r"[^\W_]*" if prefix else r"(?![^\W_])"))
        else:
            alternatives.append(re.escape(word))
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def highlight(text: str, words: list[tuple[str, bool]] = (), whole: bool = False,
              pattern: re.Pattern | None = None) -> Markup:
    """``text`` escaped, with matches of ``words`` (or of a ``pattern`` :func:`_pattern` made
    from them, built once for a page of hits) wrapped in <mark>; a window around the first
    match unless ``whole``. Escaping happens piece by piece, so user text never becomes markup."""
    text = text or ""
    pattern = pattern or _pattern(list(words))
    matches = list(pattern.finditer(text)) if pattern else []
    if not whole:
        first = matches[0].start() if matches else 0
        begin = max(0, first - SNIPPET_CHARS // 3)
        end = min(len(text), begin + SNIPPET_CHARS)
        matches = [m for m in matches if m.start() >= begin and m.end() <= end]
    else:
        begin, end = 0, len(text)
    out, cursor = [], begin
    if begin > 0:
        out.append("…")
    for match in matches:
        out.append(escape(text[cursor:match.start()]))
        out.append(Markup("<mark>%s</mark>") % text[match.start():match.end()])
        cursor = match.end()
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return Markup("").join(out)
