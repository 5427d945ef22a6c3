"""Stored labels and models: ``flask audit import-labels``, ``flask audit train``, label sources,
and what the queue and dashboard read (``learning.current_model / score / current_figures``)."""
import csv
import gzip
import json
from datetime import timedelta

import pytest

from marketplace.audit import learning, training
from marketplace.audit.detector import Brand, Context, detect
from marketplace.audit.learning import NoteContext, Row
from marketplace.audit.models import RankingModel, TrainingLabel
from marketplace.errors import Invalid
from marketplace.extensions import db
from tests.audit.helpers import labelled_rows

AD = NoteContext("新品", "Glow Lab 用我的优惠码 GLOW99 立减，链接在评论区", Context(brands=(Brand("Glow Lab"),)))
PLAIN = NoteContext("日常", "今天去爬山了，风景很好")


def write_csv(path, rows, header=("id", "title", "body", "label", "creator", "brand", "platform")):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i, row in enumerate(rows):
            writer.writerow([f"n{i}", row.title, row.body, row.label, row.creator, row.brand, "xhs"])


def test_import_labels_stores_each_text_once_in_any_script(runner, tmp_path):
    path = tmp_path / "decisions.csv"
    rows = [Row("新品", "用我的優惠碼 GLOW20 立減", 1, creator="c1", brand="Glow Lab"),
            Row("新品", "用我的优惠码 GLOW21 立减", 1, creator="c2"),
            Row("Hike", "use code HIKE5, link in bio", 1),
            Row("日常", "今天天氣很好", 0)]
    write_csv(path, rows)
    result = runner.invoke(args=["audit", "import-labels", str(path)])
    assert result.exit_code == 0, result.output
    assert "4 labels added, 0 updated, 0 already stored" in result.output
    stored = db.session.scalars(db.select(TrainingLabel).order_by(TrainingLabel.id)).all()
    assert [(s.body, s.label, s.creator, s.brand, s.external_id) for s in stored][0] == \
        ("用我的優惠碼 GLOW20 立減", 1, "c1", "Glow Lab", "n0")
    assert {s.source for s in stored} == {"import:decisions.csv"}

    again = runner.invoke(args=["audit", "import-labels", str(path)])
    assert "0 labels added, 0 updated, 4 already stored" in again.output
    write_csv(path, [Row("日常", "今天天氣很好", 1)])  # staff changed their mind
    changed = runner.invoke(args=["audit", "import-labels", str(path)])
    assert "0 labels added, 1 updated" in changed.output
    assert db.session.scalar(db.select(db.func.count()).select_from(TrainingLabel)) == 4


def test_import_labels_refuses_a_file_without_the_label_column(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,body\nx,y\n", encoding="utf-8")
    result = runner.invoke(args=["audit", "import-labels", str(path)])
    assert result.exit_code != 0 and "missing column(s) label" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(TrainingLabel)) == 0


def test_train_refuses_without_enough_labels(runner, no_sources):
    result = runner.invoke(args=["audit", "train"])
    assert result.exit_code != 0
    assert "at least 2 undisclosed ads" in result.output
    assert learning.current_figures() is None and learning.current_model() is None


def test_train_stores_the_model_with_its_figures_and_the_queue_uses_it(runner, tmp_path, no_sources, frozen_clock):
    # Untrained: the queue orders by the rules alone and the dashboard has no figures.
    assert learning.current_figures() is None
    assert learning.score(AD) == detect(AD.title, AD.body, AD.context).score

    path = tmp_path / "labels.csv"
    write_csv(path, labelled_rows())
    assert runner.invoke(args=["audit", "import-labels", str(path)]).exit_code == 0
    result = runner.invoke(args=["audit", "train"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["rows"] == 60 and last["positives"] == 20 and last["size_bytes"] > 0

    record = db.session.scalars(db.select(RankingModel)).one()
    assert record.size_bytes == len(record.blob) and record.threshold == 50
    figures = learning.current_figures()
    assert figures["recall"] == record.recall and figures["precision"] == record.precision
    assert figures["trained_at"] == frozen_clock.now() and 0 <= figures["pr_auc"] <= 1
    model = learning.current_model()
    assert model is not None and model.rows == 60
    assert learning.score(PLAIN) < 50 <= learning.score(AD)
    assert learning.score(AD) == learning.score(model, AD.title, AD.body, AD.context)


def test_a_newer_model_replaces_the_current_one(runner, tmp_path, no_sources, frozen_clock):
    path = tmp_path / "labels.csv"
    write_csv(path, labelled_rows())
    runner.invoke(args=["audit", "import-labels", str(path)])
    runner.invoke(args=["audit", "train"])
    frozen_clock.advance(timedelta(days=1))
    training.register_label_source(lambda: [Row("x", f"plain walk number {i}", 0) for i in range(10)])
    assert runner.invoke(args=["audit", "train"]).exit_code == 0
    assert learning.current_model().rows == 70 and learning.current_figures()["rows"] == 70


def test_label_sources_feed_training_and_win_over_stored_labels(no_sources):
    training.import_labels([Row("t", "same text", 0), Row("t", "other text", 1)], "import:x.csv")
    decisions = [Row("t", "same text", 1, id="case-7")]
    source = training.register_label_source(lambda: decisions)
    training.register_label_source(source)  # twice is once
    assert training.label_sources() == (source,)
    rows = {r.body: r for r in training.training_rows()}
    assert rows["same text"].label == 1 and rows["same text"].id == "case-7"
    assert rows["other text"].label == 1 and len(rows) == 2


def test_train_uses_a_registered_source_alone(no_sources):
    training.register_label_source(lambda: labelled_rows())
    record = training.train(threshold=50)
    assert record.rows == 60 and record.positives == 20
    assert 0 <= record.precision <= 1 and 0 <= record.recall <= 1


def test_import_refuses_bad_labels_and_empty_input():
    with pytest.raises(Invalid):
        training.import_labels([], "x")
    with pytest.raises(Invalid):
        training.import_labels([Row("t", "b", 3)], "x")


def test_a_stored_model_from_another_detector_version_falls_back_to_the_rules(no_sources):
    training.register_label_source(lambda: labelled_rows())
    record = training.train(threshold=50)
    payload = json.loads(gzip.decompress(record.blob))
    payload["format"] = 0
    record.blob = gzip.compress(json.dumps(payload).encode())
    record.size_bytes = len(record.blob)
    db.session.flush()
    assert learning.current_model() is None
    assert learning.score(AD) == detect(AD.title, AD.body, AD.context).score


def test_score_takes_any_note_like_object_with_its_context(no_sources):
    from types import SimpleNamespace

    note = SimpleNamespace(title=AD.title, body=AD.body)
    assert learning.score(note, context=AD.context) == detect(AD.title, AD.body, AD.context).score
    training.register_label_source(lambda: labelled_rows())
    training.train(threshold=50)
    assert learning.score(note, context=AD.context) == learning.score(AD)
