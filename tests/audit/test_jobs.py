"""The scheduled retrain: it trains when the labels changed since the current model (and there
are enough), once however often and from however many schedulers it runs."""
from datetime import timedelta

from marketplace.audit import jobs, learning, training
from marketplace.audit.learning import Row
from marketplace.audit.models import RankingModel, TrainingRun
from marketplace.extensions import db
from marketplace.scheduler.jobs import JOBS
from tests.audit.helpers import labelled_rows


def _models() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RankingModel))


def _import(rows):
    training.import_labels(rows, "import:test.csv")
    db.session.commit()


def test_too_few_labels_train_nothing(no_sources):
    _import([Row("a", "use code GLOW20, link in bio", 1), Row("b", "a quiet walk", 0), Row("c", "rain", 0)])
    assert jobs.retrain() == 0
    assert _models() == 0


def test_it_trains_once_per_set_of_labels_and_again_a_day_later_after_new_decisions(runner, no_sources,
                                                                                  frozen_clock):
    _import(labelled_rows())
    assert jobs.retrain() == 1
    first = learning.current_figures()
    assert first["rows"] == 60 and first["trained_at"] == frozen_clock.now()
    assert jobs.retrain() == 0  # safe twice: nothing new
    frozen_clock.advance(timedelta(days=1))
    assert runner.invoke(args=["audit", "retrain"]).output.startswith("No new model")
    assert _models() == 1

    # A day later staff decided more cases (a label source, as the queue registers).
    training.register_label_source(lambda: [Row("x", f"plain walk number {i}", 0) for i in range(10)])
    frozen_clock.advance(timedelta(days=1))
    assert jobs.retrain() == 1
    assert learning.current_model().rows == 70
    assert learning.current_figures()["trained_at"] == frozen_clock.now()
    assert jobs.retrain() == 0 and _models() == 2


def test_a_changed_label_counts_as_new(no_sources, frozen_clock):
    rows = labelled_rows()
    _import(rows)
    assert jobs.retrain() == 1
    flipped = rows[0]
    _import([Row(flipped.title, flipped.body, 1 - flipped.label)])
    frozen_clock.advance(timedelta(hours=1))
    assert jobs.retrain() == 1 and _models() == 2


def test_a_second_scheduler_leaves_a_claimed_set_alone_until_the_claim_lease_passes(app, no_sources, frozen_clock):
    _import(labelled_rows())
    fingerprint = training.fingerprint(training.training_rows())
    # Another scheduler claimed these labels a moment ago and is still training.
    db.session.add(TrainingRun(fingerprint=fingerprint, claimed_at=frozen_clock.now()))
    db.session.commit()
    assert jobs.retrain() == 0 and _models() == 0
    # It died: once its lease has passed, this scheduler takes the claim over and trains.
    frozen_clock.advance(timedelta(seconds=app.config["AUDIT_RETRAIN_LEASE_SECONDS"] + 1))
    assert jobs.retrain() == 1 and _models() == 1
    run = db.session.scalars(db.select(TrainingRun)).one()
    assert run.finished_at == frozen_clock.now() and run.model_id == training.current().id
    assert jobs.retrain() == 0


def test_the_retrain_is_scheduled_daily_by_a_knob(app):
    [job] = [job for job in JOBS if job.target == "marketplace.audit.jobs:retrain"]
    assert job.every == "SCHEDULER_AUDIT_RETRAIN_SECONDS" and job.seconds(app.config) == 86400
