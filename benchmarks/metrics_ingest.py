"""Metrics benchmark: ingestion of metric reports through the bulk API on SQLite.

    .venv/bin/python benchmarks/metrics_ingest.py [--reports 100000] [--notes 500]

Creates a creator with N notes (published a month ago) and an API token in a fresh SQLite
file, then posts the reports to ``POST /api/v1/metrics/bulk`` in calls of 1,000 through the
app itself (Flask's test client: the whole view, token check, validation, duplicate check,
insert and commit, without a network hop). Each note gets one report per hour. It checks that
every report was stored exactly once, then posts the first call again (all "already stored").
Target: >= 5,000 reports/s.

The last line printed is one JSON object: {"reports": N, "seconds": S, "metrics_per_s": M}
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from config import Config  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.api_tokens.service import create_token  # noqa: E402
from marketplace.auth import service as accounts  # noqa: E402
from marketplace.auth.models import Role  # noqa: E402
from marketplace.creators.models import CreatorProfile  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.metrics.ingest import MAX_BULK  # noqa: E402
from marketplace.metrics.models import MetricReport  # noqa: E402
from marketplace.notes import service as notes  # noqa: E402

TARGET_PER_S = 5_000


def log(message: str) -> None:
    print(message, flush=True)


def _setup(n_notes: int) -> tuple[list[int], str]:
    now = clock.now()
    clock.set_now(now - timedelta(days=30))
    user = accounts.create_user("bench-creator@example.com", "bench-password-1", "Bench", Role.CREATOR,
                                verified=True)
    creator = CreatorProfile(user_id=user.id, handle="bench")
    db.session.add(creator)
    db.session.flush()
    ids = [notes.publish_note(creator, f"Note {i}", "Body", "").id for i in range(n_notes)]
    _token, plain = create_token("bench feed")
    db.session.commit()
    clock.set_now(None)
    return ids, plain


def _batches(note_ids: list[int], n: int):
    start = clock.now() - timedelta(days=29)
    items = []
    for i in range(n):
        note = note_ids[i % len(note_ids)]
        hour = i // len(note_ids)
        impressions = 1000 + 37 * hour + i % 97
        items.append({"note_id": note, "as_of": (start + timedelta(hours=hour)).isoformat(),
                      "impressions": impressions, "reads": impressions // 3, "likes": hour, "saves": hour // 2,
                      "comments": hour // 5, "shares": hour // 7, "follows": hour // 11,
                      "deep_reads": impressions // 10, "searches_after_reading": hour // 3})
        if len(items) == MAX_BULK:
            yield items
            items = []
    if items:
        yield items


def measure(n: int = 100_000, n_notes: int = 500, url: str | None = None) -> dict:
    """Post ``n`` reports through the bulk API; returns the figures (and checks them)."""
    with tempfile.TemporaryDirectory() as tmp:
        class BenchConfig(Config):
            SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{tmp}/metrics-bench.db"
            TESTING = True

        app = create_app(BenchConfig)
        with app.app_context():
            db.drop_all()
            db.create_all()
            note_ids, token = _setup(min(n_notes, n))
            batches = list(_batches(note_ids, n))  # built before the clock starts
            client = app.test_client()
            headers = {"Authorization": f"Bearer {token}"}
            stored = 0
            started = time.perf_counter()
            for batch in batches:
                response = client.post("/api/v1/metrics/bulk", json={"reports": batch}, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"bulk call answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
                stored += response.json["stored"]
            seconds = time.perf_counter() - started
            db.session.remove()
            rows = db.session.scalar(select(func.count()).select_from(MetricReport))
            repeat = client.post("/api/v1/metrics/bulk", json={"reports": batches[0]}, headers=headers).json
            if stored != n or rows != n or repeat["already_stored"] != len(batches[0]):
                raise SystemExit(f"expected {n} reports stored once: answered {stored}, rows {rows}, "
                                 f"repeat {repeat['already_stored']}")
            db.session.remove()
            db.engine.dispose()
    return {"reports": n, "seconds": round(seconds, 3), "metrics_per_s": round(n / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=500)
    args = parser.parse_args()
    log(f"SQLite: {args.reports:,} reports over {args.notes:,} notes, {MAX_BULK} per call")
    result = measure(args.reports, args.notes)
    ok = result["metrics_per_s"] >= TARGET_PER_S
    log(f"target (>= {TARGET_PER_S:,} reports/s on SQLite): {'met' if ok else 'NOT met'}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
