"""Pages at scale: each page's server time and SQL statements against a bare template.

    .venv/bin/python benchmarks/pages.py [--creators 100000] [--notes 200000] [--runs 30]
                                         [--small] [--no-postgres] [--keep PATH | --reuse PATH]
                                         [--only PAGE,...] [--profile PAGE]
                                         [--pg-only] [--pg-dir DIR [--pg-rebuild]]

Builds 100,000 creators (``benchmarks/matching.py``'s generator), 200,000 English and
Chinese notes (``benchmarks/search.py``'s generator) with tags, 5% of them filed (10,000
filings) for 500 brands, and open briefs, all by bulk inserts; indexes the notes with the
app's own analyzer and search backend. Then, in one fresh process and through the Flask
test client, it times each page (median of ``--runs`` requests after a warm-up) and counts
the SQL statements one request runs, beside the **floor**: a plain 3 KB template rendered by
the same app in the same run, timed between the page's requests. Server time is CPU time
per request (this process, with SQLite in it, plus PostgreSQL's backend processes read from
/proc), as the issue's profiles measured it; wall time is printed beside it, but on a shared
machine it mostly measures the neighbours. ``--keep`` keeps the SQLite file, ``--reuse``
measures a kept one without building, ``--profile PAGE`` prints a cProfile of that page. ``--small`` (or ``PAGES_BENCH_SMALL=1``) builds a tenth of the
data for a quick look.

SQLite always (a fresh file) unless ``--pg-only``; PostgreSQL too when
``scripts/with-postgres.sh`` can start a throwaway cluster (the script re-runs itself inside
it), or in a cluster of its own kept in ``--pg-dir DIR``: built once (in a process of its
own), measured again by every later run with the same sizes. PostgreSQL is loaded in bulk:
foreign-key triggers off for the loading session, secondary indexes dropped and built after
the load, search documents and lexicon by COPY, then VACUUM ANALYZE (as autovacuum leaves a
table after a bulk load); about 4-5 minutes at full size on 2 cores. Targets: every page <= 10x the
floor (brand matches <= 20x) and <= 12 SQL statements; no page writes on a read.

The last line printed is one JSON object:
{"creators": N, "notes": N, "floor_ms": X, "pages": {"name": {"p50_ms": X, "sql": N, "ratio": X}, ...},
 "worst_ratio": X, "max_sql": N, "postgres": {...}}
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _postgres import KeptCluster, rerun_in_postgres  # noqa: E402  (beside this script)
from matching import creator_rows  # noqa: E402  (the matching benchmark's creator generator)
from search import generate as note_texts  # noqa: E402  (the search benchmark's note generator)

from flask import render_template_string  # noqa: E402
from sqlalchemy import event, insert, text, update  # noqa: E402

from config import Config  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.access import PUBLIC, audience  # noqa: E402
from marketplace.api_tokens.service import create_token  # noqa: E402
from marketplace.auth.models import User  # noqa: E402
from marketplace.auth.sessions import open_session  # noqa: E402
from marketplace.brands.models import BrandProfile  # noqa: E402
from marketplace.briefs.models import Brief  # noqa: E402
from marketplace.creators.models import CreatorProfile  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.filings.models import Filing  # noqa: E402
from marketplace.notes.models import Note, NoteTag  # noqa: E402
from marketplace.search.analyzer import analyze  # noqa: E402
from marketplace.search.backends import IndexDocument  # noqa: E402
from marketplace.search.documents import ensure_schema  # noqa: E402
from marketplace.search.sync import current_backend  # noqa: E402
from marketplace.taxonomy import mask_from_categories  # noqa: E402

SEED = 20260503
BATCH = 5000
BRANDS = 500
FILED_EVERY = 20  # 5% of notes are filed
TAGS = ["skincare", "sunscreen", "travel", "food", "outfit", "护肤", "面膜", "防晒", "旅行", "穿搭",
        "咖啡", "健身", "猫咪", "露营", "好物"]
TARGET_RATIO, MATCHES_RATIO, MAX_SQL = 10.0, 20.0, 12
# About 3 KB of plain HTML, rendered by the same app: the floor every page is compared to.
FLOOR = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{{ title }}</title></head><body>"
         "<main>{% for i in range(24) %}<section><h2>Section {{ i }}</h2><p>{{ para }}</p></section>"
         "{% endfor %}</main></body></html>")


def log(message: str) -> None:
    print(message, flush=True)


def _bulk(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def build(creators: int, notes: int, app) -> dict:
    """Fill a fresh database; return what the pages need (ids, codes, sign-ins, a token)."""
    rng = random.Random(SEED)
    now = clock.now()
    db.drop_all()
    db.create_all()
    with db.engine.begin() as conn:
        ensure_schema(conn)
    postgres = db.engine.dialect.name == "postgresql"
    indexes = _pg_begin_load() if postgres else []
    started = time.perf_counter()
    categories, regions = tuple(app.config["CATEGORIES"]), tuple(app.config["REGIONS"][:8])
    users, profiles = creator_rows(creators, rng, categories, regions, now)
    _bulk(User, users)
    _bulk(CreatorProfile, profiles)
    # Creator 1 is the signed-in creator: eligible, beauty and fashion, in Shanghai.
    db.session.execute(update(CreatorProfile).where(CreatorProfile.id == 1).values(
        categories_mask=mask_from_categories(["beauty", "fashion"]), region="shanghai", follower_count=25000,
        accepting_orders=True, payouts_ready_at=now, identity_confirmed_at=now, suspended_until=None,
        strike_count=0))
    brand_users = [{"id": creators + i, "email": f"brand{i}@example.com", "password_hash": "x",
                    "display_name": f"Brand {i}", "role": "brand", "created_at": now} for i in range(1, BRANDS + 1)]
    _bulk(User, brand_users)
    _bulk(BrandProfile, [{"id": i, "user_id": creators + i, "company_name": f"{rng.choice(['Glow', 'Peak', 'Lumi', '山茶', '花间'])} {i}",
                          "verified_at": now, "created_at": now, "version": 1} for i in range(1, BRANDS + 1)])
    briefs = []
    for i in range(1, 61):
        picked = rng.sample(categories, 2) if i > 1 else ["beauty", "fashion"]
        briefs.append({"id": i, "brand_id": 1 if i <= 10 else rng.randint(2, BRANDS), "state": "open",
                       "title": f"Campaign {i}", "product": f"Product {i}", "description": "Show your routine.",
                       "categories_mask": mask_from_categories(picked), "deliverable": "image", "fee_mode": "fixed",
                       "fee_cents": rng.choice((50000, 100000, 200000)), "currency": "CNY", "slots": 5,
                       "min_followers": 1000, "regions": "" if i > 1 else "shanghai,zhejiang",
                       "apply_by": now + timedelta(days=7), "draft_due": now + timedelta(days=14),
                       "publish_by": now + timedelta(days=21), "metrics_window_days": 7, "protection_days": 30,
                       "created_at": now, "updated_at": now, "opened_at": now, "version": 1})
    _bulk(Brief, briefs)
    log(f"  {creators:,} creators, {BRANDS} brands, {len(briefs)} open briefs in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    note_rows, tag_rows, filing_rows, texts = [], [], [], {}
    for note_id, title, body in note_texts(notes, rng):
        at = now - timedelta(minutes=(notes - note_id) * 2)
        filed = note_id % FILED_EVERY == 0
        creator_id = 1 if note_id % 997 == 0 else rng.randint(1, creators)
        note_rows.append({"id": note_id, "creator_id": creator_id, "title": title[:100], "body": body, "is_paid": filed,
                          "is_private": False, "created_at": at, "updated_at": at, "version": 1})
        tags = rng.sample(TAGS, rng.choice((1, 2, 3)))
        tag_rows.extend({"note_id": note_id, "tag": tag, "position": p} for p, tag in enumerate(tags))
        if filed:
            filing_rows.append({"code": secrets.token_urlsafe(16), "note_id": note_id,
                                "brand_id": 1 if note_id % 400 == 0 else rng.randint(1, BRANDS),
                                "order_reference": f"ORDER-{note_id}", "filed_at": at,
                                "protected_until": at + timedelta(days=30)})
        texts[note_id] = (title[:100], body + "\n" + " ".join(tags), filed)
        if len(note_rows) >= BATCH:
            _bulk(Note, note_rows)
            _bulk(NoteTag, tag_rows)
            note_rows, tag_rows = [], []
    _bulk(Note, note_rows)
    _bulk(NoteTag, tag_rows)
    _bulk(Filing, filing_rows)
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences on
        for table in ("users", "creator_profiles", "brand_profiles", "briefs", "notes"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    db.session.commit()
    log(f"  {notes:,} notes, {len(filing_rows):,} filings in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    if postgres:
        _pg_finish_load(texts, indexes)
        log(f"  search index of {len(texts):,} notes, indexes and statistics in {time.perf_counter() - started:.1f} s")
        return
    with db.engine.begin() as conn:
        backend = current_backend(conn)
        batch = []
        for note_id, (title, body, filed) in texts.items():
            batch.append(IndexDocument(note_id, filed, analyze(title), analyze(body)))
            if len(batch) == BATCH:
                backend.write(conn, batch)
                batch = []
        backend.write(conn, batch)
        if conn.dialect.name == "sqlite":
            conn.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
    with db.engine.begin() as conn:  # planner statistics, as a production database keeps them
        conn.execute(text("ANALYZE"))
    log(f"  search index of {len(texts):,} notes in {time.perf_counter() - started:.1f} s")


# PostgreSQL loads in bulk (the same rows as SQLite): foreign-key triggers off for the loading
# session (the generators make consistent data), secondary indexes dropped during the load
# and built once after it, the search documents written with COPY and the GIN index built
# over them in one pass, then ANALYZE.
_LOADED = ("users", "creator_profiles", "brand_profiles", "briefs", "notes", "note_tags", "filings",
           "search_documents", "search_lexicon")


def _pg_begin_load() -> list[tuple[str, str]]:
    """Switch the session's connection to loading mode; drop the loaded tables' secondary
    indexes (not those behind primary keys and unique constraints) and return them."""
    db.session.execute(text("SET session_replication_role = replica"))
    indexes = [tuple(row) for row in db.session.execute(text(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index AS i "
        "JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_class AS t ON t.oid = i.indrelid "
        "WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)"),
        {"tables": list(_LOADED)})]
    for name, _definition in indexes:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    return indexes


def _pg_finish_load(texts: dict, indexes: list[tuple[str, str]]) -> None:
    """The search documents by COPY (the same analyzer and tsvector the app writes), then
    the dropped indexes, then planner statistics."""
    from marketplace.search.backends.postgres import LEXICON_MIN, vector_literal

    with db.engine.begin() as conn:
        conn.execute(text("SET session_replication_role = replica"))
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
                "COPY search_documents (note_id, sponsored, title_terms, body_terms, chars, vector) FROM STDIN") as copy:
            words = set()
            for note_id, (title, body, filed) in texts.items():
                document = IndexDocument(note_id, filed, analyze(title), analyze(body))
                copy.write_row((note_id, filed, "", "", "", vector_literal(document)))
                words.update(document.title.terms, document.body.terms)
        with raw.cursor() as cursor, cursor.copy("COPY search_lexicon (term) FROM STDIN") as copy:
            for word in words:  # what PostgresBackend.write adds: the indexed words of 3+ characters
                if len(word) >= LEXICON_MIN:
                    copy.write_row((word,))
        conn.execute(text("SET maintenance_work_mem = '256MB'"))
        for _name, definition in indexes:
            conn.execute(text(definition))
        conn.execute(text("RESET session_replication_role"))
    # As autovacuum leaves a table after a bulk load: statistics and the visibility map.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    db.engine.dispose()  # no pooled connection keeps the loading session's settings


def sign_ins(creators: int, notes: int) -> dict:
    """What the pages need: sign-ins for the creator and the brand, a token, a receipt."""
    creator_user = db.session.get(User, 1)
    brand_user = db.session.get(User, creators + 1)
    keys = {"creator": open_session(creator_user, "bench"), "brand": open_session(brand_user, "bench")}
    _token, plain = create_token("Bench feed")
    receipt = db.session.scalar(text("SELECT code FROM filings ORDER BY id DESC LIMIT 1"))
    db.session.commit()
    return {"keys": keys, "token": plain, "receipt": receipt, "note_id": notes - 1, "brief_id": 1,
            "brand_name": "Glow"}


FLOOR_PATH = "/_bench/floor"


def pages(ctx: dict) -> dict[str, tuple[str, str | None, dict]]:
    """name -> (url, signed-in role or None, headers)."""
    token = {"Authorization": f"Bearer {ctx['token']}"}
    return {
        "landing": ("/", None, {}),
        "filings": ("/filings", None, {}),
        "filings_brand": (f"/filings?brand={ctx['brand_name']}", None, {}),
        "search_zh": ("/search?q=面膜", None, {}),
        "search_en": ("/search?q=sunscreen", None, {}),
        "brand_matches": (f"/briefs/{ctx['brief_id']}/matches", "brand", {}),
        "creator_briefs": ("/briefs", "creator", {}),
        "creator_dashboard": ("/creator", "creator", {}),
        "brand_dashboard": ("/brand", "brand", {}),
        "note": (f"/notes/{ctx['note_id']}", None, {}),
        "receipt": (f"/filings/{ctx['receipt']}", None, {}),
        "api_search": ("/api/v1/search?q=sunscreen", None, {}),
        "api_matches": (f"/api/v1/briefs/{ctx['brief_id']}/matches", None, token),
    }


def measure(url: str, creators: int, notes: int, runs: int, reuse: bool = False, profile: str | None = None,
            only: str | None = None, build_only: bool = False) -> dict:
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={})

    @app.route(FLOOR_PATH)
    @audience(PUBLIC)
    def _floor():
        return render_template_string(FLOOR, title="Floor", para="Lorem ipsum dolor sit amet, consectetur "
                                      "adipiscing elit, sed do eiusmod tempor incididunt ut labore.")

    with app.app_context():
        if not reuse:
            build(creators, notes, app)
            if build_only:
                db.session.remove()
                db.engine.dispose()
                return {}
        ctx = sign_ins(creators, notes)
        db.session.remove()
    # What building left behind must not cost the pages anything (the SQLite run builds in
    # a process of its own; PostgreSQL's builds here): collected, then out of the collector's way.
    gc.collect()
    gc.freeze()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    backend_pids: set[int] = set()
    if engine.dialect.name == "postgresql":
        engine.dispose()

        @event.listens_for(engine, "connect")
        def _remember_pid(dbapi_conn, _record):
            backend_pids.add(dbapi_conn.info.backend_pid)
    clients = {None: app.test_client(), "creator": app.test_client(), "brand": app.test_client()}
    for role in ("creator", "brand"):
        with clients[role].session_transaction() as session:
            session["_user_id"] = ctx["keys"][role]
            session["_fresh"] = True
    results, floors = {}, []
    for name, (path, role, headers) in pages(ctx).items():
        if only and name not in only.split(","):
            continue
        client = clients[role]
        for _ in range(3):  # warm: templates compiled, connections open, caches filled
            response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
        statements.clear()
        client.get(path, headers=headers)
        sql = len(statements)
        writes = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")]
        # Server time is CPU time, as the profiles measured it: this process's (the
        # app, and SQLite inside it) per request, plus PostgreSQL's server processes' CPU
        # averaged over the run. Wall time is kept too, but on a shared machine it mostly
        # measures the neighbours. The floor is timed between the page's requests.
        samples, floor_samples, walls = [], [], []
        server_before = _server_cpu_ms(backend_pids)
        for _ in range(runs):
            cpu = time.process_time()
            clients[None].get(FLOOR_PATH)
            middle, wall = time.process_time(), time.perf_counter()
            client.get(path, headers=headers)
            walls.append((time.perf_counter() - wall) * 1000)
            samples.append((time.process_time() - middle) * 1000)
            floor_samples.append((middle - cpu) * 1000)
        server = (_server_cpu_ms(backend_pids) - server_before) / runs
        floors += floor_samples
        p50, floor = statistics.median(samples) + server, statistics.median(floor_samples)
        if name == profile:
            import cProfile
            import io
            import pstats

            profiler = cProfile.Profile(time.process_time)  # CPU time: the neighbours don't count
            profiler.enable()
            for _ in range(runs):
                client.get(path, headers=headers)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(int(os.environ.get("PROFILE_LINES", "25")))
            log(out.getvalue())
        results[name] = {"p50_ms": round(p50, 2), "sql": sql, "writes": len(writes), "ratio": round(p50 / floor, 1),
                         "wall_p50_ms": round(statistics.median(walls), 2)}
        log(f"  {name:18} p50 {p50:7.2f} ms CPU ({server:5.2f} in the database server)  {sql:3d} SQL  "
            f"{p50 / floor:5.1f}x floor ({floor:.2f} ms)  wall {results[name]['wall_p50_ms']:.1f} ms"
            + (f"  {len(writes)} writes" if writes else ""))
    event.remove(engine, "before_cursor_execute", record)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"creators": creators, "notes": notes, "floor_ms": round(statistics.median(floors), 2), "pages": results,
            "worst_ratio": max(p["ratio"] for p in results.values()),
            "max_sql": max(p["sql"] for p in results.values())}


def _server_cpu_ms(pids: set[int]) -> float:
    """CPU time (user + system) PostgreSQL has used for our connections, read from /proc (the
    cluster runs on this machine): their backend processes, plus the children the postmaster
    has reaped — the parallel workers a query starts (and any autovacuum worker, which a
    quiet benchmark cluster rarely runs). 0 without PostgreSQL."""
    total, parents = 0, set()
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        parents.add(int(fields[1]))
    for pid in parents:  # the postmaster: cutime, cstime of its reaped children
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[13]) + int(fields[14])
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def verdict(result: dict) -> list[str]:
    """What misses a target (empty when every target is met)."""
    misses = []
    for name, page in result["pages"].items():
        limit = MATCHES_RATIO if name == "brand_matches" else TARGET_RATIO
        if page["ratio"] > limit:
            misses.append(f"{name} {page['ratio']}x > {limit:g}x")
        if page["sql"] > MAX_SQL:
            misses.append(f"{name} {page['sql']} SQL > {MAX_SQL}")
        if page["writes"]:
            misses.append(f"{name} writes on a read")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    small = os.environ.get("PAGES_BENCH_SMALL") == "1"
    parser.add_argument("--creators", type=int, default=None)
    parser.add_argument("--notes", type=int, default=None)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--small", action="store_true", default=small, help="a tenth of the data, for a quick run")
    parser.add_argument("--keep", help="build the SQLite file here and keep it")
    parser.add_argument("--only", help="measure only these pages (comma-separated names)")
    parser.add_argument("--profile", metavar="PAGE", help="also profile this page (cProfile over CPU time)")
    parser.add_argument("--reuse", help="measure a SQLite file --keep built (same sizes), without building")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)  # the SQLite build
    parser.add_argument("--database-from-env", action="store_true", help="use $TEST_DATABASE_URL (with-postgres.sh)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--pg-only", action="store_true", help="measure PostgreSQL only (no SQLite run)")
    parser.add_argument("--pg-dir", help="keep PostgreSQL's cluster in this directory (built once, reused)")
    parser.add_argument("--pg-rebuild", action="store_true", help="with --pg-dir: build again even if built")
    parser.add_argument("--database", help=argparse.SUPPRESS)  # --pg-dir's build process
    args = parser.parse_args()
    creators = args.creators or (10_000 if args.small else 100_000)
    notes = args.notes or (20_000 if args.small else 200_000)

    if args.database:  # a kept PostgreSQL cluster's build, in a process of its own
        measure(args.database, creators, notes, args.runs, build_only=True)
        return
    if args.pg_only:
        pg = _postgres_run(args, creators, notes)
        if pg is None:
            raise SystemExit("no PostgreSQL run")
        misses = verdict(pg)
        log("targets (<= 10x floor, matches <= 20x, <= 12 SQL, no writes on reads): "
            + ("met" if not misses else "NOT met: " + "; ".join(misses)))
        print(json.dumps({"creators": creators, "notes": notes, "postgres": pg}, ensure_ascii=False))
        return

    if args.database_from_env:
        log(f"PostgreSQL: {creators:,} creators, {notes:,} notes")
        print(json.dumps(measure(os.environ["TEST_DATABASE_URL"], creators, notes, args.runs,
                                 profile=args.profile, only=args.only)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.reuse or args.keep or f"{tmp}/pages-bench.db"
        if os.path.exists(path) and not args.reuse:
            os.remove(path)
        log(f"SQLite: {creators:,} creators, {notes:,} notes")
        if args.build_only:
            measure(f"sqlite:///{path}", creators, notes, args.runs, build_only=True)
            return
        if not args.reuse:  # built in a process of its own, measured in a fresh one (this)
            subprocess.run([sys.executable, __file__, "--build-only", "--keep", path, "--creators", str(creators),
                            "--notes", str(notes)], check=True)
        result = measure(f"sqlite:///{path}", creators, notes, args.runs, reuse=True,
                         profile=args.profile, only=args.only)
    misses = verdict(result)
    if not args.no_postgres and not args.reuse:
        pg = _postgres_run(args, creators, notes)
        if pg is not None:
            result["postgres"] = {k: pg[k] for k in ("floor_ms", "pages", "worst_ratio", "max_sql")}
            misses += [f"PostgreSQL: {m}" for m in verdict(pg)]
    log("targets (<= 10x floor, matches <= 20x, <= 12 SQL, no writes on reads): "
        + ("met" if not misses else "NOT met: " + "; ".join(misses)))
    print(json.dumps(result, ensure_ascii=False))


def _postgres_run(args, creators: int, notes: int) -> dict | None:
    """PostgreSQL's figures: in a throwaway cluster (scripts/with-postgres.sh), or with
    ``--pg-dir`` in a kept one, built (in a process of its own) only when it holds no build
    of these sizes, then measured in this process."""
    if not args.pg_dir:
        return rerun_in_postgres(__file__, ["--creators", str(creators), "--notes", str(notes), "--runs", str(args.runs)]
                                 + (["--only", args.only] if args.only else [])
                                 + (["--profile", args.profile] if args.profile else []), log)
    marker = Path(args.pg_dir) / "built.json"
    sizes = {"creators": creators, "notes": notes}
    with KeptCluster(args.pg_dir) as url:
        if args.pg_rebuild or not marker.exists() or json.loads(marker.read_text()) != sizes:
            log(f"PostgreSQL (kept in {args.pg_dir}): building {creators:,} creators, {notes:,} notes")
            marker.unlink(missing_ok=True)
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--database", url, "--creators", str(creators),
                            "--notes", str(notes)], check=True)
            marker.write_text(json.dumps(sizes))
            log(f"  built in {time.perf_counter() - started:.0f} s")
        log(f"PostgreSQL (kept in {args.pg_dir}): {creators:,} creators, {notes:,} notes")
        return measure(url, creators, notes, args.runs, reuse=True, profile=args.profile, only=args.only)


if __name__ == "__main__":
    main()
