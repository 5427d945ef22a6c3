"""Each detector signal fires on what it should and stays quiet otherwise, in English,
Simplified and Traditional Chinese; evidence points at the original characters."""
import pytest

from marketplace.audit.detector import Brand, Context, detect
from tests.audit.helpers import assert_spans_point_at_original, codes, evidence_texts

GLOW = Context(brands=(Brand("Glow Lab", handle="@glowlab", aliases=("光研实验室",)), Brand("Nova")))


@pytest.mark.parametrize("body, expected", [
    ("Tried the new Glow Lab serum today", ["Glow Lab"]),
    ("thanks @glowlab for the box", ["@glowlab"]),
    ("GLOW  LAB never disappoints", ["GLOW  LAB"]),
    ("光研实验室的防晒真的不错", ["光研实验室"]),
    ("光研實驗室的防曬真的不錯", ["光研實驗室"]),  # registered in Simplified, written in Traditional
])
def test_brand_names_handles_and_aliases(body, expected):
    detection = detect("", body, GLOW)
    assert evidence_texts(detection, "brand") == expected
    assert_spans_point_at_original(detection, "", body)


@pytest.mark.parametrize("body", [
    "My skin is glowing after the lab visit",
    "innovation takes time",  # "Nova" only as a whole word
    "今天阳光很好，去实验室加班",
    "今天陽光很好，去實驗室加班",
])
def test_brand_absent(body):
    assert "brand" not in codes(body, context=GLOW)


@pytest.mark.parametrize("body, must_include", [
    ("use code GLOW20 for 20% off", ["use code", "GLOW20", "20% off"]),
    ("Promo code: SUMMER at checkout", ["Promo code", "SUMMER"]),
    ("输入优惠码立减30元，券后只要99", ["优惠码", "立减", "券后"]),
    ("复制口令 ¥AbC123xYz9¥ 打开淘宝，全场8折", ["口令", "¥AbC123xYz9¥", "8折"]),
    ("結帳輸入折扣碼 LIN88 現折100", ["折扣碼", "LIN88", "現折"]),
])
def test_promo_codes(body, must_include):
    detection = detect("", body)
    found = evidence_texts(detection, "promo_code")
    for text in must_include:
        assert text in found
    assert_spans_point_at_original(detection, "", body)


@pytest.mark.parametrize("body", [
    "the code below is in Python, I wrote some code today",
    "这件衣服可以折叠收纳，出门很方便",
    "這本書的折頁設計很精緻",
])
def test_promo_codes_absent(body):
    assert "promo_code" not in codes(body)


@pytest.mark.parametrize("body, code, link", [
    ("Grab it here amzn.to/3xYz !", "affiliate_link", "amzn.to/3xYz"),
    ("My outfit: https://rstyle.me/n/abc123", "affiliate_link", "https://rstyle.me/n/abc123"),
    ("链接：https://s.click.taobao.com/t?e=abc", "affiliate_link", "https://s.click.taobao.com/t?e=abc"),
    ("在這裡買 https://item.taobao.com/item.htm?id=123，超划算", "shop_link", "https://item.taobao.com/item.htm?id=123"),
    ("More here https://bit.ly/3abc", "short_link", "https://bit.ly/3abc"),
    ("戳 https://t.cn/A6xyz 看看", "short_link", "https://t.cn/A6xyz"),
    ("see https://glowlab.example.com/p/1?utm_source=xhs&utm_medium=note", "tracking_parameter",
     "https://glowlab.example.com/p/1?utm_source=xhs&utm_medium=note"),
])
def test_shop_affiliate_short_links_and_tracking(body, code, link):
    detection = detect("", body)
    assert evidence_texts(detection, code) == [link]
    assert_spans_point_at_original(detection, "", body)


@pytest.mark.parametrize("body", [
    "Code is on https://github.com/pappus/pappus and docs at https://example.org/guide",
    "我的博客 https://example.com/blog/2024/hiking 记录了路线",
    "我的部落格 https://example.com/blog/2024/hiking 記錄了路線",
])
def test_ordinary_links_are_not_signals(body):
    assert not codes(body) & {"affiliate_link", "shop_link", "short_link", "tracking_parameter"}


@pytest.mark.parametrize("body, must_include", [
    ("Obsessed with this jacket, link in bio!", ["link in bio"]),
    ("DM me for the price", ["DM me"]),
    ("limited time only, shop the look", ["limited time", "shop the look"]),
    ("求链接的姐妹看评论区置顶，小黄车已挂", ["求链接", "小黄车"]),
    ("私信我拿价格，戳左下角", ["私信", "戳左下角"]),
    ("連結在留言區，手刀下單", ["連結在留言", "手刀", "下單"]),
    ("想要的私訊我", ["私訊"]),
])
def test_purchase_calls(body, must_include):
    detection = detect("", body)
    found = evidence_texts(detection, "purchase_call")
    for text in must_include:
        assert text in found
    assert_spans_point_at_original(detection, "", body)


@pytest.mark.parametrize("body", [
    "Send me a message when you land, I read a paper on bio chemistry",
    "今天在家做饭，番茄炒蛋",
    "今天天氣很好，出門散步",
])
def test_purchase_calls_absent(body):
    assert "purchase_call" not in codes(body)


