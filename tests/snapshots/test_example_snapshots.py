"""The two snapshots shipped with the Harbourline example: installed by ``init --example``,
verified by their hash, with meaningful diffs; and the script that builds them is deterministic.

The example register keeps growing, so the tests name specific expected changes (from the
documented edits in scripts/build_example_snapshots.py) rather than the whole output.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_run import Run, run

from riskgraph.register import Register
from riskgraph.resources import example_snapshots
from riskgraph.snapshots import list_snapshots, load_snapshot

ROOT = Path(__file__).resolve().parents[2]
MARCH = "2026-03-internal-audit"
SEPTEMBER = "2026-09-certification-audit"


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    monkeypatch.setenv("COLUMNS", "250")


def ok(*args: str) -> Run:
    result = run(*args)
    assert result.code == 0, result.err
    return result


def changes(folder: Path, before: str, after: str) -> dict[str, Any]:
    out = ok("diff", before, after, "--format", "json", "-r", str(folder)).out
    return {entity["id"]: entity for entity in json.loads(out)["entities"]}


def field(entity: dict[str, Any], name: str) -> tuple[list[str], list[str]]:
    (found,) = [f for f in entity["fields"] if f["field"] == name]
    return found["before"], found["after"]


def test_init_example_installs_the_two_snapshots_read_only_and_they_verify(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "harbourline"
    ok("init", str(folder), "--example")
    names = [info.name for info in list_snapshots(Register.open(folder))]
    assert names == [MARCH, SEPTEMBER]  # oldest first
    for name in names:
        for suffix in (".json", ".nq.gz"):
            path = folder / "snapshots" / (name + suffix)
            assert path.read_bytes() == (example_snapshots() / path.name).read_bytes()
            assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        load_snapshot(Register.open(folder), name)  # raises unless the hash matches
    listed = ok("snapshot", "list", "-r", str(folder)).out
    assert "2026-03-27" in listed and "2026-09-18" in listed


def test_the_shipped_snapshots_show_the_journey_between_the_audits(tmp_path: Path) -> None:
    folder = tmp_path / "harbourline"
    ok("init", str(folder), "--example")

    between = changes(folder, MARCH, SEPTEMBER)
    assert between["R-045"]["change"] == "added" and between["C-040"]["change"] == "added"
    assert field(between["C-002"], "rg:status") == (["rg:Planned"], ["rg:Implemented"])
    assert field(between["C-001"], "rg:status") == (["rg:Implemented"], ["rg:Verified"])
    assert field(between["T-028"], "rg:status") == (["rg:Proposed"], ["rg:Approved"])
    assert field(between["T-028"], "rg:approvedOn") == ([], ["2026-03-31"])
    assert field(between["R-003"], "rg:residualLevel") == ([], ["risk:ModerateRisk"])
    assert field(between["R-004"], "rg:likelihood") == (["3"], ["2"])
    assert all(entity["change"] != "removed" for entity in between.values())
    assert {between[i]["change"] for i in ("INC-001", "CA-003", "AUD-001")} == {"added"}

    since = changes(folder, SEPTEMBER, "now")
    assert since["R-046"]["change"] == "added"
    assert {since[i]["change"] for i in ("INC-002", "MR-001", "EV-050")} == {"added"}
    assert field(since["R-001"], "rg:likelihood") == (["4"], ["3"])
    assert field(since["R-001"], "rg:inherentLevel") == (["risk:VeryHighRisk"], ["risk:HighRisk"])
    assert field(since["C-040"], "rg:status") == (["rg:Implemented"], ["rg:Verified"])
    assert field(since["C-042"], "rg:status") == (["rg:Planned"], ["rg:Implemented"])
    assert field(since["T-036"], "rg:status") == (["rg:Proposed"], ["rg:Approved"])

    table = ok("diff", MARCH, SEPTEMBER, "-r", str(folder)).out
    # R-045, C-040 and the July internal audit with the August incident and its action
    assert f"{MARCH} → {SEPTEMBER}: 5 added, 0 removed," in table


def test_the_build_script_is_deterministic_and_writes_verifiable_snapshots(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outputs = []
    for attempt in ("a", "b"):
        out = tmp_path / attempt
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "build_example_snapshots.py"), "--out", out],
            check=True,
            capture_output=True,
            env=env,
            timeout=300,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert sorted(outputs[0]) == sorted(p.name for p in example_snapshots().iterdir())
    for name in (MARCH, SEPTEMBER):
        sidecar = json.loads(outputs[0][name + ".json"])
        assert sidecar["name"] == name and sidecar["created_at"].startswith(name[:7])
