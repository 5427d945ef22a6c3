"""Pages under load: N concurrent users against ``gunicorn -w 4`` on a database pages.py built.

    .venv/bin/python benchmarks/pages.py --no-postgres --keep /tmp/pages.db   # build once
    .venv/bin/python benchmarks/load.py --db /tmp/pages.db [--users 16] [--seconds 30]

Starts gunicorn (``wsgi:app``, 4 sync workers) on a free loopback port against the SQLite
file, then runs ``--users`` threads, each with its own keep-alive connection, looping over
the pages ``benchmarks/pages.py`` measures (signed in as its brand or creator where the page
needs it). Reports each page's p50 and p95 latency as the users see it. Target (issue 14):
every page's p50 under 200 ms with 16 users at 100k creators on this 2-core machine.

The last line printed is one JSON object: {"users": N, "workers": N, "pages": {"name": {"p50_ms":
X, "p95_ms": X, "requests": N}, ...}, "worst_p50_ms": X}
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
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

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
                samples[name].append((time.perf_counter() - started) * 1000)

        # Warm every worker (templates compiled, connections open) before timing.
        warm = [threading.Thread(target=user, args=(n,)) for n in range(args.workers)]
        stop = time.perf_counter() + 5
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        samples = {name: [] for name in page_list}
        stop = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {"users": args.users, "workers": args.workers, "seconds": args.seconds, "pages": {}}
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
    log(f"target (every p50 < 200 ms with {args.users} users): "
        + ("met" if result["worst_p50_ms"] < 200 else "NOT met"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
