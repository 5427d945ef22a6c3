"""The learned ranking: fit, score, serialise, and cross-validate what production uses."""
import csv
import gzip
import json

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from marketplace import clock
from marketplace.audit import learning
from marketplace.audit.detector import Brand, Context, detect
from marketplace.audit.learning import Model, Row, evaluate, fit, score

ADS = [
    "{b}的新品真的绝了，用我的优惠码 GLOW{n} 立减30，链接在评论区",
    "Obsessed with {b}! use code HIKE{n} for 20% off, link in bio",
    "{b} 這款精華液太好用了，私訊我拿折扣碼，手刀下單",
    "姐妹们冲！{b}限时秒杀，小黄车已挂，手慢无",
    "{b} dropped a new collection, shop the look amzn.to/{n}x",
]
ORGANIC = [
    "今天去爬山了，风景很好，推荐大家周末去走走 {n}",
    "My honest review: this sunscreen pilled under makeup, not repurchasing. Day {n}",
    "分享一下我的早餐，燕麦加香蕉，第{n}天",
    "這家咖啡店環境不錯，但是價格有點貴，坐了{n}分鐘",
    "Rainy day reading list number {n}, three novels I loved",
]
BRANDS = ["Glow Lab", "TrailMate", "光研", "小森林"]


def labelled_rows(count=60):
    rows = []
    for i in range(count):
        brand = BRANDS[i % len(BRANDS)]
        if i % 3 == 0:
            rows.append(Row("新品", ADS[i % len(ADS)].format(b=brand, n=10 + i), 1, creator=f"c{i % 4}", brand=brand))
        else:
            rows.append(Row("日常", ORGANIC[i % len(ORGANIC)].format(n=i), 0, creator=f"c{i % 7}"))
    return rows


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


def write_csv(path, rows, header=("id", "title", "body", "label", "creator", "brand", "notes")):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, row in enumerate(rows):
            writer.writerow([i, row.title, row.body + "\n第二行", row.label, row.creator, row.brand, "ignored"])


def test_cli_evaluate_prints_figures_and_ends_with_one_json_line(runner, tmp_path):
    path = tmp_path / "labels.csv"
    write_csv(path, labelled_rows())
    result = runner.invoke(args=["audit", "evaluate", "--labels", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "precision" in result.output and "PR-AUC" in result.output
    last = json.loads(lines[-1])
    assert list(last) == ["n", "positives", "precision", "recall", "f1", "pr_auc"]
    assert last["n"] == 60 and last["positives"] == 20


@pytest.mark.parametrize("content, message", [
    ("title,body\nx,y\n", "missing column(s) label"),
    ("title,body,label\nx,y,maybe\n", "label must be 1"),
    ("title,body,label\nx,y,1\nz,w,0\n", "at least 2 rows labelled 1"),
    ("title,body,label\n", "no rows"),
    ("title,body,label\nx,y,1,extra\n", "more fields"),
])
def test_cli_evaluate_refuses_a_malformed_csv_clearly(runner, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["audit", "evaluate", "--labels", str(path)])
    assert result.exit_code != 0
    assert message in result.output


def test_cli_evaluate_refuses_text_that_is_not_utf8(runner, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("title,body,label\n新品,优惠码,1\n".encode("gbk"))
    result = runner.invoke(args=["audit", "evaluate", "--labels", str(path)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.output


def test_cli_evaluate_needs_an_existing_file(runner, tmp_path):
    result = runner.invoke(args=["audit", "evaluate", "--labels", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
