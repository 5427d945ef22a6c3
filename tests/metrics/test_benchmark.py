"""The ingestion benchmark runs end to end at a small size and reports its figures."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_measure_stores_every_report_once():
    spec = importlib.util.spec_from_file_location("metrics_ingest", ROOT / "benchmarks" / "metrics_ingest.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.measure(2_500, 50)  # raises unless each report was stored exactly once
    assert result["reports"] == 2_500 and result["metrics_per_s"] > 0 and set(result) == {
        "reports", "seconds", "metrics_per_s"}
