"""Classify the links in a text: affiliate, shop, short, and tracking parameters.

The host lists name the networks creators are paid through (Amazon Associates' amzn.to,
AliExpress Portals' ali.pub, LTK's rstyle.me / liketoknow.it / shopltk, ShopStyle Collective,
Rakuten LinkShare, CJ's click domains, Awin, ShareASale, Impact, Skimlinks, Taobao Alimama,
JD Union, Pinduoduo's promotion links) and the shops they point at. A shortener is a weaker
tell: it hides where the reader goes. Tracking parameters (``utm_*``, Amazon's ``tag=``,
``aff_id``…) show that someone is counting the clicks.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from marketplace.audit.disclosure import URL

AFFILIATE = "affiliate_link"
SHOP = "shop_link"
SHORT = "short_link"
TRACKING = "tracking_parameter"

_AFFILIATE_HOSTS = (
    "amzn.to", "amzn.eu", "amzn.asia", "ali.pub", "s.click.aliexpress.com", "click.aliexpress.com",
    "rstyle.me", "shopstyle.it", "shopstyle.com", "liketoknow.it", "liketk.it", "shopltk.com",
    "howl.me", "go.magik.ly", "click.linksynergy.com", "linksynergy.com", "rover.ebay.com",
    "awin1.com", "shareasale.com", "avantlink.com", "go.skimresources.com", "anrdoezrs.net",
    "jdoqocy.com", "tkqlhce.com", "dpbolvw.net", "kqzyfj.com", "emjcd.com", "pntra.com", "pjtra.com",
    "prf.hn", "sjv.io", "pxf.io", "refersion.com", "geni.us", "shop-links.co", "narrativ.com",
    "s.click.taobao.com", "uland.taobao.com", "union-click.jd.com", "u.jd.com", "p.pinduoduo.com",
    "mobile.yangkeduo.com", "s.click.tmall.com", "dwz.cn", "tb.cn",
)
_SHOP_HOSTS = (
    "amazon.", "taobao.com", "tmall.com", "jd.com", "3.cn", "pinduoduo.com", "yangkeduo.com",
    "etsy.com", "ebay.", "aliexpress.", "shopee.", "lazada.", "myshopify.com", "shopify.com",
    "walmart.com", "target.com", "sephora.", "ulta.com", "xiaohongshu.com/goods", "youzan.com",
    "weidian.com", "vipshop.com", "dewu.com", "shop.", "store.",
)
_SHORT_HOSTS = (
    "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly",
    "shorturl.at", "tiny.cc", "rb.gy", "t.cn", "url.cn", "a.co", "linktr.ee", "bio.link",
    "beacons.ai", "lnk.bio", "xhslink.com", "v.douyin.com",
)
_TRACKING = re.compile(
    r"^(?:utm_\w+|tag|aff|affid|aff_id|affiliate|affiliate_id|affiliateid|paffiliateid|a_aid|aff_sub\w*|"
    r"ref|ref_|refid|ref_id|referrer|ranmid|raneaid|ransiteid|irclickid|clickid|campid|subid|sub_id|"
    r"ascsubtag|linkcode|spm|pid|unionid|tt_from|share_token|sharer_\w+)$"
)


def classify(url: str) -> list[str]:
    """The kinds of one link, most telling first (empty for an ordinary link)."""
    address = url if "://" in url else "http://" + url
    try:
        parts = urlsplit(address)
    except ValueError:
        return []
    host = (parts.hostname or "").removeprefix("www.")
    host_path = host + parts.path
    kinds = []
    if _matches(host, host_path, _AFFILIATE_HOSTS):
        kinds.append(AFFILIATE)
    elif _matches(host, host_path, _SHOP_HOSTS):
        kinds.append(SHOP)
    elif _matches(host, host_path, _SHORT_HOSTS):
        kinds.append(SHORT)
    if any(_TRACKING.match(key) for key, _value in parse_qsl(parts.query, keep_blank_values=True)):
        kinds.append(TRACKING)
    return kinds


def _matches(host: str, host_path: str, names: tuple[str, ...]) -> bool:
    for name in names:
        if "/" in name:
            if host_path.startswith(name):
                return True
        elif name.endswith("."):
            if host.startswith(name) or ("." + name) in ("." + host):
                return True
        elif host == name or host.endswith("." + name):
            return True
    return False


def link_spans(folded: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each link in the folded text with its kinds; ordinary links are skipped."""
    if "." not in folded:
        return
    for match in URL.finditer(folded):
        start, end = match.span()
        while end > start and folded[end - 1] in ".,;:!?)。，；：！？":
            end -= 1
        kinds = classify(folded[start:end])
        if kinds:
            yield start, end, kinds
