"""Ledger benchmark: balance reads at 1,000,000 entries, from the entries themselves.

    .venv/bin/python benchmarks/ledger_balance.py [--entries 1000000] [--runs 200]
                                                  [--database URL] [--no-postgres]

Builds a ledger of N entries (N/2 two-entry transactions: top-ups from the gateway's cash to
10,000 brands, holds from those brands into one escrow per order, settlements from escrow to
2,000 creators' payables), then times, with the app's own functions:

- ``balance_read``: one brand's available balance (``SUM(amount)`` over its entries, answered
  from the covering index ``ix_ledger_entries_account_balance`` without touching the table);
- ``brand_balance``: available and held (every escrow of the brand) together, as a balance
  page shows them;
- ``busiest``: the gateway's cash account, which every top-up touches (a third of all
  entries): the worst case, read only by staff pages and ``verify``;
- ``hold``: a whole hold (lock the brand's account, read its balance, write the booking),
  rolled back so each run sees the same ledger.

It prints each query plan, so the index use is visible. SQLite always (a fresh file in a temp
dir); PostgreSQL too when ``scripts/with-postgres.sh`` can start a throwaway cluster.
Target: SQLite balance read p50 <= 1 ms at 1M entries.

The last line printed is one JSON object:
{"entries": N, "balance_read_p50_ms": X, "brand_balance_p50_ms": Y, "busiest_account_entries": M,
 "busiest_balance_p50_ms": Z, "hold_p50_ms": H, "build_seconds": S, "postgres": {...}}
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from config import Config  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.auth.models import User  # noqa: E402
from marketplace.brands.models import BrandProfile  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.ledger import books, service as ledger  # noqa: E402
from marketplace.ledger.models import Account, AccountKind as K, Entry, Transaction  # noqa: E402
from marketplace.money import Money  # noqa: E402

SEED = 20260503
BRANDS, CREATORS = 10_000, 2_000
BATCH = 20_000


def log(message: str) -> None:
    print(message, flush=True)


def build(n_entries: int) -> None:
    """Accounts, then N/2 balanced two-entry transactions, in bulk (ids given here)."""
    rng = random.Random(SEED)
    now = clock.now()
    db.session.execute(insert(User), [
        {"id": b, "email": f"bench{b}@example.com", "password_hash": "x", "display_name": f"Brand {b}",
         "role": "brand", "session_nonce": "0", "created_at": now} for b in range(1, BRANDS + 1)])
    db.session.execute(insert(BrandProfile), [
        {"id": b, "user_id": b, "company_name": f"Brand {b}", "website": "", "industry": "", "created_at": now}
        for b in range(1, BRANDS + 1)])
    accounts = [{"id": 1, "kind": K.GATEWAY_CASH, "owner_id": 0, "currency": "CNY", "brand_id": None}]
    accounts += [{"id": 1 + b, "kind": K.BRAND_AVAILABLE, "owner_id": b, "currency": "CNY", "brand_id": None}
                 for b in range(1, BRANDS + 1)]
    payable0 = len(accounts) + 1
    accounts += [{"id": payable0 + c, "kind": K.CREATOR_PAYABLE, "owner_id": c + 1, "currency": "CNY",
                  "brand_id": None} for c in range(CREATORS)]
    next_account = len(accounts) + 1
    available = {}  # brand -> spendable in the generated history (kept >= 0)
    escrows = []  # (account id, brand, amount held)
    txns, entries = [], []
    txn_id = entry_id = 0

    def flush_rows():
        if accounts:
            db.session.execute(insert(Account), [dict(a, created_at=now) for a in accounts])
            accounts.clear()
        if txns:
            db.session.execute(insert(Transaction), txns)
            db.session.execute(insert(Entry), entries)
        db.session.commit()
        txns.clear()
        entries.clear()

    for _ in range(n_entries // 2):
        txn_id += 1
        roll = rng.random()
        brand = rng.randint(1, BRANDS)
        if roll < 0.4 or available.get(brand, 0) < 5_000:
            kind, amount = "topup", rng.randint(50_000, 500_000)
            giver, taker = 1, 1 + brand
            available[brand] = available.get(brand, 0) + amount
        elif roll < 0.75 or not escrows:
            kind, amount = "hold", rng.randint(1_000, available[brand])
            giver, taker = 1 + brand, next_account
            accounts.append({"id": next_account, "kind": K.ORDER_ESCROW, "owner_id": next_account,
                             "currency": "CNY", "brand_id": brand})
            escrows.append((next_account, brand, amount))
            next_account += 1
            available[brand] -= amount
        else:
            escrow, _brand, amount = escrows.pop(rng.randrange(len(escrows)))
            kind, giver, taker = "settle", escrow, payable0 + rng.randrange(CREATORS)
        txns.append({"id": txn_id, "kind": kind, "reference": f"bench-{txn_id}", "currency": "CNY", "memo": "",
                     "actor": "bench", "at": now})
        for account_id, signed in ((giver, -amount), (taker, amount)):
            entry_id += 1
            entries.append({"id": entry_id, "transaction_id": txn_id, "account_id": account_id,
                            "currency": "CNY", "amount": signed})
        if len(entries) >= BATCH:
            flush_rows()
    flush_rows()
    if db.engine.dialect.name == "postgresql":  # ids were given explicitly: move the sequences on
        for table in ("ledger_accounts", "ledger_transactions", "ledger_entries", "brand_profiles", "users"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT MAX(id) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # index-only scans need the visibility map
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def plan(account_id: int) -> str:
    sql = "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = :a"
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text(f"EXPLAIN {sql}"), {"a": account_id}).scalars()
    else:
        rows = (row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}"), {"a": account_id}))
    return " | ".join(rows)


def measure(url: str, n_entries: int, runs: int) -> dict:
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        build(n_entries)
        built = time.perf_counter() - started
        total = db.session.scalar(select(func.count()).select_from(Entry))
        log(f"  built {total:,} entries in {built:.1f} s")
        rng = random.Random(SEED + 1)
        brand_accounts = list(db.session.scalars(
            select(Account).where(Account.kind == K.BRAND_AVAILABLE).order_by(Account.id)))
        picks = [rng.choice(brand_accounts) for _ in range(runs)]
        per_brand = statistics.mean(
            db.session.scalar(select(func.count()).select_from(Entry).where(Entry.account_id == a.id))
            for a in picks[:50])
        log(f"  a brand's available account has about {per_brand:.0f} entries")
        log(f"  plan: {plan(picks[0].id)}")
        it = iter(picks * 2)
        read = timed(lambda: books.balance_cents(next(it).id), runs)
        it2 = iter(picks * 2)
        page = timed(lambda: ledger.brand_balance(next(it2).owner_id, "CNY"), runs)
        cash = db.session.get(Account, 1)
        busiest = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.account_id == 1))
        busiest_p50 = timed(lambda: books.balance_cents(cash.id), max(5, runs // 20))
        log(f"  gateway cash: {busiest:,} entries")

        order_ids = iter(range(10_000_000, 10_000_000 + runs * 2))
        funded = [a.owner_id for a in picks if books.balance_cents(a.id) >= 100]
        # A request's session starts empty; rolling back one holding 10,000 loaded accounts
        # would time expiring them, not the hold.
        db.session.expunge_all()

        def hold():
            brand_id = next(it3)
            try:
                ledger.hold(brand_id, next(order_ids), Money(100, "CNY"), f"bench-hold-{time.perf_counter_ns()}")
            finally:
                db.session.rollback()
                db.session.expunge_all()

        it3 = iter(funded * 4)
        hold_p50 = timed(hold, max(20, runs // 4))
        result = {"entries": total, "balance_read_p50_ms": round(read, 3), "brand_balance_p50_ms": round(page, 3),
                  "busiest_account_entries": busiest, "busiest_balance_p50_ms": round(busiest_p50, 2),
                  "hold_p50_ms": round(hold_p50, 2), "build_seconds": round(built, 1)}
        log(f"  balance read p50 {read:.3f} ms; available+held p50 {page:.3f} ms; "
            f"busiest account p50 {busiest_p50:.1f} ms; a whole hold p50 {hold_p50:.2f} ms")
        db.session.remove()
        db.engine.dispose()
    return result


def postgres(n_entries: int, runs: int) -> dict | None:
    """Re-run this script inside a throwaway PostgreSQL cluster; None when there is none."""
    script = ROOT / "scripts" / "with-postgres.sh"
    inner = [sys.executable, __file__, "--database-from-env", "--entries", str(n_entries), "--runs", str(runs)]
    done = subprocess.run(["bash", str(script), *inner], capture_output=True, text=True, cwd=ROOT)
    for line in done.stdout.splitlines()[:-1]:
        log(f"  {line}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        log(f"  PostgreSQL run did not finish: {done.stderr.strip()[-500:] or done.stdout.strip()[-200:]}")
        return None
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--database-from-env", action="store_true", help="use $TEST_DATABASE_URL (with-postgres.sh)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()

    if args.database_from_env:
        log(f"PostgreSQL: {args.entries:,} entries")
        print(json.dumps(measure(os.environ["TEST_DATABASE_URL"], args.entries, args.runs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{tmp}/ledger-bench.db"
        log(f"SQLite: {args.entries:,} entries")
        result = measure(url, args.entries, args.runs)
    if not args.no_postgres and not args.database:
        pg = postgres(args.entries, args.runs)
        if pg is not None:
            result["postgres"] = {k: v for k, v in pg.items() if k != "entries"}
    ok = result["balance_read_p50_ms"] <= 1.0
    log(f"target (SQLite balance read p50 <= 1 ms at {result['entries']:,} entries): {'met' if ok else 'NOT met'}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
