"""Matching benchmark: top-50 creators for a brief among 100,000, against a naive baseline.

    .venv/bin/python benchmarks/matching.py [--creators 100000] [--runs 25] [--baseline-runs 3]
                                            [--database URL] [--no-postgres]

Builds N creators (categories, regions, reach, price cards, order history, payout readiness
spread like the demo data) in a fresh database, then times the app's own ranking service
(``matching.service.creators_for_brief``: eligibility + score in SQL, the page's profiles
loaded and explained, and the total count the page shows) for a two-category, two-region,
fixed-fee brief. In the same run it times the naive baseline (``naive_creators_for_brief``:
every creator loaded into Python, eligibility checked and scored there), and checks that
both return the same 50 creators in the same order.

SQLite always (a fresh file in a temp dir). PostgreSQL too when ``scripts/with-postgres.sh``
can start a throwaway cluster (the script re-runs itself inside it with ``--database``).
Target: SQLite median <= 50 ms and >= 20x faster than the baseline.

The last line printed is one JSON object:
{"creators": N, "p50_ms": X, "baseline_p50_ms": Y, "speedup": Z, "postgres": {...}}
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _postgres import rerun_in_postgres  # noqa: E402  (beside this script)

from sqlalchemy import insert, text  # noqa: E402

from config import Config  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.auth.models import User  # noqa: E402
from marketplace.brands.models import BrandProfile  # noqa: E402
from marketplace.briefs.models import Brief  # noqa: E402
from marketplace.creators.models import CreatorProfile  # noqa: E402
from marketplace.taxonomy import mask_from_categories  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.matching.service import Filters, creators_for_brief, naive_creators_for_brief  # noqa: E402

SEED = 20260503
TOP = 50
BATCH = 5000


def log(message: str) -> None:
    print(message, flush=True)


def creator_rows(n: int, rng: random.Random, categories: tuple, regions: tuple, now):
    """Users and profiles as plain dicts for bulk insert (ids assigned here)."""
    users, profiles = [], []
    for i in range(1, n + 1):
        users.append({"id": i, "email": f"bench{i}@example.com", "password_hash": "x",
                      "display_name": f"Creator {i}", "role": "creator", "created_at": now})
        picked = rng.sample(categories, rng.choice((1, 1, 2, 2, 3)))
        region = rng.choice(regions)
        followers = int(rng.lognormvariate(9.0, 1.4))
        shares = sorted(rng.sample(range(5, 45), 3), reverse=True)
        shares[2] = min(shares[2], 100 - shares[0] - shares[1])  # top three regions: at most 100% together
        top = [region] + rng.sample([r for r in regions if r != region], 2)
        quote = max(20000, round(followers * rng.randint(2, 6), -3))
        done = rng.choice((0, 0, 2, 5, 9, 14))
        ready = now if rng.random() < 0.85 else None
        profiles.append({
            "id": i, "user_id": i, "handle": f"bench_{i}", "bio": "", "categories_mask": mask_from_categories(picked),
            "region": region, "languages": "zh", "currency": "CNY", "image_quote_cents": quote,
            "video_quote_cents": quote * 2 if rng.random() < 0.6 else None,
            "accepting_orders": rng.random() < 0.9, "follower_count": followers, "followers_as_of": now,
            "followers_source": "feed", "engagement_bps": rng.randint(50, 1200), "engagement_as_of": now,
            "audience": {"regions": dict(zip(top, shares))}, "audience_as_of": now,
            "audience_region_1": top[0], "audience_share_1": shares[0],
            "audience_region_2": top[1], "audience_share_2": shares[1],
            "audience_region_3": top[2], "audience_share_3": shares[2],
            "orders_completed": done, "orders_on_time": done - min(done, rng.choice((0, 0, 0, 1, 2))),
            "strike_count": 1 if rng.random() < 0.03 else 0, "payouts_ready_at": ready,
            "identity_confirmed_at": ready, "suspended_until": now + timedelta(days=3) if rng.random() < 0.01 else None,
            "banned_at": None, "created_at": now,
        })
    return users, profiles


def build(n: int, app) -> int:
    """Fill a fresh database; return the brief's id."""
    rng = random.Random(SEED)
    now = clock.now()
    db.drop_all()
    db.create_all()
    started = time.perf_counter()
    users, profiles = creator_rows(n, rng, tuple(app.config["CATEGORIES"]), tuple(app.config["REGIONS"][:8]), now)
    for start in range(0, n, BATCH):
        db.session.execute(insert(User), users[start:start + BATCH])
    for start in range(0, n, BATCH):
        db.session.execute(insert(CreatorProfile), profiles[start:start + BATCH])
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences on
        for table in ("users", "creator_profiles"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    brand_user = User(email="bench-brand@example.com", password_hash="x", display_name="Bench brand", role="brand")
    db.session.add(brand_user)
    db.session.flush()
    brand = BrandProfile(user_id=brand_user.id, company_name="Bench brand", verified_at=now)
    db.session.add(brand)
    db.session.flush()
    brief = Brief(brand_id=brand.id, state="open", title="Bench", product="Bench",
                  categories_mask=mask_from_categories(["beauty", "fashion"]), deliverable="image",
                  fee_mode="fixed", fee_cents=100000, currency="CNY", slots=10, min_followers=1000,
                  regions="shanghai,zhejiang", apply_by=now + timedelta(days=7), draft_due=now + timedelta(days=14),
                  publish_by=now + timedelta(days=21))
    db.session.add(brief)
    db.session.commit()
    # Planner statistics, as a production database keeps them (autovacuum / sqlite's optimize).
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    log(f"  built {n:,} creators in {time.perf_counter() - started:.1f} s")
    return brief.id


def timed(function, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        db.session.remove()  # a fresh session each time: no identity-map warm start
        started = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def measure(url: str, n: int, runs: int, baseline_runs: int) -> dict:
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        brief_id = build(n, app)

        def fast():
            brief = db.session.get(Brief, brief_id)
            page = creators_for_brief(brief, Filters(per_page=TOP))
            return [m.subject.id for m in page.matches], page.total

        def naive():
            brief = db.session.get(Brief, brief_id)
            return [profile.id for _score, profile in naive_creators_for_brief(brief, TOP)]

        fast()  # warm the connection pool and statement caches
        p50, (fast_ids, total) = timed(fast, runs)
        log(f"  ranking service: p50 {p50:.1f} ms over {runs} runs ({total:,} eligible creators)")
        baseline, naive_ids = timed(naive, baseline_runs)
        log(f"  naive baseline:  p50 {baseline:.1f} ms over {baseline_runs} runs")
        if fast_ids != naive_ids:
            raise SystemExit("the ranking service and the baseline disagree on the top 50")
        log("  both return the same top 50, in the same order")
        db.session.remove()
        db.engine.dispose()
    return {"creators": n, "p50_ms": round(p50, 2), "baseline_p50_ms": round(baseline, 2),
            "speedup": round(baseline / p50, 1)}


def postgres(n: int, runs: int, baseline_runs: int) -> dict | None:
    """Re-run this script inside a throwaway PostgreSQL cluster; None when there is none."""
    return rerun_in_postgres(__file__, ["--creators", str(n), "--runs", str(runs), "--baseline-runs", str(baseline_runs)], log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--database-from-env", action="store_true", help="use $TEST_DATABASE_URL (with-postgres.sh)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    if args.database_from_env:
        log(f"PostgreSQL: {args.creators:,} creators")
        print(json.dumps(measure(os.environ["TEST_DATABASE_URL"], args.creators, args.runs, args.baseline_runs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/matching-bench.db"
        log(f"SQLite: {args.creators:,} creators")
        result = measure(url, args.creators, args.runs, args.baseline_runs)
    if not args.no_postgres and not args.database:
        pg = postgres(args.creators, args.runs, args.baseline_runs)
        if pg is not None:
            result["postgres"] = {k: pg[k] for k in ("p50_ms", "baseline_p50_ms", "speedup")}
    ok = result["p50_ms"] <= 50 and result["speedup"] >= 20
    log(f"target (SQLite p50 <= 50 ms, >= 20x baseline): {'met' if ok else 'NOT met'}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
