"""Score a note for undisclosed advertising, with every signal explained and its evidence marked.

Pure: no database, no app. The caller gathers a ``Context`` (registered brands, whether the
note is filed, recent failed orders, the creator's promo share) and calls ``detect``:

    detection = detect(note.title, note.body, Context(brands=..., filed=False))
    detection.score          # 0–100
    detection.signals        # [Signal(code, weight, evidence, explanation), ...]

| signal             | weight | fires on                                                      |
|--------------------|--------|---------------------------------------------------------------|
| ad_tag             | 55     | the note calls itself an ad / sponsored / affiliate, unfiled  |
| promo_code         | 40     | discount and promo codes, "20% off", 优惠码, 口令, 满减        |
| affiliate_link     | 40     | amzn.to, ali.pub, rstyle.me, liketoknow.it, s.click.taobao…   |
| failed_order       | 35     | names a brand whose order with the creator failed (90 days)  |
| brand              | 30     | a registered brand's name, handle or alias                    |
| purchase_call      | 30     | "link in bio", "DM me", 求链接, 私信, 小黄车, 戳, 手刀          |
| shop_link          | 25     | links to shops (Amazon, Taobao, JD, Etsy, Shopify…)           |
| tracking_parameter | 25     | utm_*, Amazon tag=, aff_id… in a link                         |
| promo_share        | 20     | the creator's flagged share this month is above the limit     |
| short_link         | 15     | bit.ly, goo.gl, t.cn… (hides where the reader goes)           |

A signal with more distinct evidence weighs a little more (+5 each, capped). Signals combine
as independent pieces of evidence (a noisy-OR): score = 100 × (1 − ∏(1 − weight/100)), so one
signal alone stays under the default queue threshold of 50 (except a self-declared ad tag on
an unfiled note) and two ordinary ones cross it. The weights are starting points that the
learned model (``learning``) re-weighs from staff decisions.

Spans are offsets into the *original* title or body: matching runs on ``folding.fold`` text
(Simplified script, lower case, half-width), which keeps every offset.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext

from marketplace.audit import lexicon, links
from marketplace.audit import disclosure as disclosures
from marketplace.audit.brands import Brand, matcher
from marketplace.audit.folding import fold

__all__ = ["Brand", "Context", "Detection", "Signal", "Span", "detect", "disclosure", "explain", "scan", "assess"]

# code: (weight, cap with more evidence)
WEIGHTS: dict[str, tuple[int, int]] = {
    "ad_tag": (55, 60),
    "promo_code": (40, 50),
    links.AFFILIATE: (40, 50),
    "failed_order": (35, 40),
    "brand": (30, 40),
    "purchase_call": (30, 45),
    links.SHOP: (25, 35),
    links.TRACKING: (25, 30),
    "promo_share": (20, 20),
    links.SHORT: (15, 25),
}
CODES = tuple(WEIGHTS)
EXTRA_EVIDENCE_POINTS = 5
DISCLOSURE_PREFIX = "disclosure."


@dataclass(frozen=True)
class Span:
    """Where evidence sits: ``original[start:end] == text`` in the note's ``field``."""

    field: str  # "title" or "body" ("text" for ``disclosure`` on a lone text)
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Signal:
    code: str
    weight: int
    evidence: tuple[Span | str, ...]  # spans in the text, or facts ("34%", a brand name)

    @property
    def explanation(self) -> str:
        """Plain words in the current request's language (English outside a request)."""
        return explain(self.code, self.evidence)

    def to_dict(self) -> dict:
        return {"code": self.code, "weight": self.weight, "explanation": self.explanation,
                "evidence": [e.to_dict() if isinstance(e, Span) else e for e in self.evidence]}


@dataclass(frozen=True)
class Detection:
    score: int
    signals: tuple[Signal, ...]

    def codes(self) -> set[str]:
        return {signal.code for signal in self.signals}

    def to_dict(self) -> dict:
        return {"score": self.score, "signals": [signal.to_dict() for signal in self.signals]}


