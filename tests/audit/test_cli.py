"""``flask audit evaluate`` on a CSV made here: its figures, its JSON line, its refusals."""
import csv
import json

import pytest

from tests.audit.helpers import labelled_rows


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
