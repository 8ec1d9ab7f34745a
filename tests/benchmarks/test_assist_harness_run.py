"""CI runs the assistant harness exactly as people do, ``python -m benchmarks.assist``, in
baseline mode on a small subset of each gold set, and every figure it prints is a number."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
METRICS = ("P@1", "R@1", "P@3", "R@3", "P@5", "R@5", "P@10", "R@10", "MRR")


def test_python_m_benchmarks_assist_prints_the_baseline_figures() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OPENAI_BASE_URL", None)  # baseline only: no endpoint
    env.pop("OPENAI_API_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.assist", "--task", "identification", "--limit", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[4:] == list(METRICS)
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    assert set(rows) == {"finos", "nexus", "register"}
    for name, row in rows.items():
        assert row["ranker"] == "baseline", name
        assert int(row["cases"]) == 2 and int(row["corpus"]) > 0
        for metric in METRICS:
            value = float(row[metric])  # a number, never n/a or blank
            assert 0.0 <= value <= 1.0, (name, metric, value)
