"""Recognise a text that *discloses* its commercial nature: the markers disclosure rules ask for.

The rules are the ones a careful reader of the guidance would write, not phrases mined from
any data set:

- **Ad labels** — the US FTC Endorsement Guides (16 CFR 255) and their FAQs accept "#ad",
  "Ad:", "sponsored", "paid partnership", "#[brand]partner"/"ambassador"; the UK ASA/CAP
  influencer guide asks for "Ad", "Advert", "Advertisement (feature)", "#ad" up front;
  China's Advertising Law (art. 14) and the 2023 Internet Advertising Measures (art. 9) ask
  for a visible 「广告」 label. Creators also write #广告, #合作, 赞助, 推广, and in Taiwan
  業配 / 工商 / 置入性行銷; 恰饭 is the Chinese internet's wink for "this one pays".
- **Sponsorship** — "sponsored by", "thanks to X for sponsoring", "in partnership with",
  "brought to you by", 本期由…赞助, 感谢…赞助.
- **Affiliate links** — the FTC's preferred "I earn a commission if you buy through these
  links", "affiliate link", "as an Amazon Associate I earn from qualifying purchases",
  referral links, "at no extra cost to you"; 佣金, 推广链接, 分润.
- **Support by buying** — "buying through my links supports the channel": the reader is told
  that the creator gains from the purchase (Mathur et al. 2018 call this channel support).
- **Referral links** — "sign up with my referral link": the reader gets a sign-up
  credit and so does the creator. A material connection, but not a commission on what the
  reader buys, so it is its own kind (Mathur et al.'s coders did not count it as affiliate).
- **Gifts** — free products are a material connection too: "gifted", "PR sample", "sent to me
  for free", "in exchange for a review"; 品牌方寄送, 公关品.

A marker that is negated ("not sponsored", 非广告, 无广告) or that invites business ("for
sponsorship inquiries", 商务合作请联系) is not a disclosure. Links are masked before matching
so that ``?affiliate_id=`` inside a URL is not mistaken for words.

Everything works on ``folding.fold`` output (lower case, Simplified script), so the offsets
returned are offsets into the original text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from marketplace.audit.folding import fold

# Kinds of disclosure, in the order they are reported.
AD_LABEL = "ad_label"
SPONSORED = "sponsored"
AFFILIATE = "affiliate"
SUPPORT = "support"
GIFTED = "gifted"
REFERRAL = "referral"
KINDS = (AD_LABEL, SPONSORED, AFFILIATE, SUPPORT, REFERRAL, GIFTED)

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'“”‘’()（）【】\[\]{}|\u3000-\u9fff\uff00-\uffef]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|to|ly|gl|me|it|cn|tv|us|uk|de|ca|pub)/"
    r"[^\s<>\"'“”()（）【】\u3000-\u9fff\uff00-\uffef]*",
    re.I,
)

_W = r"(?:[\w'-]+\s+)"  # one English word and its space, for short gaps inside a phrase

_RULES: list[tuple[str, str, str]] = [
    # (kind, flags, pattern). Flags: n = negation check, c = business-inquiry check.
    # -- ad labels --
    (AD_LABEL, "", r"#(?:ad|ads|advert|advertisement|advertising|sponsored|sponsor|spon|paidad|paidpost"
                   r"|paidpartner(?:ship)?|partner(?:ship)?|gifted|prsample|ambassador|brandambassador)(?![\w-])"),
    (AD_LABEL, "", r"#[a-z0-9_]{2,30}(?:partner|ambassador)(?![\w-])"),
    (AD_LABEL, "", r"(?:^|(?<=[\[(|•·*>【]))[ \t]*(?:ad|advert|advertisement|advertorial|sponsored|paid ad)"
                   r"[ \t]*(?=[\])|:•·*】–—]|-(?![a-z])|$)"),  # "Ad: …", "[AD]", but not "ad-free"
    (AD_LABEL, "n", r"\b(?:advertorial|advertisement feature|paid (?:partnership|promotion|endorsement|post"
                    r"|placement|sponsorship|collaboration)|promotional (?:post|content|consideration)"
                    r"|includes? paid promotion)\b"),
    (AD_LABEL, "", r"#(?:广告|赞助|合作|推广|业配|工商|恰饭|品牌合作|商业合作|有偿推广|付费推广)"),
    # German, French, Spanish and Portuguese ad labels (German law asks for "Werbung"/"Anzeige").
    (AD_LABEL, "", r"#(?:werbung|anzeige|unbezahltewerbung|publicidad|publicidade|publi|pub|sponsoris[eé]|"
                   r"patrocinado|patrocinio|colaboraci[oó]n)(?![\w-])"),
    (AD_LABEL, "", r"(?:^|(?<=[\[(|•·*>【]))[ \t]*(?:werbung|anzeige|publicidad|publicit[eé])[ \t]*(?=[\])|:•·*】]|$)"),
    (AD_LABEL, "", r"[\[【(（<《]\s*(?:广告|赞助|推广|业配|工商|合作|品牌合作|商业推广)\s*[\]】)）>》]"),
    (AD_LABEL, "", r"(?:^|(?<=[\n|]))[ \t]*(?:广告|推广|业配|赞助)[ \t]*(?=[:|]|$)"),
    (AD_LABEL, "nc", r"(?:本|此|这)(?:篇|条|期|支|则|次|个)?(?:文章|文|笔记|视频|帖子|帖|内容|推文|影片|期|篇)"
                     r"[^。!?\n]{0,12}?(?:广告|推广|赞助|业配|工商|恰饭|商单|商业合作|品牌合作)"),
    (AD_LABEL, "nc", r"业配|工商(?:文|时间|合作|置入|推广)|置入性?营销|置入性?行销|恰饭|有偿推广|付费推广"
                     r"|(?:品牌|商业|付费|有偿)合作"),
    # Bare 广告 is left out on purpose: people talk about ads ("这个广告拍得真好"). It counts
    # as a label (#广告, 【广告】, a line of its own) or said of the note itself.
    (AD_LABEL, "nc", r"(?:这|此|本)(?:篇|条|个|则|支)?(?:是|为)(?:一)?(?:篇|条|个|则|支)?(?:广告|推广|软广|硬广)"
                     r"|含(?:有)?(?:广告|推广)(?:内容|链接)?|软广|硬广"),
    # -- sponsorship --
    (SPONSORED, "nc", r"\bsponsor(?:ed|ing|s|ship)?\b"),
    (SPONSORED, "n", r"\b(?:brought to you by|in (?:paid )?partnership with|partnered with|"
                     r"(?:thanks?|thank you|grateful) (?:to )?(?:[\w'&.-]+\s+){0,4}for (?:sponsoring|partnering|"
                     r"supporting this (?:video|post|episode)|making this (?:video|post|episode) possible))"),
    (SPONSORED, "nc", r"赞助"),
    # -- affiliate links and commissions --
    (AFFILIATE, "", r"#(?:affiliate(?:link)?s?|aff|afflinks?|commissionlink|commissionsearned|earnscommission)(?![\w-])"),
    # "affiliate marketing / programs / sales" is a topic (how-to videos), not a disclosure, and
    # "Social Media & Affiliates" heads a list of related channels.
    (AFFILIATE, "n", r"\baffiliat(?:e|ed|es(?<!& affiliates)(?<!and affiliates))\b"
                     r"(?![ -](?:marketing|marketer|program|network|sales|business))"
                     r"|\baff\.? ?links?\b"),
    (AFFILIATE, "", r"\bamazon associates?\b|\bas an? (?:[\w-]+ ){0,2}associate\b|\bqualifying purchases\b"
                    r"|\b(?:participa\w*|member|part) (?:in|of) (?:the )?(?:[\w.,&-]+ ){0,5}"
                    r"(?:affiliate|associates?|partner|referral) program"),
    (AFFILIATE, "n", r"\b(?:partner|associate|commission(?:ed|able)?|paid|rewards?) links?\b"),
    # -- referral links: a sign-up credit for a friend, a relationship of its own --
    (REFERRAL, "n", r"\breferral (?:links?|codes?|program(?:me)?s?|bonus(?:es)?|credits?)\b"),
    (AFFILIATE, "n", r"\b(?:earn|earns|earned|earning|receive|receives|received|receiving|get|gets|getting|got|make|"
                     r"makes|making|collect|collects|paid|pay|pays|take|takes)\s+" + _W + r"{0,4}commissions?\b"
                     r"|\bcommissions? (?:earned|from|on|if|when|for (?:any|purchases|sales|qualifying))\b"
                     r"|\b(?:small|tiny|little) (?:commission|percentage|portion|cut|fee|kickback)\b|\bkickbacks?\b"),
    (AFFILIATE, "", r"\b(?:at|for) no (?:extra|additional) (?:cost|charge)\b|\bno (?:extra|additional) cost to you\b"
                    r"|\bwithout (?:any )?(?:extra|additional) cost to you\b|\bdoesn'?t cost you (?:anything|a penny)"),
    (AFFILIATE, "n", r"\b(?:i|we|he|she|they)(?:'ll|'d| will| may| might| could| would| can| do| also)? (?:\w+ ){0,2}"
                     r"(?:earn|receive|get|make|collect|gain)s? " + _W + r"{0,3}(?:money|compensation|commission|"
                     r"percentage|portion|share|cut|kickback|fee|pennies|cents|credit|revenue|proceeds|"
                     r"small amount|bit of money)\b"),
    (AFFILIATE, "n", r"\bcompensat(?:ed|ion)\b"),
    (AFFILIATE, "n", r"佣金|分润|返佣|(?:推广|联盟|分销|带货|佣金|返利)链接"),
    # A cut of the sale: 分成 / 提成 alone also mean "split into" / "draw out", so only after a
    # verb of getting ("我会得到一点分成", "博主有提成").
    (AFFILIATE, "n", r"(?:获得|得到|拿到|赚|赚到|有|抽)(?:一点|一些|少量|少许|部分|小额)?(?:的)?(?:分成|提成|返利)"),
    # Affiliate links in German, French, Spanish and Portuguese descriptions.
    (AFFILIATE, "n", r"\b(?:partnerprogramm\w*|partner-?links?|werbelinks?|provisionslinks?|affiliate-?programm\w*)\b"
                     r"|\b(?:enlaces?|links?|v[ií]nculos?) (?:de )?afiliad[oa]s?\b|\bafiliad[oa]s?\b"
                     r"|\bliens? (?:d'affiliation|affili[eé]s?|sponsoris[eé]s?|commissionn[eé]s?)\b|\baffili[eé]s?\b"),
    # -- support by buying (checked per sentence below) --
    # -- gifts --
    (GIFTED, "n", r"\bgifted\b|\bpr (?:sample|package|product|gift|box)s?\b|\bpress (?:sample|trip|gift)s?\b"),
    (GIFTED, "n", r"\b(?:sent|given|provided|gifted|supplied|received|got)\b (?:\w+ ){0,4}"
                  r"(?:for free|free of charge|complimentary|at no cost|for review|to review|for (?:my )?consideration)"),
    (GIFTED, "", r"\bin exchange for (?:an? |my )?(?:honest |unbiased |fair )?(?:review|post|feature|mention)s?\b"),
    (GIFTED, "n", r"(?:品牌方?|官方|商家)(?:赠送|寄送|提供|送的|寄来|邀请)|公关品|公关礼|pr品|(?:受邀|应邀)(?:体验|试用|参加)"),
]

_COMPILED = [(kind, flags, re.compile(pattern, re.M)) for kind, flags, pattern in _RULES]

# Support by buying: a creator-gain verb and a purchase in one sentence, in either order,
# or a request to route everyday shopping through the creator's link.
_SUPPORT = re.compile(
    r"\b(?:support|supports|supporting|help|helps|helping)\b(?: [\w.'-]+){0,3}? "
    r"(?:me|us|the|my|this|our)(?: \w+){0,2}? (?:channel|show|blog|site|website|page|podcast|work|"
    r"content|videos?|family|efforts?|creators?)\b"
    r"|\b(?:support|supports|supporting|help|helps|helping)\b(?:[^.!?\n]|\.(?=\S)){0,40}?\b(?:by|while|when|through|"
    r"via|with) (?:\w+ ){0,3}?(?:shopping|buying|purchasing|ordering|clicking|using (?:this|these|my|our|the) "
    r"(?:\w+ )?links?)\b"
    r"|\b(?:links?|purchases?|shopping|buying)\b[^.!?\n]{0,40}?\b(?:supports?|helps?)\b(?: \w+){0,2}?"
    r" (?:me|us|the|my|this|our)\b"
    r"|支持(?:一下)?(?:我|本|up|博主|频道|小店)"
)
_SUPPORT_BY_BUYING = re.compile(
    r"\b(?:links?|buy|buying|bought|purchas\w*|shop|shops|shopping|order|ordering|amazon|click\w*|checkout)\b"
    r"|链接|购买|下单|买"
)
_SUPPORT_NOT_BUYING = re.compile(r"\b(?:patreon|donat\w*|paypal|tip jar|ko-fi|subscrib\w*)\b|打赏|订阅|关注")
_SHOP_THROUGH_ME = re.compile(
    r"\b(?:use|bookmark|go through|shop through|click)\b (?:this|my|our|these|[\w'-]+'s?) (?:[\w-]+ )?links? "
    r"(?:\w+ )?(?:before|when|whenever|every ?time|to do) (?:you(?:'re| are)? )?(?:\w+ )?"
    r"(?:shop|shopping|buy|buying|order|ordering|do your shopping)\b"
)

# A full stop ends a sentence only before a space: "U.K." and "bookdepository.com" do not.
_SENTENCE_END = re.compile(r"[!?。!?\n]|\.(?=\s|$)")
_CONTRAST = re.compile(r"\b(?:but|however|although|though|except|unless)\b|但|不过|然而")
_EN_NEGATORS = {"not", "no", "never", "nor", "without", "non", "zero", "isn't", "wasn't", "aren't", "weren't",
                "don't", "doesn't", "didn't", "haven't", "hasn't", "won't", "nothing", "neither", "un"}
_EN_NEGATORS |= {"kein", "keine", "keinen", "nicht", "sin", "sans", "aucun", "aucune", "pas", "nunca", "jamais"}  # de, es, fr
_EN_WORD = re.compile(r"[a-z']+")
_ANSWERED_NO = re.compile(r"\s*[:=-]?\s*(?:no|none|n/a|false)\b")  # "Affiliated: No" in a metadata list
_ZH_NEGATION = re.compile(r"(?:非|无|不是|没有|不含|没|不|拒绝|零|未)\s*$")
_INQUIRY_BEFORE = re.compile(
    r"(?:for|interested in|open to|looking for|seeking|want to|inquir\w*|enquir\w*|business|about|accept\w*|"
    r"商务|接|承接|欢迎|寻求|寻找|招|求|可|洽谈)\s*(?:\w+\s+)?$")
_INQUIRY_AFTER = re.compile(
    r"^\s*(?:inquir|enquir|opportunit|request|proposal|offer|contact|email|e-mail|please|or business|"
    r"请|可|欢迎|联系|私信|私我|咨询|邮箱|加|dm|vx|微信|wechat|[:：@]|洽谈)")


@dataclass(frozen=True)
class Mark:
    """One disclosure marker: its kind and where it sits in the text."""

    kind: str
    start: int
    end: int


def find(folded: str) -> list[Mark]:
    """Every disclosure marker in an already folded text, sorted by position."""
    text = _mask_links(folded)
    marks: list[Mark] = []
    for kind, flags, pattern in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            if "n" in flags and (_negated(text, start) or _negated_inside(text[start:end])
                                 or _ANSWERED_NO.match(text, end)):
                continue
            if "c" in flags and _invites_business(text, start, end):
                continue
            marks.append(Mark(kind, start, end))
    marks.extend(_support_marks(text))
    return _dedupe(marks)


def find_in(text: str) -> list[Mark]:
    return find(fold(text))


def _mask_links(text: str) -> str:
    if "." not in text:
        return text
    return URL.sub(lambda m: " " * (m.end() - m.start()), text)


def _sentence_start(text: str, position: int) -> int:
    window_start = max(0, position - 120)
    head = text[window_start:position]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    return window_start + (ends[-1] if ends else 0)


def _negated(text: str, start: int) -> bool:
    """A negation earlier in the same clause: "not sponsored", "I have not been paid by any
    brand, advertiser or affiliate", 非广告; a "but" in between starts a new clause."""
    before = text[_sentence_start(text, start):start]
    if _ZH_NEGATION.search(before[-4:]):
        return True
    contrast = None
    for contrast in _CONTRAST.finditer(before):
        pass
    if contrast is not None:
        before = before[contrast.end():]
    words = _EN_WORD.findall(before.replace("-", " "))[-12:]
    return any(word in _EN_NEGATORS or word.endswith("n't") for word in words)


