"""Script folding keeps offsets; scores combine signals; explanations name the evidence."""
import pytest

from marketplace.audit import folding
from marketplace.audit.detector import Brand, Context, combine, detect, disclosure
from tests.audit.helpers import assert_spans_point_at_original, evidence_texts


@pytest.mark.parametrize("text", [
    "這款精華液真的很好用，連結在留言區",
    "乾隆年間的頭髮",
    "ＧＬＯＷ　ＬＡＢ　全場８折",
    "İstanbul 🧳 trip ✈️ with 𠮷野家",
    "",
])
def test_fold_keeps_every_offset(text):
    assert len(folding.fold(text)) == len(text)


def test_fold_normalises_script_width_and_case():
    assert folding.fold("優惠碼ＡＢＣ") == "优惠码abc"
    assert folding.fold("Link In BIO") == "link in bio"


def test_fold_falls_back_to_one_character_at_a_time_when_a_phrase_changes_length(monkeypatch):
    class PhraseConverter:  # like OpenCC's regional phrase profiles: 部落格 -> 博客
        def convert(self, text):
            return text.replace("部落格", "博客").replace("優", "优")

    monkeypatch.setattr(folding, "_T2S", PhraseConverter())
    folding._one.cache_clear()
    try:
        text = "我的部落格有優惠"
        folded = folding.fold(text)
        assert len(folded) == len(text)
        assert folded[6] == "优"
    finally:
        folding._one.cache_clear()


def test_offsets_in_traditional_text_point_at_the_original_characters():
    title = "光研實驗室 新品試色"
    body = "姊妹們看過來！\n結帳輸入優惠碼 GLOW20 現折百元，連結在留言區，私訊我也可以 #業配\nhttps://bit.ly/3abc"
    context = Context(brands=(Brand("光研实验室"),))
    detection = detect(title, body, context)
    assert_spans_point_at_original(detection, title, body)
    brand = detection.signals[[s.code for s in detection.signals].index("brand")].evidence[0]
    assert (brand.field, brand.start, brand.end, brand.text) == ("title", 0, 5, "光研實驗室")
    assert "優惠碼" in evidence_texts(detection, "promo_code")
    assert "#業配" in evidence_texts(detection, "ad_tag")
    assert evidence_texts(detection, "short_link") == ["https://bit.ly/3abc"]


def test_one_ordinary_signal_stays_under_the_threshold_and_two_cross_it():
    context = Context(brands=(Brand("Glow Lab"),))
    assert detect("", "Glow Lab serum after a long hike", context).score < 50
    assert detect("", "Glow Lab serum, use code GLOW20", context).score >= 50
    assert detect("", "Loving this serum #ad", context).score >= 50  # a self-declared ad, unfiled


def test_a_plain_note_scores_zero():
    detection = detect("周末爬山", "A quiet walk by the lake. 今天天气很好。")
    assert detection.score == 0
    assert detection.signals == ()


def test_combine_is_a_noisy_or():
    assert combine([]) == 0
    assert combine([40]) == 40
    assert combine([40, 30]) == 58
    assert combine([100, 10]) == 100


def test_more_distinct_evidence_weighs_more_up_to_a_cap():
    one = detect("", "DM me")
    several = detect("", "DM me, link in bio, swipe up, limited time, shop now")
    assert one.signals[0].weight == 30
    assert several.signals[0].weight == 45


def test_signals_explain_themselves_with_their_evidence():
    detection = detect("", "use code GLOW20 for 20% off, link in bio")
    words = {s.code: s.explanation for s in detection.signals}
    assert "GLOW20" in words["promo_code"]
    assert "link in bio" in words["purchase_call"]
    as_json = detection.to_dict()
    assert as_json["score"] == detection.score
    assert as_json["signals"][0]["evidence"][0].keys() == {"field", "start", "end", "text"}


@pytest.mark.parametrize("text, kind", [
    ("As an Amazon Associate I earn from qualifying purchases.", "affiliate"),
    ("Buying through these links supports the channel at no cost to you", "support"),
    ("Support the show by shopping on Amazon through my link", "support"),
    ("Thanks to Glow Lab for sponsoring this video", "sponsored"),
    ("PR sample, sent to me for free", "gifted"),
    ("Ad: my favourite boots", "ad_label"),
    ("感谢品牌方寄送，本期视频有推广", "gifted"),
    ("我會獲得佣金，不影響你的價格", "affiliate"),
])
def test_disclosure_recognises_each_kind(text, kind):
    found = disclosure(text)
    assert "disclosure." + kind in {s.code for s in found}
    for signal in found:
        for span in signal.evidence:
            assert text[span.start:span.end] == span.text


@pytest.mark.parametrize("text", [
    "Like and subscribe to support the channel!",
    "I was not paid to make this video and I am not affiliated with anyone.",
    "Learn affiliate marketing in ten minutes",
    "I have not been compensated by any brand, advertiser, PR representative or affiliate",
    "纯自费，无广，非广告",
    "",
])
def test_disclosure_absent(text):
    assert disclosure(text) == []


def test_explanations_speak_the_reader_language(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN,zh;q=0.9"}):
        detection = detect("", "use code GLOW20, link in bio")
        words = {s.code: s.explanation for s in detection.signals}
    assert words["promo_code"].startswith("提供了折扣或优惠码：")
    assert "GLOW20" in words["promo_code"]
    assert words["purchase_call"].startswith("引导读者购买")