@pytest.mark.parametrize("body, must_include", [
    ("New serum! #ad", ["#ad"]),
    ("This video is sponsored by Glow Lab.", ["sponsored"]),
    ("Paid partnership with TrailMate", ["Paid partnership"]),
    ("These are affiliate links: I earn a small commission at no extra cost to you.",
     ["affiliate", "I earn a small commission", "at no extra cost"]),
    ("#广告 这支口红显白", ["#广告"]),
    ("本文由光研赞助，#合作", ["本文由光研赞助", "#合作"]),
    ("这是一条软广，含推广链接", ["这是一条软广", "含推广链接"]),
    ("本篇為業配文，感謝光研贊助", ["本篇為業配", "業配", "贊助"]),
    ("#業配 這款防曬很清爽", ["#業配"]),
])
def test_self_declared_ad_tags_on_unfiled_notes(body, must_include):
    detection = detect("", body)
    found = evidence_texts(detection, "ad_tag")
    for text in must_include:
        assert any(text in item for item in found), (text, found)
    assert_spans_point_at_original(detection, "", body)


@pytest.mark.parametrize("body", [
    "#adorable puppy at the #adventure park",
    "This video is not sponsored, I bought everything myself.",
    "I am not affiliated with any of these brands.",
    "For sponsorship inquiries email me",
    "Ad-free version of the app; here is the tracking link for my parcel",
    "非广告，纯分享，自费购买",
    "商务合作请私信，广告公司上班的日常",
    "昨天看到的那个广告拍得真好看",
    "無業配，自費購買，非廣告",
])
def test_ad_tags_absent(body):
    assert "ad_tag" not in codes(body)


@pytest.mark.parametrize("body", ["Loving it #ad #sponsored", "#广告 新品试色", "#業配 新品試色"])
def test_filed_note_has_no_ad_tag_signal(body):
    assert "ad_tag" in codes(body, context=Context(filed=False))
    assert "ad_tag" not in codes(body, context=Context(filed=True))


@pytest.mark.parametrize("brand, body", [
    ("TrailMate", "Hiking in my TrailMate boots"),
    ("光研实验室", "光研实验室的新品"),
    ("光研实验室", "光研實驗室的新品"),
])
def test_recent_failed_order_with_the_named_brand(brand, body):
    context = Context(brands=(Brand(brand),), failed_order_brands=(brand,))
    detection = detect("", body, context)
    assert evidence_texts(detection, "failed_order") == [brand]


@pytest.mark.parametrize("body", ["Glow Lab serum, a quiet morning", "光研实验室的面霜，今天去爬山", "光研實驗室的面霜，今天去爬山"])
def test_failed_order_needs_that_brand_in_the_note(body):
    context = Context(brands=(Brand("TrailMate"), Brand("Glow Lab"), Brand("光研实验室")),
                      failed_order_brands=("TrailMate",))
    assert "failed_order" not in codes(body, context=context)


def test_failed_order_brand_is_found_even_when_not_in_the_brand_list():
    context = Context(failed_order_brands=("TrailMate",))
    assert "failed_order" in codes("new trailmate boots", context=context)


@pytest.mark.parametrize("share, fires", [(34.0, True), (20.0, False), (5.0, False), (None, False)])
def test_creator_promo_share_above_the_threshold(share, fires):
    context = Context(promo_share_percent=share, promo_share_threshold=20)
    detection = detect("", "a quiet walk", context)
    assert ("promo_share" in detection.codes()) is fires
    if fires:
        assert evidence_texts(detection, "promo_share") == ["34%", "20%"]
        assert "34%" in detection.signals[0].explanation


@pytest.mark.parametrize("text, kind", [
    ("Die Amazon-Links hängen mit dem Partnerprogramm von Amazon zusammen.", "affiliate"),
    ("Enlaces de afiliado abajo", "affiliate"),
    ("Ces liens affiliés me rapportent un peu", "affiliate"),
    ("(*Amazon Partner-Link)", "affiliate"),
    ("#Werbung", "ad_label"),
    ("Anzeige: neues Serum", "ad_label"),
    ("通过链接购买我会得到一点分成", "affiliate"),
    ("通過連結購買我會得到一點分成", "affiliate"),
    ("Some links may be affiliate links", "affiliate"),
    ("This video is sponsored by Squarespace", "sponsored"),
    ("Get a free month with my referral code", "referral"),
])
def test_more_disclosure_phrasings_are_recognised(text, kind):
    from marketplace.audit.detector import disclosure

    assert "disclosure." + kind in {s.code for s in disclosure(text)}


@pytest.mark.parametrize("text", [
    "把蛋糕分成两半",  # 分成: split into
    "Ich bin kein Affiliate-Partner",  # negated, in German
    "No somos afiliados de ninguna marca",
    "Werbung machen ist schwer",  # the word in a sentence, not a label
    "Social Media & Affiliates",  # a heading over related channels
])
def test_lookalikes_in_other_languages_are_not_disclosures(text):
    from marketplace.audit.detector import disclosure

    assert not disclosure(text)


def test_a_referral_link_is_its_own_kind_of_disclosure_not_an_affiliate_commission():
    from marketplace.audit.detector import detect, disclosure

    codes = {s.code for s in disclosure("Join the meal-kit club with my referral link")}
    assert codes == {"disclosure.referral"}
    assert "ad_tag" in detect("", "Join the meal-kit club with my referral link").codes()  # still a tell when unfiled
    assert not disclosure("I have no referral link for this one")
