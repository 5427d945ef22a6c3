"""The learned ranking: fit, score, serialise, and cross-validate what production uses."""
import gzip
import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from marketplace import clock
from marketplace.audit import learning
from marketplace.audit.detector import Brand, Context, detect, scan
from marketplace.audit.learning import Model, Row, evaluate, fit, score
from tests.audit.helpers import labelled_rows

def test_fit_then_score_ranks_an_ad_above_a_plain_note(frozen_clock):
    model = fit(labelled_rows())
    context = Context(brands=(Brand("Glow Lab"),))
    ad = score(model, "新品", "Glow Lab 用我的优惠码 GLOW99 立减，链接在评论区", context)
    plain = score(model, "日常", "今天去爬山了，风景很好", context)
    assert 0 <= plain < 50 <= ad <= 100
    assert model.rows == 60 and model.positives == 20
    assert model.trained_at == clock.now().isoformat()


def test_model_round_trips_through_bytes_and_scores_the_same():
    model = fit(labelled_rows(), figures={"precision": 0.9})
    again = Model.from_bytes(model.to_bytes())
    for body in ("Obsessed with TrailMate! use code HIKE5", "分享一下我的早餐", "私訊我拿折扣碼"):
        assert score(again, "t", body) == score(model, "t", body)
    assert again.figures == {"precision": 0.9}
    assert (again.trained_at, again.rows, again.positives) == (model.trained_at, 60, 20)


def test_a_model_from_another_detector_version_is_refused():
    model = fit(labelled_rows())
    payload = json.loads(gzip.decompress(model.to_bytes()))
    payload["signals"] = ["brand"]
    with pytest.raises(ValueError, match="train it again"):
        Model.from_bytes(gzip.compress(json.dumps(payload).encode()))


def test_stored_tfidf_equals_scikit_learns():
    rows = labelled_rows()
    texts = [learning.model_text(r.title, r.body) for r in rows]
    model = fit(rows)
    reference = TfidfVectorizer(analyzer=learning.ANALYZER, ngram_range=learning.NGRAMS, lowercase=False,
                                min_df=learning.MIN_DF, max_features=learning.MAX_FEATURES, sublinear_tf=True)
    expected = reference.fit_transform(texts).toarray()
    order = [reference.vocabulary_[term] for term, _ in sorted(model.vocabulary.items(), key=lambda kv: kv[1])]
    assert np.allclose(model.text_matrix(texts).toarray(), expected[:, order])


def test_no_model_yet_means_the_rule_score():
    context = Context(brands=(Brand("Glow Lab"),))
    body = "Glow Lab serum, use code GLOW20"
    assert score(None, "", body, context) == detect("", body, context).score


def test_evaluate_cross_validates_and_reports_the_ad_class():
    figures = evaluate(labelled_rows(), folds=5, threshold=50)
    assert figures["n"] == 60 and figures["positives"] == 20 and figures["folds"] == 5
    for key in ("precision", "recall", "f1", "pr_auc", "rules_precision", "rules_recall"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["recall"] >= 0.9  # the synthetic ads are easy: every one carries two tells


def test_creator_history_never_uses_the_row_own_label():
    rows = [Row("", "a quiet walk", 1, creator="solo"), Row("", "a quiet walk", 0, creator="other"),
            Row("", "a quiet walk", 0, creator="other2")]
    history = learning._creator_history(rows, range(3))
    context = learning._context(rows[0], history, (), own=True)
    assert context.promo_share_percent is None  # the creator's only row is this one


@pytest.mark.parametrize("rows, message", [
    ([], "no rows"),
    ([Row("", "x", 1), Row("", "y", 1)], "both labels"),
    ([Row("", "x", 2), Row("", "y", 0)], "0 or 1"),
])
def test_bad_training_rows_are_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        fit(rows)


def test_evaluation_registers_only_the_brands_its_training_folds_name():
    scanned = scan("", "Glow Lab and TrailMate, use code GLOW20", (Brand("Glow Lab"), Brand("TrailMate")))
    kept = scanned.only_brands(["trailmate"])
    assert [span.text for span in kept.found["brand"]] == ["TrailMate"]
    assert kept.brands_named == ("TrailMate",)
    assert kept.found["promo_code"] == scanned.found["promo_code"]
    assert "brand" not in scanned.only_brands([]).found
