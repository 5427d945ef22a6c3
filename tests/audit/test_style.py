"""Style features: urgency, hype, prices and brand naming up; hedges and complaints recognised."""
import pytest

from marketplace.audit import learning, style
from marketplace.audit.folding import fold
from marketplace.audit.learning import Row, fit


def features(text):
    return dict(zip(style.NAMES, style.vector(fold(text))))


@pytest.mark.parametrize("text", [
    "姐妹们冲！限时秒杀，真的绝了，到手价99元",  # Simplified
    "姊妹們衝！限時秒殺，真的絕了，到手價99元",  # Traditional, folded to the same words
    "OBSESSED!!! best serum ever, limited time only at the official store",
])
def test_an_advertorial_has_urgency_hype_and_no_hedges(text):
    found = features(text)
    assert found["urgency"] > 0 and found["hype"] > 0
    assert found["hedge"] == 0 and found["complaint"] == 0


@pytest.mark.parametrize("text", [
    "感觉还行，但是有点贵，个人觉得一般般",
    "感覺還行，但是有點貴，個人覺得一般般",
    "I think it is ok but it pilled under makeup",
])
def test_an_ordinary_review_hedges_and_complains(text):
    found = features(text)
    assert found["hedge"] == 1 and found["complaint"] == 1
    assert found["urgency"] == 0


def test_prices_and_brand_naming():
    assert features("券后¥59，官方旗舰店 @glowlab")["price"] == 1
    assert features("券后¥59，官方旗舰店 @glowlab")["brand_naming"] > 0
    assert features("去公园散步")["price"] == 0 and features("去公园散步")["brand_naming"] == 0


def test_every_feature_stays_between_0_and_1():
    for value in style.vector(fold("!!!!!!!! 限时 限时 限时 限时 绝了 绝了 绝了 绝了 @a @b @c @d " * 50)):
        assert 0 <= value <= 1


def test_the_model_learns_that_hype_without_hedges_reads_like_an_ad():
    ads = [Row("", f"真的绝了！限时秒杀，闭眼入，第{i}次回购", 1) for i in range(12)]
    reviews = [Row("", f"感觉一般，但是价格还行，可能不会回购 {i}", 0) for i in range(12)]
    model = fit(ads + reviews)
    weights = dict(zip(learning.SIDE, model.signal_coef))
    assert weights["style.hedge"] < 0 < weights["style.urgency"]


def test_an_unseen_advertorial_without_codes_or_disclosure_ranks_above_an_unseen_review():
    # Trained on one set of wordings, scored on others: what carries over is the style.
    ads = [Row("", text.format(i=i), 1) for i in range(6) for text in (
        "救命！这个精华真的绝了，限时到手价{i}9元，闭眼入不踩雷", "yyds！宝藏面霜，赶紧冲，库存不多了{i}")]
    reviews = [Row("", text.format(i=i), 0) for i in range(6) for text in (
        "用了两周感觉一般，可能不太适合我，有点搓泥{i}", "个人觉得还行，但是味道有点重，不会回购{i}")]
    model = fit(ads + reviews)
    advertorial = learning.score(model, "", "天花板级别的粉底！手慢无，官方旗舰店今晚截止", None)
    review = learning.score(model, "", "感覺持妝一般，也許是我皮膚太乾，不過價格還可以", None)
    assert advertorial > review
