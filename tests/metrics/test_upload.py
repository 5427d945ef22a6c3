"""Staff upload metrics as CSV: checked row by row, imported whole or not at all."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.audit_trail.models import TrailEntry
from marketplace.extensions import db
from marketplace.metrics.models import MetricReport
from tests.factories import make_metric_report, make_note

HEADER = "note_id,as_of,impressions,reads,likes,saves,comments,shares,follows,deep_reads,searches_after_reading\n"


@pytest.fixture
def note(frozen_clock):
    note = make_note()
    frozen_clock.advance(timedelta(days=2))
    return note


def _upload(client, text: str, reason="Weekly export from the agency", name="metrics.csv"):
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), "reason": reason}
    return client.post("/staff/metrics/upload", data=data, content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(MetricReport))


def test_a_good_file_is_imported_with_a_row_report(client, login_as, note):
    login_as("staff")
    make_metric_report(note, as_of=note.created_at + timedelta(hours=1))
    db.session.commit()
    text = (HEADER
            + f"{note.id},{(note.created_at + timedelta(hours=1)).isoformat()},1000,400,50,20,10,5,3,100,8\n"
            + f"{note.id},2026-05-04T09:00:00Z,2000,800,60,25,12,6,3,150,9\n")
    response = _upload(client, text)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Imported: 2 rows" in html and "already on file" in html
    assert _count() == 2
    assert db.session.scalar(select(MetricReport.source).where(MetricReport.impressions == 2000)) == "csv"
    entry = db.session.scalar(select(TrailEntry).where(TrailEntry.action == "metrics.csv_import"))
    assert entry.reason == "Weekly export from the agency" and entry.params["stored"] == 1


def test_one_bad_row_imports_nothing_and_says_why_per_row(client, login_as, note):
    login_as("staff")
    text = (HEADER
            + f"{note.id},2026-05-04T09:00:00Z,2000,800,60,25,12,6,3,150,9\n"
            + f"{note.id},2026-05-04T10:00:00Z,100,800,x,25,12,6,3,150,9\n"
            + "999999,2026-05-04T10:00:00Z,100,80,1,1,1,1,1,1,1\n")
    response = _upload(client, text)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not imported" in html and "Nothing was imported: 2 of 3 rows have problems" in html
    assert "Reads cannot be more than impressions." in html and "No note with id 999999." in html
    assert _count() == 0


def test_a_file_without_the_columns_or_a_reason_is_refused(client, login_as, note):
    login_as("staff")
    response = _upload(client, "note,when\n1,2\n")
    assert response.status_code == 422 and "header row must name" in response.get_data(as_text=True)
    response = _upload(client, HEADER + f"{note.id},2026-05-04T09:00:00Z,2000,800,60,25,12,6,3,150,9\n", reason="")
    assert response.status_code == 422 and "Write the reason" in response.get_data(as_text=True)
    assert _count() == 0


def test_only_staff_upload(client, login_as, note):
    login_as("brand")
    assert _upload(client, HEADER).status_code == 403


def test_the_upload_form_has_csrf(client, login_as, csrf_enabled):
    login_as("staff")
    assert _upload(client, HEADER).status_code in (400, 422)
    assert 'name="csrf_token"' in client.get("/staff/metrics/upload").get_data(as_text=True)
