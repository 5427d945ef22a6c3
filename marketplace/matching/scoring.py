"""The match score between one brief and one creator: 0–100 points, minus strikes.

| part        | points | how                                                            |
|-------------|--------|----------------------------------------------------------------|
| categories  | 30     | share of the brief's categories the creator posts in           |
| audience    | 20     | share of the creator's audience in the brief's regions         |
| engagement  | 20     | engagement rate, full marks at 10% (typical notes get 2–5%)   |
| price       | 15     | full when the quote fits the fee, scaled down by fee / quote   |
| on time     | 15     | share of past orders delivered on time; 7.5 with no history    |
| strikes     | −10    | per strike for undisclosed ads                                 |

The same formula exists twice: ``sql_score`` ranks inside the database (so 100,000
creators never leave it) and ``explain`` gives the parts in Python for the shown page.
Both do the same float operations in the same order, so they agree exactly (tested).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask_babel import get_locale, get_translations
from sqlalchemy import Float, case, cast, literal

from marketplace import taxonomy
from marketplace.briefs.models import Brief
from marketplace.creators.models import CreatorProfile as C, quote_column
from marketplace.formatting import bps
from marketplace.money import format_money as money

CATEGORY_POINTS = 30.0
AUDIENCE_POINTS = 20.0
ENGAGEMENT_POINTS = 20.0
ENGAGEMENT_FULL_BPS = 1000  # 10% engagement earns every engagement point
PRICE_POINTS = 15.0
ON_TIME_POINTS = 15.0
NO_HISTORY_POINTS = 7.5  # new creators are neither rewarded nor punished for no history
STRIKE_POINTS = -10.0


@dataclass(frozen=True)
class Reason:
    part: str  # "categories", "audience", "engagement", "price", "on_time", "strikes"
    points: float
    max_points: float
    words: str


def _bits(mask: int) -> list[int]:
    return [1 << i for i in range(mask.bit_length()) if mask & (1 << i)]


def _price_constant(brief: Brief) -> float:
    return PRICE_POINTS * brief.fee_cents


def sql_score(brief: Brief):
    """A SQL expression over ``creator_profiles`` equal to ``total(explain(creator, brief))``."""
    bits = _bits(brief.categories_mask)
    overlap = sum((case((C.categories_mask.op("&")(bit) != 0, 1), else_=0) for bit in bits), literal(0))
    categories = literal(CATEGORY_POINTS) * cast(overlap, Float) / len(bits)

    regions = brief.region_list
    if regions:
        share = (case((C.audience_region_1.in_(regions), C.audience_share_1), else_=0)
                 + case((C.audience_region_2.in_(regions), C.audience_share_2), else_=0)
                 + case((C.audience_region_3.in_(regions), C.audience_share_3), else_=0))
        audience = literal(AUDIENCE_POINTS) * cast(share, Float) / 100
    else:
        audience = literal(AUDIENCE_POINTS)

    capped = case((C.engagement_bps >= ENGAGEMENT_FULL_BPS, ENGAGEMENT_FULL_BPS), else_=C.engagement_bps)
    engagement = literal(ENGAGEMENT_POINTS) * cast(capped, Float) / ENGAGEMENT_FULL_BPS

    quote = quote_column(brief.deliverable)
    if brief.fee_mode == "quote":
        price = literal(PRICE_POINTS)
    else:
        price = case(
            (C.currency != brief.currency, literal(0.0)),
            (quote <= brief.fee_cents, literal(PRICE_POINTS)),
            else_=literal(_price_constant(brief)) / cast(quote, Float),
        )

    on_time = case(
        (C.orders_completed > 0,
         literal(ON_TIME_POINTS) * cast(C.orders_on_time, Float) / cast(C.orders_completed, Float)),
        else_=literal(NO_HISTORY_POINTS),
    )
    # Every term is a float (not PostgreSQL's slower numeric) so both databases agree with Python.
    strikes = literal(STRIKE_POINTS) * cast(C.strike_count, Float)
    return categories + audience + engagement + price + on_time + strikes


class Speaker:
    """Words for one page of results: translations fetched once, labels and amounts cached.

    A page explains 50 results with ~10 sentences each; Flask-Babel's ``gettext`` looks up
    its context on every call, which cost more than ranking 100,000 creators in SQL.
    """

    def __init__(self):
        self._translations = get_translations()
        self._locale = str(get_locale())
        self._labels: dict[str, str] = {}
        self._money: dict[tuple, str] = {}

    def __call__(self, message: str, **variables) -> str:
        text = self._translations.gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, count: int, /, **variables) -> str:
        """The sentence for ``count`` things, in the reader's language's plural form."""
        return self._translations.ngettext(singular, plural, count) % {"num": count, **variables}

    def label(self, code: str) -> str:
        if code not in self._labels:
            self._labels[code] = taxonomy.label(code)
        return self._labels[code]

    def money(self, cents: int | None, currency: str) -> str:
        key = (cents, currency)
        if key not in self._money:
            self._money[key] = _money_in(self._locale, cents, currency)
        return self._money[key]


class Tally(Speaker):
    """A speaker that says nothing: ``explain`` with it gives the same points with empty
    words, for ranking many results of which only a page is shown (and explained in words)."""

    def __init__(self):
        pass

    def __call__(self, message: str, **variables) -> str:
        return ""

    def ngettext(self, singular: str, plural: str, count: int, /, **variables) -> str:
        return ""

    def label(self, code: str) -> str:
        return ""

    def money(self, cents: int | None, currency: str) -> str:
        return ""


@lru_cache(maxsize=4096)
def _money_in(locale: str, cents: int | None, currency: str) -> str:
    """An amount as ``locale`` writes it. Formatting through Babel costs ~0.1 ms; quotes and
    fees repeat across pages and requests, so the words are kept (a pure function of its keys)."""
    return money(cents, currency)


def explain(creator: C, brief: Brief, speaker: Speaker | None = None) -> list[Reason]:
    """Each part of the score with its points and a sentence a person can check."""
    _ = speaker or Speaker()  # named _ so message extraction finds the sentences below
    reasons = []
    brief_codes = brief.categories
    shared = [code for code in creator.categories if code in brief_codes]
    overlap = bin(creator.categories_mask & brief.categories_mask).count("1")
    wanted = max(len(_bits(brief.categories_mask)), 1)
    names = ", ".join(_.label(c) for c in shared) or _("none")  # apart: the extractor misreads nested calls
    reasons.append(Reason("categories", CATEGORY_POINTS * overlap / wanted, CATEGORY_POINTS,
                          _.ngettext("Shares %(n)d of %(total)d category: %(names)s.",
                                     "Shares %(n)d of %(total)d categories: %(names)s.", wanted,
                                     n=overlap, total=wanted, names=names)))

    regions = brief.region_list
    if regions:
        parts = [(creator.audience_region_1, creator.audience_share_1),
                 (creator.audience_region_2, creator.audience_share_2),
                 (creator.audience_region_3, creator.audience_share_3)]
        inside = [(code, share) for code, share in parts if code in regions]
        share = 0
        for _code, part_share in inside:
            share += part_share
        detail = ", ".join(f"{_.label(code)} {part}%" for code, part in inside)
        words = (_("%(share)d%% of the audience is in the brief's regions (%(detail)s).", share=share, detail=detail)
                 if inside else _("None of the audience's top regions is among the brief's regions."))
        reasons.append(Reason("audience", AUDIENCE_POINTS * float(share) / 100, AUDIENCE_POINTS, words))
    else:
        reasons.append(Reason("audience", AUDIENCE_POINTS, AUDIENCE_POINTS,
                              _("The brief welcomes audiences in every region.")))

    capped = min(creator.engagement_bps, ENGAGEMENT_FULL_BPS)
    reasons.append(Reason("engagement", ENGAGEMENT_POINTS * float(capped) / ENGAGEMENT_FULL_BPS, ENGAGEMENT_POINTS,
                          _("Engagement rate %(rate)s (full marks at %(full)s).", rate=bps(creator.engagement_bps),
                            full=bps(ENGAGEMENT_FULL_BPS))))

    quote = creator.quote_for(brief.deliverable)
    if brief.fee_mode == "quote":
        reasons.append(Reason("price", PRICE_POINTS, PRICE_POINTS,
                              _("The brand pays the creator's quote (%(quote)s).",
                                quote=_.money(quote, creator.currency))))
    elif quote is None:
        reasons.append(Reason("price", 0.0, PRICE_POINTS, _("No quote for this format.")))
    elif creator.currency != brief.currency:
        reasons.append(Reason("price", 0.0, PRICE_POINTS,
                              _("The quote is in %(a)s and the fee in %(b)s, so they cannot be compared.",
                                a=creator.currency, b=brief.currency)))
    elif quote <= brief.fee_cents:
        reasons.append(Reason("price", PRICE_POINTS, PRICE_POINTS,
                              _("Quote %(quote)s fits the %(fee)s fee.", quote=_.money(quote, creator.currency),
                                fee=_.money(brief.fee_cents, brief.currency))))
    else:
        reasons.append(Reason("price", _price_constant(brief) / float(quote), PRICE_POINTS,
                              _("Quote %(quote)s is above the %(fee)s fee.", quote=_.money(quote, creator.currency),
                                fee=_.money(brief.fee_cents, brief.currency))))

    if creator.orders_completed > 0:
        reasons.append(Reason("on_time", ON_TIME_POINTS * float(creator.orders_on_time) / creator.orders_completed,
                              ON_TIME_POINTS, _("%(on_time)d of %(done)d orders delivered on time.",
                                                on_time=creator.orders_on_time, done=creator.orders_completed)))
    else:
        reasons.append(Reason("on_time", NO_HISTORY_POINTS, ON_TIME_POINTS,
                              _("No completed orders yet, so this counts as neutral.")))

    if creator.strike_count:
        reasons.append(Reason("strikes", STRIKE_POINTS * creator.strike_count, 0.0,
                              _.ngettext("%(n)d strike for undisclosed ads.", "%(n)d strikes for undisclosed ads.",
                                         creator.strike_count, n=creator.strike_count)))
    else:
        reasons.append(Reason("strikes", 0.0, 0.0, _("No strikes.")))
    return reasons


def total(reasons: list[Reason]) -> float:
    result = 0.0
    for reason in reasons:
        result += reason.points
    return result
