"""Ranked, explained matches: creators for a brief (brands, API) and briefs for a creator.

Creators are ranked inside the database: eligibility and filters narrow the rows, the score
expression orders them, and only the page's ids leave SQL. Then the page's profiles are
loaded and each result is explained by the same formula in Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import SimpleNamespace

from sqlalchemy import Float, false, func, literal_column, or_, select, text, union_all
from sqlalchemy.orm import joinedload, load_only

from marketplace import clock, eligibility, taxonomy
from marketplace.auth.models import User
from marketplace.briefs.models import Brief, BriefState
from marketplace.creators.models import UNUSUAL_FOR_MATCHING, CreatorProfile as C, quote_column
from marketplace.extensions import db
from marketplace.matching import scoring

CREATOR_SORTS = ("score", "followers", "engagement", "quote")
BRIEF_SORTS = ("score", "fee", "apply_by")
MAX_PER_PAGE = 100


@dataclass
class Filters:
    """What a user narrowed the list to; None means "any"."""

    category: str | None = None
    region: str | None = None
    min_followers: int | None = None
    max_followers: int | None = None
    min_quote_cents: int | None = None
    max_quote_cents: int | None = None
    deliverable: str | None = None  # briefs for a creator only
    sort: str = "score"
    page: int = 1
    per_page: int = 20


@dataclass
class Match:
    subject: object  # a CreatorProfile (brand side) or a Brief (creator side)
    score: float
    reasons: list[scoring.Reason]
    rank: int
    failures: list = field(default_factory=list)  # eligibility failures (creator side)


@dataclass
class Page:
    matches: list[Match]
    total: int
    page: int
    per_page: int
    more: bool = False  # the count stopped at its bound: more than ``total`` match ("1,000+")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.more or self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def clean_filters(filters: Filters) -> Filters:
    """Quietly drop filter values that mean nothing (unknown codes, pages below 1)."""
    if filters.category not in taxonomy.categories():
        filters.category = None
    if filters.region not in taxonomy.regions():
        filters.region = None
    if filters.deliverable not in ("image", "video"):
        filters.deliverable = None
    filters.page = max(1, filters.page or 1)
    filters.per_page = min(max(1, filters.per_page or 20), MAX_PER_PAGE)
    return filters


def _creator_conditions(brief: Brief, filters: Filters) -> list:
    # Category overlap first: the most selective test, so most rows stop there.
    conditions = [C.categories_mask.op("&")(brief.categories_mask) != 0, *eligibility.eligible_clause(brief)]
    quote = quote_column(brief.deliverable)
    if filters.category:
        bit = taxonomy.mask_from_categories([filters.category])
        conditions.append(C.categories_mask.op("&")(bit) != 0)
    if filters.region:
        conditions.append(C.region == filters.region)
    if filters.min_followers is not None:
        conditions.append(C.follower_count >= filters.min_followers)
    if filters.max_followers is not None:
        conditions.append(C.follower_count <= filters.max_followers)
    if filters.min_quote_cents is not None:
        conditions.append(quote >= filters.min_quote_cents)
    if filters.max_quote_cents is not None:
        conditions.append(quote <= filters.max_quote_cents)
    return conditions


COUNT_CAP = 1000


def _overlapping_masks(brief: Brief):
    """SQLite: the category masks ready creators have that share a category with the brief,
    read off the matching index (a few hundred distinct values, a skip over the index), as a
    condition the index can seek: ``categories_mask IN (...)`` reaches just those creators instead
    of testing the overlap on every ready creator. None elsewhere: PostgreSQL reads the masks
    inside the ranking statement instead (:func:`_masks`). The masks are integers from the
    database, written into the SQL as such."""
    if db.session.get_bind().dialect.name != "sqlite":
        return None
    # A superset is harmless (the ranking applies every rule): the matching index's own WHERE
    # and the follower floor, not the rules that would cost a subquery per creator.
    ready = (C.accepting_orders.is_(True), C.followers_as_of.is_not(None), C.payouts_ready_at.is_not(None),
             C.identity_confirmed_at.is_not(None), C.banned_at.is_(None),
             C.follower_count >= eligibility.min_followers_for(brief))
    distinct = select(C.categories_mask.label("mask")).where(*ready).distinct().subquery()
    listed = db.session.scalar(select(func.group_concat(distinct.c.mask)))  # one row, not hundreds
    masks = [mask for mask in map(int, (listed or "").split(",") if listed else ()) if mask & brief.categories_mask]
    if not masks:
        return false()
    return text(f"creator_profiles.categories_mask IN ({','.join(map(str, masks))})")


def _usual_maximum_elsewhere(brief: Brief) -> float:
    """The highest score a creator sharing only some of the brief's categories can reach, when
    its columns hold what the services write (see :func:`_unusual`): computed with the same float
    operations in the same order as ``scoring.sql_score``, so it bounds that exactly."""
    wanted = len(scoring._bits(brief.categories_mask))
    categories = scoring.CATEGORY_POINTS * float(wanted - 1) / wanted
    return (categories + scoring.AUDIENCE_POINTS + scoring.ENGAGEMENT_POINTS + scoring.PRICE_POINTS
            + scoring.ON_TIME_POINTS + 0.0)


def _unusual():
    """Creators whose score could pass its parts' usual maxima: negative strikes or shares,
    shares over 100%, more on-time orders than orders. The services never write these, but the
    columns allow them, so the pruned ranking keeps them in rather than trusting it. The same
    SQL as ix_creator_profiles_unusual's WHERE (constants, not bound values), so PostgreSQL
    proves that small index serves it."""
    return text(f"({UNUSUAL_FOR_MATCHING})")


def _masks(full: int, every: bool = True):
    """PostgreSQL: the category masks of ready creators that hold every bit of ``full`` (or,
    with ``every=False``, any of them), as a subquery. The distinct masks (a few hundred) are read off the matching index by a loose
    index scan (a recursive CTE: each step seeks the next larger mask, an index-only probe), so
    ``categories_mask IN (...)`` then seeks just the creators sharing every category instead of
    testing all ~60,000 ready ones. Exact: the masks come from the rows themselves."""
    ready = (C.accepting_orders.is_(True), C.followers_as_of.is_not(None), C.payouts_ready_at.is_not(None),
             C.identity_confirmed_at.is_not(None), C.banned_at.is_(None))  # the index's WHERE
    masks = select(func.min(C.categories_mask).label("mask")).where(*ready).cte("masks", recursive=True)
    following = select(func.min(C.categories_mask)).where(*ready, C.categories_mask > masks.c.mask).scalar_subquery()
    masks = masks.union_all(select(following).where(masks.c.mask.is_not(None)))
    shared = masks.c.mask.op("&")(full)
    return select(masks.c.mask).where(shared == full if every else shared != 0)


def _score(brief: Brief):
    """``scoring.sql_score`` for the ranking, compiled once per distinct brief terms to SQL text,
    so a request neither rebuilds the ~60-term expression nor walks it for the statement cache
    (and PostgreSQL sees the same statement per brief, which psycopg then prepares). Its values
    are written into the text: whole-number floats, integers and region codes on SQLite, which
    reads them back exactly; on PostgreSQL each float as ``'<repr>'::float8`` (a bare 30.0 would
    be numeric there, not float, and could round differently from Python)."""
    terms = (brief.categories_mask, tuple(brief.region_list), brief.deliverable, brief.fee_mode, brief.fee_cents,
             brief.currency)
    if db.session.get_bind().dialect.name == "postgresql":
        return literal_column(_postgres_score(*terms), Float)
    return literal_column(_sqlite_score(*terms), Float)


def _terms(categories_mask, region_list, deliverable, fee_mode, fee_cents, currency) -> SimpleNamespace:
    return SimpleNamespace(categories_mask=categories_mask, region_list=list(region_list), deliverable=deliverable,
                           fee_mode=fee_mode, fee_cents=fee_cents, currency=currency)


@lru_cache(maxsize=512)
def _sqlite_score(*terms) -> str:
    from sqlalchemy.dialects import sqlite

    return "(" + str(scoring.sql_score(_terms(*terms)).compile(dialect=sqlite.dialect(),
                                                               compile_kwargs={"literal_binds": True})) + ")"


@lru_cache(maxsize=512)
def _postgres_score(*terms) -> str:
    import re

    from sqlalchemy.dialects import postgresql

    compiled = scoring.sql_score(_terms(*terms)).compile(dialect=postgresql.dialect(),
                                                         compile_kwargs={"render_postcompile": True})

    def value(match) -> str:
        bound = compiled.params[match.group(1)]
        if isinstance(bound, bool) or not isinstance(bound, (int, float, str)):
            raise TypeError(f"unexpected value in the score: {bound!r}")
        if isinstance(bound, float):
            return f"'{bound!r}'::float8"  # repr round-trips: the same double in PostgreSQL
        if isinstance(bound, int):
            return str(bound)
        return "'" + bound.replace("'", "''") + "'"

    return "(" + re.sub(r"%\((\w+)\)s", value, str(compiled)) + ")"


@cache
def _shown() -> tuple:
    """What a ranked creator shows (the page, the API) and its reasons read: not the profile's
    bio, audience JSON and dates. Built on first use (the mappers are configured by then)."""
    return (load_only(C.id, C.user_id, C.handle, C.avatar_filename, C.categories_mask, C.region, C.currency,
                      C.image_quote_cents, C.video_quote_cents, C.follower_count, C.engagement_bps,
                      C.audience_region_1, C.audience_share_1, C.audience_region_2, C.audience_share_2,
                      C.audience_region_3, C.audience_share_3, C.orders_completed, C.orders_on_time,
                      C.strike_count),
            joinedload(C.user).load_only(User.id, User.display_name))


PRUNED_UP_TO = 200  # ranks the pruned first try serves; deeper pages rank every creator


def creators_for_brief(brief: Brief, filters: Filters | None = None, *, with_total: bool = True) -> Page:
    """Eligible creators for a brief, best first, each with its reasons.

    By score, the first try ranks only the creators sharing every category of the brief (and
    any with unusual columns): when the page's last score is above the most a creator sharing
    fewer categories can score, that is the exact page, having scored a fraction of the rows.
    Otherwise every eligible creator is ranked."""
    filters = clean_filters(filters or Filters())
    conditions = _creator_conditions(brief, filters)
    seekable = _overlapping_masks(brief)
    if seekable is not None:  # the same overlap test, as values the index can seek
        conditions[0] = seekable
    score = _score(brief).label("score")
    order = {
        "score": [score.desc()],
        "followers": [C.follower_count.desc()],
        "engagement": [C.engagement_bps.desc()],
        "quote": [quote_column(brief.deliverable).asc()],
    }.get(filters.sort, [score.desc()])
    offset = (filters.page - 1) * filters.per_page

    def ranked(*extra):
        where = conditions
        if seekable is None:
            # PostgreSQL, the same overlap test as masks the matching index seeks (as SQLite's
            # _overlapping_masks): an index-only scan of the creators sharing a category
            # instead of a (parallel) scan of the whole table, ~1/6 of the CPU for a brief of
            # one category. Not for the count, which stops at its bound in the index anyway.
            where = [C.categories_mask.in_(_masks(brief.categories_mask, every=False)), *conditions[1:]]
        # Ties fall to the larger audience, then the older profile, so pages never shuffle.
        return db.session.execute(
            select(C.id, score).where(*where, *extra)
            .order_by(*order, C.follower_count.desc(), C.id.asc())
            .limit(filters.per_page).offset(offset)
        ).all()

    counted = None
    if with_total:
        # Counted up to a bound ("1,000+"), or to the end of this page when it is further: an
        # exact count would scan every eligible creator a second time on every view.
        bound = max(COUNT_CAP, filters.page * filters.per_page)
        first = select(C.id).where(*conditions).limit(bound + 1)
        if seekable is None:
            # PostgreSQL: in the matching index's order, so it counts with an index-only scan
            # of that narrow index (~0.3 ms) rather than a scan of the table (~1.4 ms); the
            # count of the first ``bound + 1`` rows is the same in any order.
            first = first.order_by(C.categories_mask)
        counted = db.session.scalar(select(func.count()).select_from(first.subquery()))

    def pruned(full: int):
        if db.session.get_bind().dialect.name != "postgresql":  # SQLite: the masks are seekable already
            return ranked(or_(C.categories_mask.op("&")(full) == full, _unusual()))
        # PostgreSQL: two seekable parts, each read from an index. The creators sharing every
        # category, through the masks that hold them; and those with unusual columns (a partial
        # index that is empty when the data is as the services write it) that do not.
        shares_all = select(C.id, score, C.follower_count).where(*conditions, C.categories_mask.in_(_masks(full)))
        unusual = select(C.id, score, C.follower_count).where(*conditions, _unusual(),
                                                              C.categories_mask.op("&")(full) != full)
        both = union_all(shares_all, unusual).subquery("pruned")
        return db.session.execute(
            select(both.c.id, both.c.score)
            .order_by(literal_column("score").desc(), both.c.follower_count.desc(), both.c.id.asc())
            .limit(filters.per_page).offset(offset)
        ).all()

    rows = None
    full = brief.categories_mask
    if (filters.sort == "score" and bin(full).count("1") > 1 and offset + filters.per_page <= PRUNED_UP_TO
            and (counted is None or counted > bound)):  # a few hundred creators rank at once anyway
        rows = pruned(full)
        if len(rows) < filters.per_page or not rows[-1].score > _usual_maximum_elsewhere(brief):
            rows = None
    if rows is None:
        rows = ranked()
    ids = [row.id for row in rows]
    profiles = {p.id: p for p in db.session.scalars(select(C).where(C.id.in_(ids)).options(*_shown()))} if ids else {}
    matches = []
    speaker = scoring.Speaker()
    for position, row in enumerate(rows):
        profile = profiles[row.id]
        reasons = scoring.explain(profile, brief, speaker)
        matches.append(Match(profile, scoring.total(reasons), reasons,
                             rank=(filters.page - 1) * filters.per_page + position + 1))
    if not with_total:
        return Page(matches, len(matches), filters.page, filters.per_page)
    return Page(matches, min(counted, bound), filters.page, filters.per_page, more=counted > bound)


def briefs_for_creator(profile: C | None, filters: Filters | None = None) -> Page:
    """Open briefs still taking applications, best first for this creator.

    Open briefs number in the hundreds at most, so they are scored in Python; each result
    also carries the eligibility rules this creator fails for that brief.
    """
    filters = clean_filters(filters or Filters())
    query = select(Brief).where(Brief.state == BriefState.OPEN, Brief.apply_by > clock.now())
    if filters.category:
        query = query.where(Brief.categories_mask.op("&")(taxonomy.mask_from_categories([filters.category])) != 0)
    if filters.deliverable:
        query = query.where(Brief.deliverable == filters.deliverable)
    briefs = list(db.session.scalars(query))
    if filters.region:
        briefs = [b for b in briefs if not b.region_list or filters.region in b.region_list]
    if filters.min_quote_cents is not None:  # "fee at least": quote-mode briefs pay the creator's own price
        briefs = [b for b in briefs if b.fee_mode == "quote" or b.fee_cents >= filters.min_quote_cents]
    # Every brief is scored to sort them; only the shown page is put into words and checked
    # against the eligibility rules (the points are the same either way: same formula).
    scored = []
    tally = scoring.Tally()
    for brief in briefs:
        points = scoring.total(scoring.explain(profile, brief, tally)) if profile is not None else 0.0
        scored.append((points, brief))
    keys = {
        # Briefs outside the creator's categories go last whatever else they score: the brand
        # would not find this creator for them (its ranking excludes no-overlap creators).
        "score": lambda item: (not (profile and profile.categories_mask & item[1].categories_mask),
                               -item[0], item[1].apply_by, item[1].id),
        "fee": lambda item: (-(item[1].fee_cents or 0), item[1].id),
        "apply_by": lambda item: (item[1].apply_by, item[1].id),
    }
    scored.sort(key=keys.get(filters.sort, keys["score"]))
    start = (filters.page - 1) * filters.per_page
    window = scored[start:start + filters.per_page]
    speaker = scoring.Speaker()
    matches = []
    for i, (score, brief) in enumerate(window):
        reasons = scoring.explain(profile, brief, speaker) if profile is not None else []
        matches.append(Match(brief, score, reasons, rank=start + i + 1,
                             failures=eligibility.check(profile, brief).failures))
    return Page(matches, len(scored), filters.page, filters.per_page)


def naive_creators_for_brief(brief: Brief, limit: int = 50) -> list[tuple[float, C]]:
    """The baseline the benchmark compares against: every eligible creator loaded into
    Python (the same eligibility filter in SQL), each explained and scored there, then sorted."""
    conditions = [C.categories_mask.op("&")(brief.categories_mask) != 0, *eligibility.eligible_clause(brief)]
    speaker = scoring.Speaker()
    scored = [(scoring.total(scoring.explain(profile, brief, speaker)), profile)
              for profile in db.session.scalars(select(C).where(*conditions))]
    scored.sort(key=lambda item: (-item[0], -item[1].follower_count, item[1].id))
    return scored[:limit]