@dataclass(frozen=True)
class Context:
    """What the caller knows beyond the text; every field has a harmless default."""

    brands: tuple[Brand, ...] = ()
    filed: bool = False
    failed_order_brands: tuple[str, ...] = ()  # brands with a declined/cancelled/expired order, 90 days
    promo_share_percent: float | None = None  # creator's share of flagged notes this month
    promo_share_threshold: float = 20.0  # PROMO_SHARE_PERCENT


@dataclass(frozen=True)
class Scan:
    """What the text alone shows: the expensive part, independent of filing and history."""

    found: dict[str, tuple[Span, ...]] = field(default_factory=dict)  # code -> spans
    disclosures: tuple[tuple[str, Span], ...] = ()  # (kind, span)
    brands_named: tuple[str, ...] = ()
    brand_of: dict[Span, str] = field(default_factory=dict)  # each brand span -> the brand's name

    def only_brands(self, names) -> Scan:
        """The same scan as if only ``names`` were registered (evaluation hides brands that
        only held-out rows name)."""
        allowed = {name.casefold() for name in names}
        kept = tuple(span for span in self.found.get("brand", ()) if self.brand_of[span].casefold() in allowed)
        found = {code: spans for code, spans in self.found.items() if code != "brand"}
        if kept:
            found["brand"] = kept
        return Scan(found, self.disclosures, tuple(n for n in self.brands_named if n.casefold() in allowed),
                    {span: self.brand_of[span] for span in kept})


def detect(title: str, body: str, context: Context | None = None) -> Detection:
    context = context or Context()
    return assess(scan(title, body, _brands_to_look_for(context)), context)


def _brands_to_look_for(context: Context) -> tuple[Brand, ...]:
    known = {brand.name.casefold() for brand in context.brands}
    extra = tuple(Brand(name) for name in context.failed_order_brands if name.casefold() not in known)
    return context.brands + extra


def scan(title: str, body: str, brands: tuple[Brand, ...] = ()) -> Scan:
    found: dict[str, list[Span]] = {}
    found_disclosures: list[tuple[str, Span]] = []
    named: list[str] = []
    brand_of: dict[Span, str] = {}
    brand_matcher = matcher(tuple(brands))
    for field_name, original in (("title", title or ""), ("body", body or "")):
        if not original:
            continue
        folded = fold(original)

        def add(code: str, start: int, end: int) -> Span:
            span = Span(field_name, start, end, original[start:end])
            found.setdefault(code, []).append(span)
            return span

        for start, end, name in brand_matcher.find(folded):
            brand_of[add("brand", start, end)] = name
            named.append(name)
        for start, end in lexicon.promo_spans(folded):
            add("promo_code", start, end)
        for start, end in lexicon.code_spans(folded, original):
            add("promo_code", start, end)
        for start, end in lexicon.purchase_spans(folded):
            add("purchase_call", start, end)
        for start, end, kinds in links.link_spans(folded):
            for kind in kinds:
                add(kind, start, end)
        for mark in disclosures.find(folded):
            found_disclosures.append((mark.kind, Span(field_name, mark.start, mark.end,
                                                      original[mark.start:mark.end])))
    return Scan({code: tuple(_unique(spans)) for code, spans in found.items()},
                tuple(found_disclosures), tuple(dict.fromkeys(named)), brand_of)


def assess(scanned: Scan, context: Context) -> Detection:
    """Signals and score from a scan and the caller's context (cheap; no text work)."""
    signals = [_signal(code, spans) for code, spans in scanned.found.items()]
    if scanned.disclosures and not context.filed:
        signals.append(_signal("ad_tag", _unique(span for _kind, span in scanned.disclosures)))
    failed = {name.casefold(): name for name in context.failed_order_brands}
    repeated = [name for name in scanned.brands_named if name.casefold() in failed]
    if repeated:
        signals.append(_signal("failed_order", tuple(repeated)))
    share = context.promo_share_percent
    if share is not None and share > context.promo_share_threshold:
        signals.append(_signal("promo_share", (f"{share:.0f}%", f"{context.promo_share_threshold:.0f}%"),
                               distinct=1))
    signals.sort(key=lambda s: (-s.weight, CODES.index(s.code)))
    return Detection(combine(s.weight for s in signals), tuple(signals))


