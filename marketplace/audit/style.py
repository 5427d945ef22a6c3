"""Style features of an advertorial, for the learned model (not signals: nothing to highlight).

Undisclosed ads rarely say what they are. What published work on Chinese and English
advertorials finds instead is a *style*: urgency ("限时", "last chance"), hype and superlatives
("绝了", "yyds", "holy grail", "must-have"), prices and deals, naming the brand and its
official store, many exclamation marks — and the **absence** of what ordinary reviews carry:
hedges ("I think", "感觉", "可能") and complaints ("but", "缺点", "踩雷", "not worth").

``vector(folded)`` turns a folded text (``folding.fold``) into ``len(NAMES)`` numbers on 0–1.
The model learns their weights from labels; a hedge or complaint feature with a negative
weight is how "no hedges, no complaints" raises the score. Promo codes, purchase calls and
registered brands are detector signals already and enter the model from there.
"""
from __future__ import annotations

import math
import re

_URGENCY = re.compile(
    r"\b(?:limited (?:time|stock|edition|offer)|today only|ends (?:today|tonight|soon)|last chance|hurry|"
    r"only \d+ left|selling fast|sells? out|don'?t miss|while (?:stocks?|supplies) last|flash sale|act now|"
    r"before it'?s gone|right now)\b"
    r"|限时|限量|秒杀|手慢无|抢购|抢到|赶紧|快冲|冲鸭|速冲|库存(?:不多|有限|告急)|最后\d*(?:天|小时|波|一天)|"
    r"仅限|今晚|截止|倒计时|错过|先到先得|再不买|马上|立即|抓紧"
)
_HYPE = re.compile(
    r"\b(?:best|must[- ]have|holy grail|obsessed|game[- ]changer|amazing|incredible|life[- ]changing|"
    r"favou?rite|perfect|love love|can'?t live without|blown away|literally the best)\b"
    r"|绝了|绝绝子|yyds|天花板|神器|必入|必买|闭眼入|无限回购|回购|种草|宝藏|强推|安利|爱了|太好用|真的好用|"
    r"好用到|惊艳|封神|吹爆|一生推|救命|谁用谁知道|平替|大牌"
)
_HEDGE = re.compile(
    r"\b(?:i think|i guess|i feel like|maybe|perhaps|might|probably|not sure|in my opinion|imo|imho|"
    r"kind of|sort of|seems?|somewhat|personally|your mileage may vary|ymmv|depends)\b"
    r"|感觉|觉得|可能|也许|好像|似乎|个人(?:觉得|感觉|认为|意见)|因人而异|见仁见智|不确定|仅供参考|大概"
)
_COMPLAINT = re.compile(
    r"\b(?:but|however|though|although|disappoint\w*|downside|cons|wish it|too expensive|overpriced|"
    r"not worth|meh|broke|broken|returned|refund|pilled|pilling|irritat\w*|breakout|wouldn'?t|won'?t buy again|"
    r"not repurchasing|mediocre|average at best|worst)\b"
    r"|但是|不过|缺点|不足|踩雷|雷品|失望|一般般|不推荐|不值|难用|翻车|槽点|吐槽|退货|过敏|闷痘|搓泥|鸡肋|智商税"
)
_PRICE = re.compile(r"[$£€¥]\s?\d|\d+(?:\.\d+)?\s?(?:元|块|rmb|usd|dollars?)|到手价?|原价|券后|包邮|优惠价|活动价")
_BRAND_NAMING = re.compile(r"@[\w.]{2,30}|[™®]|官方旗舰店|旗舰店|官方|专柜|品牌方?|\bofficial (?:store|site|shop)\b")

NAMES = ("urgency", "hype", "hedge", "complaint", "exclamations", "price", "brand_naming", "length")


def _count(pattern: re.Pattern, text: str, cap: int) -> float:
    found = 0
    for _match in pattern.finditer(text):
        found += 1
        if found >= cap:
            break
    return found / cap


def vector(folded: str) -> list[float]:
    """Each style feature of an already folded text, on 0–1, in the order of ``NAMES``."""
    return [
        _count(_URGENCY, folded, 3),
        _count(_HYPE, folded, 3),
        1.0 if _HEDGE.search(folded) else 0.0,
        1.0 if _COMPLAINT.search(folded) else 0.0,
        min(folded.count("!"), 5) / 5,
        1.0 if _PRICE.search(folded) else 0.0,
        _count(_BRAND_NAMING, folded, 3),
        min(1.0, math.log1p(len(folded)) / 8),
    ]
