"""Pages under load: N concurrent users against ``gunicorn -w 4`` on a database pages.py built.

    .venv/bin/python benchmarks/pages.py --no-postgres --keep /tmp/pages.db   # build once (~4 min)
    .venv/bin/python benchmarks/load.py --db /tmp/pages.db [--users 16] [--seconds 30]

Starts gunicorn (``wsgi:app``, 4 sync workers) on a free loopback port against the SQLite
file, then runs ``--users`` threads, each looping over the pages ``benchmarks/pages.py``
measures (signed in as its brand or creator where the page needs it) with no pause between
requests: a closed loop, so each user waits for its answer before asking again. After a
warm-up (every user, every page, on every worker) it times ``--seconds`` of traffic and
reports each page's p50 and p95 latency as the users see it. Target (issue 14): every page's
p50 under 200 ms with 16 users at 100k creators on this 2-core machine.

So that a reading can be judged, it also reports what the latency is made of: the server's
CPU per request (the gunicorn processes' own CPU time, from /proc, over the timed window),
the load generator's CPU per request (it runs on the same cores), throughput, and the
machine's load average before and after, and the share of the machine's CPU the run got
(other jobs on the cores lengthen every queue: a share well under 1.0 means a busy machine).
In a closed loop latency is mostly queueing: with ``users`` in flight on ``cores`` CPUs,
mean latency ~ users x (server + client CPU per request) / cores. That figure is printed as
``idle_estimate_ms``, labelled as an estimate; only the measured percentiles are the result.
Failed or non-200 answers are not timed; they are counted in ``errors`` and fail the target.

The last line printed is one JSON object: {"users": N, "workers": N, "seconds": X, "requests": N,
"per_s": X, "server_cpu_ms": X, "client_cpu_ms": X, "load_before": [..], "load_after": [..],
"cores": N, "cpu_share": X, "idle_estimate_ms": X, "pages": {"name": {"p50_ms": X, "p95_ms": X, "requests": N}, ...},
"worst_p50_ms": X, "errors": N}
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import pages, sign_ins  # noqa: E402  (beside this script)

from config import Config  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402

SECRET = "concurrent-benchmark-secret"


def log(message: str) -> None:
    print(message, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree_cpu_ms(root: int) -> float:
    """CPU time (user + system) of ``root`` and its child processes (gunicorn's master and
    workers), read from /proc."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == root or int(fields[1]) == root:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def _cookies(url: str, creators: int, notes: int) -> tuple[dict, dict]:
    """The page list, and a session cookie for each signed-in role (made by the app itself)."""
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET)
    with app.app_context():
        ctx = sign_ins(creators, notes)
        db.session.remove()
    cookies = {}
    for role in ("creator", "brand"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = ctx["keys"][role]
            session["_fresh"] = True
        cookies[role] = f"session={client.get_cookie('session').value}"
    return pages(ctx), cookies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file benchmarks/pages.py --keep built")
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30, help="timed traffic")
    parser.add_argument("--warmup", type=float, default=8, help="untimed traffic first")
    args = parser.parse_args()

    if not os.path.exists(args.db):
        raise SystemExit(f"{args.db}: no such file; build it with benchmarks/pages.py --no-postgres --keep {args.db}")
    url = f"sqlite:///{os.path.abspath(args.db)}"
    page_list, cookies = _cookies(url, args.creators, args.notes)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        samples: dict[str, list[float]] = {name: [] for name in page_list}
        errors: list[str] = []
        stop = time.perf_counter() + args.seconds

        def user(offset: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            names = list(page_list)
            i = offset
            while time.perf_counter() < stop:
                name = names[i % len(names)]
                i += 1
                path, role, headers = page_list[name]
                headers = {**headers, **({"Cookie": cookies[role]} if role else {})}
                started = time.perf_counter()
                try:
                    conn.request("GET", quote(path, safe="/?=&"), headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as error:
                    errors.append(f"{name}: {error}")
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    continue
                if response.status != 200:
                    errors.append(f"{name}: HTTP {response.status}")
                    continue
                samples[name].append((time.perf_counter() - started) * 1000)

        # Warm every worker (templates compiled, connections open, caches filled) before timing.
        warm = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
        stop = time.perf_counter() + args.warmup
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        samples = {name: [] for name in page_list}
        errors.clear()
        load_before = [round(x, 2) for x in os.getloadavg()]
        server_before, client_before = _tree_cpu_ms(server.pid), time.process_time()
        began = time.perf_counter()
        stop = began + args.seconds
        threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        server_cpu, client_cpu = _tree_cpu_ms(server.pid) - server_before, (time.process_time() - client_before) * 1000
        load_after = [round(x, 2) for x in os.getloadavg()]
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = sum(len(values) for values in samples.values()) + len(errors)
    cores = os.cpu_count() or 1
    result = {"users": args.users, "workers": args.workers, "seconds": args.seconds, "requests": requests,
              "per_s": round(requests / elapsed, 1), "server_cpu_ms": round(server_cpu / max(requests, 1), 2),
              "client_cpu_ms": round(client_cpu / max(requests, 1), 2), "load_before": load_before,
              "load_after": load_after, "cores": cores,
              # The part of the machine this run got: 1.0 means the server and the load generator
              # kept every core busy; less means other jobs took the rest (or the run idled).
              "cpu_share": round((server_cpu + client_cpu) / (elapsed * 1000 * cores), 2)}
    result["idle_estimate_ms"] = round(args.users * (result["server_cpu_ms"] + result["client_cpu_ms"]) / cores, 1)
    result["pages"] = {}
    for name, values in samples.items():
        if not values:
            continue
        values.sort()
        result["pages"][name] = {"p50_ms": round(statistics.median(values), 1),
                                 "p95_ms": round(values[int(0.95 * (len(values) - 1))], 1), "requests": len(values)}
        log(f"  {name:18} p50 {result['pages'][name]['p50_ms']:7.1f} ms  p95 {result['pages'][name]['p95_ms']:7.1f} ms"
            f"  ({len(values)} requests)")
    result["worst_p50_ms"] = max(p["p50_ms"] for p in result["pages"].values())
    result["errors"] = len(errors)
    if errors:
        log(f"  {len(errors)} errors, e.g. {errors[:3]}")
    log(f"  {result['per_s']} requests/s; CPU per request: server {result['server_cpu_ms']} ms, load generator "
        f"{result['client_cpu_ms']} ms; load average {load_before} before, {load_after} after, on {cores} cores; "
        f"this run got {result['cpu_share']:.0%} of the machine's CPU")
    log(f"  estimate on idle cores (users x CPU per request / cores, not a measurement): "
        f"~{result['idle_estimate_ms']} ms mean latency")
    log(f"target (every p50 < 200 ms with {args.users} users, no errors): "
        + ("met" if result["worst_p50_ms"] < 200 and not errors else "NOT met"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