def combine(weights) -> int:
    """Noisy-OR of independent signals, 0–100."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight / 100.0
    return round(100 * (1.0 - remaining))


def disclosure(text: str, field: str = "text") -> list[Signal]:
    """The markers by which ``text`` discloses its commercial nature, one signal per kind
    (codes ``disclosure.ad_label``, ``.sponsored``, ``.affiliate``, ``.support``, ``.referral``, ``.gifted``)."""
    by_kind: dict[str, list[Span]] = {}
    for mark in disclosures.find(fold(text or "")):
        by_kind.setdefault(mark.kind, []).append(Span(field, mark.start, mark.end, text[mark.start:mark.end]))
    weight = WEIGHTS["ad_tag"][0]
    return [Signal(DISCLOSURE_PREFIX + kind, weight, tuple(_unique(by_kind[kind])))
            for kind in disclosures.KINDS if kind in by_kind]


def _signal(code: str, evidence, distinct: int | None = None) -> Signal:
    base, cap = WEIGHTS[code]
    evidence = tuple(evidence)
    if distinct is None:
        distinct = len({(e.text.casefold() if isinstance(e, Span) else e) for e in evidence})
    return Signal(code, min(cap, base + EXTRA_EVIDENCE_POINTS * max(0, distinct - 1)), evidence)


def _unique(spans) -> list[Span]:
    seen: dict[tuple, Span] = {}
    for span in spans:
        seen.setdefault((span.field, span.start, span.end), span)
    return sorted(seen.values(), key=lambda s: (s.field != "title", s.start, -s.end))


def explain(code: str, evidence) -> str:
    """One sentence a creator or staff member can check against the highlighted text."""
    _ = gettext
    examples = _quote(evidence)
    if code == "brand":
        return _("Names the registered brand %(examples)s.", examples=examples)
    if code == "promo_code":
        return _("Offers a discount or promo code: %(examples)s.", examples=examples)
    if code == links.AFFILIATE:
        return _("Links through an affiliate network, which pays per sale: %(examples)s.", examples=examples)
    if code == links.SHOP:
        return _("Links to a shop: %(examples)s.", examples=examples)
    if code == links.SHORT:
        return _("Uses a short link that hides where it leads: %(examples)s.", examples=examples)
    if code == links.TRACKING:
        return _("A link carries tracking or referral parameters: %(examples)s.", examples=examples)
    if code == "purchase_call":
        return _("Asks readers to buy or get in touch: %(examples)s.", examples=examples)
    if code == "ad_tag":
        return _("Says it is paid, sponsored or an ad (%(examples)s), but the note is not filed.",
                 examples=examples)
    if code == "failed_order":
        return _("Names %(examples)s, whose order with this creator was declined, cancelled or expired "
                 "in the last 90 days.", examples=examples)
    if code == "promo_share":
        share, limit = (list(evidence) + ["?", "?"])[:2]
        return _("%(share)s of the creator's notes this month were flagged as promotional (the limit is "
                 "%(limit)s).", share=share, limit=limit)
    if code.startswith(DISCLOSURE_PREFIX):
        return _("Discloses a commercial relationship: %(examples)s.", examples=examples)
    return code


def _quote(evidence, limit: int = 3) -> str:
    texts = list(dict.fromkeys(" ".join((e.text if isinstance(e, Span) else str(e)).split()) for e in evidence))
    shown = ", ".join(f"“{text[:60]}”" for text in texts[:limit])
    return shown + (" …" if len(texts) > limit else "")
