"""Payouts benchmark: 10,000 due payouts paid by two runner processes against the local
Stripe-compatible server with its rate limit set, counted at the gateway.

    .venv/bin/python benchmarks/payouts.py [--payouts 10000] [--rate 25] [--runners 2]
                                           [--database URL] [--no-wal]

Builds N settled orders with due payouts in bulk (20 creators with activated connected
accounts; the ledger holds and settles their money, so `ledger verify` stays meaningful),
starts ``devtools/stripe_server.py --rate-limit RATE``, sets ``STRIPE_MAX_REQUESTS_PER_S``
to the same rate, and starts the runner processes; timing starts when all of them are ready
(imports done) and ends when the last one has finished. Then it counts at the gateway
(``/_dev/stats``: transfers per ``transfer_group``): ``double_paid`` payouts with more than
one transfer, ``lost`` payouts with none or not marked paid; and runs the ledger checks.

SQLite runs in WAL mode with synchronous=NORMAL (``--no-wal`` for the default rollback
journal, to compare): readers then never wait for the writer, and a commit is one append
to the log instead of a journal file written, synced and deleted.

Target: ``achieved_per_s`` ≥ 90% of ``rate_limit_per_s``. ``metrics_per_s`` is
``benchmarks/metrics_ingest.py``'s ``measure()``: 100,000 metric reports through the bulk API
on SQLite (target ≥ 5,000/s; ``--metrics-reports N`` for another size, 0 to skip it).

The last line printed is one JSON object:
{"payouts": N, "seconds": S, "rate_limit_per_s": L, "achieved_per_s": R, "double_paid": 0, "lost": 0,
 "metrics_per_s": M}
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from config import Config  # noqa: E402
from marketplace import clock, create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402

CREATORS = 20
FEE = 10_000
SECRET = "sk_test_pappus_bench"


def log(message: str) -> None:
    print(message, file=sys.stderr if os.environ.get("PAYOUTS_BENCH_WORKER") else sys.stdout, flush=True)


def make_app(url: str, stripe_url: str, rate: int, wal: bool):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        STRIPE_API_BASE = stripe_url
        STRIPE_SECRET_KEY = SECRET
        STRIPE_MAX_REQUESTS_PER_S = rate
        PASSWORD_HASH_METHOD = "scrypt:16384:8:1"

    app = create_app(BenchConfig)
    if url.startswith("sqlite") and wal:
        with app.app_context():
            @event.listens_for(db.engine, "connect")
            def _pragmas(connection, _record):
                cursor = connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()
            db.engine.dispose()
    return app


def start_stripe(state_dir: Path) -> tuple[subprocess.Popen, str]:
    logfile = open(state_dir / "stripe.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "devtools.stripe_server", "--port", "0"],
                               cwd=ROOT, stdout=logfile, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", (state_dir / "stripe.log").read_text())
        if found:
            return process, found.group(1)
        time.sleep(0.1)
    process.kill()
    raise SystemExit("the local Stripe server did not start")


def build(n: int, stripe_url: str) -> list[str]:
    """N orders in payout_scheduled with their payouts due now; returns the payouts' keys."""
    from marketplace.ledger import service as ledger
    from marketplace.money import Money
    from marketplace.orders.models import Order
    from marketplace.payments import gateway
    from marketplace.payout_accounts.models import PayoutAccount
    from marketplace.payouts.models import Payout
    from tests.factories import make_brand, make_brief, make_eligible_creator

    now = clock.now()
    brand = make_brand()
    creators = [make_eligible_creator() for _ in range(CREATORS)]
    for creator in creators:
        status = gateway.create_express_account(creator.user.email, idempotency_key=f"bench-acct-{creator.id}")
        requests.post(f"{stripe_url}/_dev/accounts/{status.id}/activate", timeout=30).raise_for_status()
        db.session.add(PayoutAccount(creator_id=creator.id, idempotency_key=f"bench-account-{creator.id}",
                                     stripe_account_id=status.id, details_submitted=True, payouts_enabled=True,
                                     transfers_active=True, requirements_due=[], status_as_of=now))
    db.session.commit()
    briefs = [make_brief(brand, slots=CREATORS, fee_cents=FEE) for _ in range((n + CREATORS - 1) // CREATORS)]
    service_fee = FEE // 10
    orders, payouts = [], []
    for i in range(n):
        brief, creator = briefs[i // CREATORS], creators[i % CREATORS]
        orders.append(dict(id=i + 1, reference=f"PO-BENCH{i + 1:06d}", brief_id=brief.id, creator_id=creator.id,
                           brand_id=brand.id, state="payout_scheduled", way_in="invite", fee_cents=FEE,
                           service_fee_cents=service_fee, currency="CNY", message="", created_at=now,
                           accepted_at=now, published_at=now, metrics_closed_at=now, revision_count=0,
                           cancel_reason="", version=1))
        payouts.append(dict(id=i + 1, order_id=i + 1, creator_id=creator.id, state="due", currency="CNY",
                            amount_cents=FEE, fee_cents=FEE, bonus_cents=0, commission_cents=0,
                            service_fee_cents=service_fee, released_cents=0, reads=0, snapshot_checksum="0" * 64,
                            created_at=now, due_at=now, attempts=0, idempotency_key=f"payout-{i + 1}",
                            last_error=""))
    db.session.execute(insert(Order), orders)
    db.session.execute(insert(Payout), payouts)
    # The money: the brand's top-up held in one escrow per creator and settled to their payable.
    ledger.credit_topup(brand.id, Money(n * (FEE + service_fee), "CNY"), "bench-topup")
    for c, creator in enumerate(creators):
        count = len(range(c, n, CREATORS))
        escrow_order = c + 1
        ledger.hold(brand.id, escrow_order, Money(count * (FEE + service_fee), "CNY"), f"bench-hold-{c}")
        ledger.settle(escrow_order, creator.id, Money(count * FEE, "CNY"), Money(count * service_fee, "CNY"),
                      Money(0, "CNY"), f"bench-settle-{c}")
    db.session.commit()
    return [p["idempotency_key"] for p in payouts]


def worker(args) -> None:
    """One runner process: ready, wait for the go line, run, report its times."""
    from marketplace.payouts import runner

    app = make_app(args.database, args.stripe, args.rate, not args.no_wal)
    with app.app_context():
        app.config["PAYOUT_BATCH"] = args.batch
        db.session.execute(select(1))
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.time()
        if os.environ.get("PAYOUTS_BENCH_PROFILE"):  # where a runner's time goes, per process
            import cProfile

            profile = cProfile.Profile()
            report = profile.runcall(runner.run)
            profile.dump_stats(f"{os.environ['PAYOUTS_BENCH_PROFILE']}.{os.getpid()}")
        else:
            report = runner.run()
        print(json.dumps({"started": started, "ended": time.time(), "paid": report.paid,
                          "retrying": report.retrying, "failed": report.failed, "lost": report.lost_claims}),
              flush=True)


def metrics_per_s(reports: int) -> int:
    """``benchmarks/metrics_ingest.py``'s measurement: ``reports`` metric reports through the
    bulk API on a fresh SQLite file (it checks each was stored once, and fails loudly if not)."""
    import metrics_ingest  # noqa: PLC0415  (benchmarks/ is on the path)

    result = metrics_ingest.measure(reports)
    ok = result["metrics_per_s"] >= metrics_ingest.TARGET_PER_S
    log(f"metrics: {result['reports']:,} reports through the bulk API in {result['seconds']} s = "
        f"{result['metrics_per_s']:,}/s (target >= {metrics_ingest.TARGET_PER_S:,}: {'met' if ok else 'NOT met'})")
    return result["metrics_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payouts", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=25, help="the server's and the runners' requests per second")
    parser.add_argument("--runners", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--no-wal", action="store_true")
    parser.add_argument("--metrics-reports", type=int, default=100_000,
                        help="metric reports for the ingestion figure (0: skip it, metrics_per_s null)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stripe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    tmp = Path(tempfile.mkdtemp(prefix="pappus-payouts-bench-"))
    url = args.database or f"sqlite:///{tmp}/bench.db"
    server, stripe_url = start_stripe(tmp)
    try:
        app = make_app(url, stripe_url, args.rate, not args.no_wal)
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            keys = build(args.payouts, stripe_url)
            log(f"built {len(keys):,} due payouts in {time.perf_counter() - started:.1f} s")
        requests.post(f"{stripe_url}/_dev/rate-limit", json={"per_second": args.rate}, timeout=30).raise_for_status()
        command = [sys.executable, __file__, "--worker", "--database", url, "--stripe", stripe_url,
                   "--rate", str(args.rate), "--batch", str(args.batch)] + (["--no-wal"] if args.no_wal else [])
        env = {**os.environ, "PAYOUTS_BENCH_WORKER": "1"}
        workers = [subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    env=env) for _ in range(args.runners)]
        for process in workers:
            assert process.stdout.readline().strip() == "ready"
        go = time.time()
        for process in workers:
            process.stdin.write("go\n")
            process.stdin.flush()
        reports = []
        for process in workers:
            out, _ = process.communicate()
            reports.append(json.loads(out.strip().splitlines()[-1]))
        seconds = max(r["ended"] for r in reports) - go
        log("runners: " + "; ".join(json.dumps(r) for r in reports))
        stats = requests.get(f"{stripe_url}/_dev/stats", timeout=60).json()
        groups = stats["transfers"]["by_transfer_group"]
        log(f"gateway: {stats['transfers']['count']:,} transfers, {stats.get('requests', 0):,} requests, "
            f"{stats.get('rate_limited', 0)} answered 429")
        double = sum(1 for key in keys if groups.get(key, 0) > 1)
        with app.app_context():
            from marketplace.ledger.verify import verify
            from marketplace.payouts.models import Payout

            paid = set(db.session.scalars(select(Payout.idempotency_key).where(Payout.state == "paid")))
            lost = sum(1 for key in keys if groups.get(key, 0) == 0 or key not in paid)
            with db.engine.connect() as conn:
                log(verify(conn).summary())
    finally:
        server.terminate()
        server.wait(timeout=30)
    target = 0.9 * args.rate
    achieved = len(keys) / seconds
    log(f"payouts: {achieved:.2f}/s against a rate of {args.rate}/s = {achieved / args.rate:.0%} "
        f"(target >= 90%: {'met' if achieved >= target else 'NOT met'})")
    metrics = metrics_per_s(args.metrics_reports) if args.metrics_reports else None
    print(json.dumps({"payouts": len(keys), "seconds": round(seconds, 2), "rate_limit_per_s": args.rate,
                      "achieved_per_s": round(len(keys) / seconds, 2), "double_paid": double, "lost": lost,
                      "metrics_per_s": metrics}))


if __name__ == "__main__":
    main()
