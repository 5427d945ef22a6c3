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
