"""``flask audit …``: evaluate the undisclosed-ad ranking on a labelled CSV.

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

audit_cli = AppGroup("audit", help="Undisclosed-ad detection: evaluate the ranking.")

REQUIRED = ("title", "body", "label")
LABELS = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}


def read_labels(path: str):
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
                                brand=(line_rows.get("brand") or "").strip()))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
    except csv.Error as error:
        raise click.ClickException(f"{path}: not a readable CSV ({error}).") from None
    if not rows:
        raise click.ClickException(f"{path}: no rows below the header.")
    positives = sum(row.label for row in rows)
    if positives < 2 or len(rows) - positives < 2:
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
