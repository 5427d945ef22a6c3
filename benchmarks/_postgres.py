"""Shared by the benchmarks: re-run a benchmark script inside a throwaway PostgreSQL cluster
(scripts/with-postgres.sh), relay its progress lines, and return its closing JSON figures."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def rerun_in_postgres(script: str, args: list[str], log: Callable[[str], None]) -> dict | None:
    """Run ``script --database-from-env ARGS`` against a fresh cluster; None when there is no
    PostgreSQL here or the run did not finish (what it said is logged)."""
    wrapper = ROOT / "scripts" / "with-postgres.sh"
    if not wrapper.exists():
        return None
    inner = [sys.executable, script, "--database-from-env", *args]
    done = subprocess.run(["bash", str(wrapper), *inner], capture_output=True, text=True, cwd=ROOT)
    for line in done.stdout.splitlines()[:-1]:
        log(f"  {line}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        log(f"  PostgreSQL run did not finish: {done.stderr.strip()[-500:] or done.stdout.strip()[-200:]}")
        return None
    return json.loads(lines[-1])


def _bindir() -> str | None:
    """The newest installed PostgreSQL's binaries (as scripts/with-postgres.sh looks)."""
    import glob
    import shutil

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True)
    for directory in found:
        if Path(directory, "initdb").exists():
            return directory
    initdb = shutil.which("initdb")
    return str(Path(initdb).resolve().parent) if initdb else None


class KeptCluster:
    """A benchmark's own PostgreSQL cluster in ``path`` that outlives the run, so a full-size
    build is made once and measured many times (``--pg-dir``). Created on first use (initdb),
    started for the run and stopped after it; the data stays. Throwaway settings only
    (fsync, synchronous_commit and full-page writes off): this cluster holds generated data.

        with KeptCluster("/tmp/pages-pg") as url: ...
    """

    def __init__(self, path: str, database: str = "pages_bench"):
        import os

        self.path, self.database = Path(path).resolve(), database
        self.data = self.path / "data"
        self.root = os.geteuid() == 0
        self.bindir = _bindir()
        self.process = None

    def _as_pg(self, *command: str) -> list[str]:
        return (["runuser", "-u", "postgres", "--"] if self.root else []) + list(command)

    def __enter__(self) -> str:
        import socket
        import time

        if self.bindir is None:
            raise SystemExit("no PostgreSQL binaries (initdb) on this machine")
        self.path.mkdir(parents=True, exist_ok=True)
        if self.root:
            subprocess.run(["chown", "postgres:", str(self.path)], check=True)
        if not (self.data / "PG_VERSION").exists():
            subprocess.run(self._as_pg(f"{self.bindir}/initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                                       "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
                           check=True, capture_output=True)
            with open(self.data / "postgresql.conf", "a") as conf:
                conf.write(f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{self.path}'\n"
                           "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                           "max_connections = 20\nshared_buffers = 256MB\nmaintenance_work_mem = 256MB\n"
                           "max_wal_size = 4GB\n")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        log_file = open(self.path / "postgres.log", "ab")
        self.process = subprocess.Popen(self._as_pg(f"{self.bindir}/postgres", "-D", str(self.data), "-p",
                                                    str(self.port)), stdout=log_file, stderr=log_file)
        for _ in range(600):
            ready = subprocess.run([f"{self.bindir}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port),
                                    "-U", "postgres", "-d", "postgres"])
            if ready.returncode == 0:
                break
            if self.process.poll() is not None:
                raise SystemExit(f"PostgreSQL did not start; see {self.path / 'postgres.log'}")
            time.sleep(0.1)
        psql = [f"{self.bindir}/psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        exists = subprocess.run([*psql, "-At", "-d", "postgres", "-c",
                                 f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'"],
                                capture_output=True, text=True, check=True).stdout.strip()
        if not exists:
            subprocess.run([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {self.database}"], check=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            subprocess.run(self._as_pg(f"{self.bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60",
                                       "stop"), capture_output=True)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