def _negated_inside(span: str) -> bool:
    # "I get no money for these links" matches the earning rule with the negation inside it.
    return any(word in _EN_NEGATORS or word.endswith("n't") for word in _EN_WORD.findall(span))


def _invites_business(text: str, start: int, end: int) -> bool:
    before = text[_sentence_start(text, start):start][-24:]
    after = text[end:end + 16]
    return bool(_INQUIRY_BEFORE.search(before) or _INQUIRY_AFTER.search(after))


def _support_marks(text: str) -> list[Mark]:
    marks = [Mark(SUPPORT, m.start(), m.end()) for m in _SHOP_THROUGH_ME.finditer(text)
             if not _negated(text, m.start())]
    for match in _SUPPORT.finditer(text):
        start = _sentence_start(text, match.start())
        found_end = _SENTENCE_END.search(text, match.end())
        end = found_end.start() if found_end else len(text)
        sentence = text[start:end]
        if match.group().endswith("clicking"):
            # "Support the show by clicking (bookmark it!) this link before you shop": the
            # purchase may follow in the next sentence.
            sentence = text[start:end + 80]
        if _SUPPORT_BY_BUYING.search(sentence) and not _SUPPORT_NOT_BUYING.search(sentence):
            if not _negated(text, match.start()):
                marks.append(Mark(SUPPORT, match.start(), match.end()))
    return marks


def _dedupe(marks: list[Mark]) -> list[Mark]:
    """Drop markers inside a longer marker (``#ad`` within ``#ad`` found by two rules)."""
    marks.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mark] = []
    for mark in marks:
        if kept and mark.start >= kept[-1].start and mark.end <= kept[-1].end:
            continue
        kept.append(mark)
    return kept
