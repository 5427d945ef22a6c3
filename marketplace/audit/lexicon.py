"""The commercial tells the detector looks for, as compiled patterns over folded text.

Each finder takes the folded text (``folding.fold``: lower case, Simplified script, half-width)
and yields ``(start, end)`` spans; offsets are the same in the original text. The words come
from how sellers address buyers on Xiaohongshu, Douyin, Taobao, Instagram and YouTube:

- **promo codes** — "use code GLOW20", "20% off", 优惠码, 折扣码, 口令, 暗号, 满200减30, 8折,
  Taobao share tokens (¥AbC123xYz¥), TW 折扣碼 / 現折;
- **purchase calls** — "link in bio", "shop the look", "DM me", "swipe up", urgency ("limited
  time", "while stocks last"); 求链接, 私信, 小黄车, 左下角, 戳, 手刀 (TW: rush to buy), 团购,
  下单, 手慢无, 闭眼入.
Links (shop, affiliate, short links, tracking parameters) are classified in ``links``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

# Each list is compiled twice over: Latin phrases behind one word boundary, Chinese phrases as
# a plain alternation whose first characters the regex engine can skip to. One big mixed
# alternation tried every branch at every character (5,000-character notes took ~5 ms).
_PROMO_LATIN = (
    r"(?:promo|discount|coupon|voucher|offer|referral|checkout|creator|affiliate|exclusive)[ -]?codes?\b"
    r"|coupons?\b|vouchers?\b"
    r"|(?:use|using|enter|apply|with)\s+(?:my |the |our |code )?(?:code|coupon)\b"
    r"|\d{1,2}\s?%\s?(?:off|discount)\b|save \d{1,2}\s?%|bogo\b|buy one,? get one\b"
)
_PROMO_OTHER = (
    r"优惠码|折扣码|优惠代码|折扣代码|优惠券|优惠卷|折价券|抵用券|代金券|红包码|淘口令|口令|暗号|券后|领券"
    r"|满\d+减\d+|满减|立减|直降|现折|打折|折扣|\d(?:\.\d)?折|[一二三四五六七八九]{1,2}折(?!叠|腾|扣|断|返|磨|服|射)"
    r"|专属(?:福利|优惠|价|折扣)|粉丝(?:福利|专属|价)|福利价|秒杀价|到手价|内购价|输入(?:代码|暗号|口令)"
    r"|[$£€¥]\d+ off\b|¥[a-z0-9]{8,14}¥|€[a-z0-9]{8,14}€"
)
# "code: GLOW20" — the code itself, checked in the original text (see ``code_spans``).
_CODE_TOKEN = re.compile(r"(?:\bcode|\bcoupon|码|口令|暗号)\s*(?:is\s*)?[:=：\-\"'“「『]*\s*([a-z0-9][a-z0-9_-]{2,19})\b")

_PURCHASE_LATIN = (
    r"links? (?:is |are )?in (?:my |the )?(?:bio|profile|stories|story|highlights?)\b|link ?in ?bio\b"
    r"|links? (?:is |are )?(?:below|in (?:the |my )?(?:description|comments?|caption))\b"
    r"|swipe up\b|tap (?:the |to )?(?:link|shop|buy)\b|shop (?:the|my) (?:look|post|links?|favou?rites|faves|outfit)\b"
    r"|shop (?:now|here|it)\b|buy (?:it |them |this |one |yours )?(?:now|here|today)\b"
    r"|get (?:yours|it|one|them) (?:now|here|today|before)\b|grab (?:yours|one|it now)\b|order (?:now|yours|today)\b"
    r"|(?:dm|pm|message|inbox) (?:me|us)\b|dm (?:for|to) (?:order|buy|price|details|link)"
    r"|add (?:it |them )?to (?:your )?(?:cart|basket)\b"
    r"|limited (?:time|stock|offer|drop)\b|while (?:stocks?|supplies) lasts?\b|sells? out fast\b"
    r"|don'?t miss (?:out|it)\b|only \d+ left\b|(?:sale |offer |deal )?ends (?:today|tonight|soon|at midnight)\b"
    r"|last chance\b|flash sale\b|hurry\b"
)
_PURCHASE_OTHER = (
    r"求链接|蹲链接|要链接|链接(?:在|见|放|已放|挂)?(?:评论区?|置顶|主页|简介|下方|左下角|橱窗|小黄车)"
    r"|连结(?:在|放|于)?(?:留言|置顶|主页|简介|下方|首页)"
    r"|(?:点|戳|看)(?:击|一下)?(?:链接|连结|左下角|下方|主页|橱窗|小黄车|购物车|我主页)"
    r"|戳(?:我|这里|下方|链接|左下|主页|图|进)|手刀|小黄车|私信|私讯|私我|滴滴我|dd我|扣1|评论区扣"
    r"|左下角|橱窗|直播间|下单|拍下|加购|加入购物车|抢购|秒杀|限时|限量|手慢无|冲鸭|闭眼入|闭眼冲|无脑入"
    r"|赶紧(?:冲|入|买|下单|抢)|快去(?:买|抢|冲)|库存不多|最后\d+(?:天|小时|个|件)|仅限今天|错过(?:再等|不再)"
    r"|团购|开团|跟团|下标"
)


def _compile(latin: str, other: str) -> tuple[re.Pattern, re.Pattern]:
    return re.compile(r"\b(?:" + latin + ")"), re.compile(other)


_PROMO = _compile(_PROMO_LATIN, _PROMO_OTHER)
_PURCHASE = _compile(_PURCHASE_LATIN, _PURCHASE_OTHER)


def _spans(patterns: tuple[re.Pattern, re.Pattern], folded: str) -> Iterator[tuple[int, int]]:
    for pattern in patterns:
        for match in pattern.finditer(folded):
            yield match.span()


def promo_spans(folded: str) -> Iterator[tuple[int, int]]:
    return _spans(_PROMO, folded)


def code_spans(folded: str, original: str) -> Iterator[tuple[int, int]]:
    """The code after "code"/优惠码, when it looks like one in the original: it has a digit,
    or it is written in capitals ("use code SUMMER" but not "the code below")."""
    for match in _CODE_TOKEN.finditer(folded):
        start, end = match.span(1)
        token = original[start:end]
        has_digit = any(ch.isdigit() for ch in token)
        has_letter = any(ch.isalpha() for ch in token)
        if (has_digit and has_letter) or (token.isupper() and len(token) >= 4):
            yield start, end


def purchase_spans(folded: str) -> Iterator[tuple[int, int]]:
    return _spans(_PURCHASE, folded)
