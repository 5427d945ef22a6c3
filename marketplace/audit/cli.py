"""``flask audit …``: load past decisions, train the undisclosed-ad ranking, evaluate it.

    flask --app wsgi audit import-labels decisions.csv   # store labels for training
    flask --app wsgi audit train                         # fit on every label, store the model
    flask --app wsgi audit evaluate --labels decisions.csv

The CSV needs ``title``, ``body`` and ``label`` (1 = undisclosed ad, 0 = not) columns;
``creator``, ``brand`` and ``id`` are used when present and anything else is ignored.
"""
from __future__ import annotations

import csv
import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Undisclosed-ad detection: import labels, train and evaluate the ranking.")

REQUIRED = ("title", "body", "label")
LABELS = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}


def read_labels(path: str, *, for_cross_validation: bool = True):
    """The CSV's rows as ``learning.Row`` objects, or a ClickException saying what is wrong."""
    from marketplace.audit.learning import Row

    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # note bodies hold newlines and can be long
    rows = []
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in (reader.fieldnames or [])]
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise click.ClickException(
                    f"{path}: missing column(s) {', '.join(missing)}; the first line must name at least "
                    "title,body,label (optional: creator, brand, id).")
            reader.fieldnames = header
            for line_rows in reader:
                line = reader.line_num
                if None in line_rows:
                    raise click.ClickException(f"{path}, line {line}: more fields than the header names.")
                raw = (line_rows.get("label") or "").strip().lower()
                if raw not in LABELS:
                    raise click.ClickException(
                        f"{path}, line {line}: label must be 1 (undisclosed ad) or 0 (not), got {raw!r}.")
                rows.append(Row(title=line_rows.get("title") or "", body=line_rows.get("body") or "",
                                label=LABELS[raw], creator=(line_rows.get("creator") or "").strip(),
                                brand=(line_rows.get("brand") or "").strip(),
                                id=(line_rows.get("id") or "").strip()))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
    except csv.Error as error:
        raise click.ClickException(f"{path}: not a readable CSV ({error}).") from None
    if not rows:
        raise click.ClickException(f"{path}: no rows below the header.")
    positives = sum(row.label for row in rows)
    if for_cross_validation and (positives < 2 or len(rows) - positives < 2):
        raise click.ClickException(
            f"{path}: cross-validation needs at least 2 rows labelled 1 and 2 labelled 0 "
            f"(found {positives} and {len(rows) - positives}).")
    return rows


@audit_cli.command("evaluate")
@click.option("--labels", "labels_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CSV with title,body,label (1 = undisclosed ad); optional creator, brand, id.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20),
              help="Stratified cross-validation folds.")
def evaluate_command(labels_path: str, folds: int) -> None:
    """Cross-validate signals + learned model, as production scores them, on labelled notes."""
    from marketplace.audit.learning import evaluate

    rows = read_labels(labels_path)
    threshold = int(current_app.config["AUDIT_QUEUE_THRESHOLD"])
    figures = evaluate(rows, folds=folds, threshold=threshold)
    click.echo(f"{figures['n']} notes, {figures['positives']} labelled undisclosed ads; "
               f"{figures['folds']}-fold stratified cross-validation at the queue threshold {threshold}.")
    click.echo(f"{'':24}{'precision':>10}{'recall':>8}{'F1':>8}{'PR-AUC':>8}")
    for label, prefix in (("signals + learned model", ""), ("signals alone", "rules_")):
        click.echo(f"{label:24}{figures[prefix + 'precision']:>10.3f}{figures[prefix + 'recall']:>8.3f}"
                   f"{figures[prefix + 'f1']:>8.3f}{figures[prefix + 'pr_auc']:>8.3f}")
    click.echo(json.dumps({key: figures[key] for key in ("n", "positives", "precision", "recall", "f1", "pr_auc")}))


@audit_cli.command("import-labels")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_labels_command(path: str) -> None:
    """Store past decisions from a CSV (title,body,label; optional creator, brand, id) for training."""
    from pathlib import Path

    from marketplace.audit import training
    from marketplace.transaction import run_command

    rows = read_labels(path, for_cross_validation=False)
    result = run_command(lambda: training.import_labels(rows, f"import:{Path(path).name}"))
    click.echo(f"{len(rows)} rows read: {result.added} labels added, {result.updated} updated, "
               f"{result.unchanged} already stored.")


@audit_cli.command("train")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20),
              help="Stratified cross-validation folds for the stored figures.")
def train_command(folds: int) -> None:
    """Fit the ranking on stored labels and staff decisions; store it with its cross-validated figures."""
    from marketplace.audit import training
    from marketplace.transaction import run_command

    threshold = int(current_app.config["AUDIT_QUEUE_THRESHOLD"])
    record = run_command(lambda: training.train(threshold, folds=folds))
    click.echo(f"Trained on {record.rows} labels ({record.positives} undisclosed ads) at "
               f"{record.trained_at.isoformat(timespec='seconds')}; model {record.size_bytes} bytes.")
    click.echo(f"Cross-validated at the queue threshold {threshold}: precision {record.precision:.3f}, "
               f"recall {record.recall:.3f}, F1 {record.f1:.3f}, PR-AUC {record.pr_auc:.3f}.")
    click.echo(json.dumps({"id": record.id, "rows": record.rows, "positives": record.positives,
                           "size_bytes": record.size_bytes, "precision": record.precision, "recall": record.recall,
                           "f1": record.f1, "pr_auc": record.pr_auc}))


@audit_cli.command("retrain")
def retrain_command() -> None:
    """Run the scheduled retrain once: train only when the labels changed since the current model."""
    from marketplace.audit import jobs

    trained = jobs.retrain()
    click.echo("Trained a new model on the changed labels." if trained
               else "No new model: the labels are unchanged since the current model, too few, or being trained elsewhere.")
