"""snapshot create/list and diff through the real CLI entry point on the on-disk example register.

Commands run in-process through ``riskgraph.cli.main`` (the error boundary users get); edits are
made with the CLI's own add and edit, and the snapshot files are read back from disk.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
from pathlib import Path

import pytest
from cli_run import Run, run

from riskgraph.register import Register
from riskgraph.results.manifest import register_hash


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    monkeypatch.setenv("COLUMNS", "250")  # wide enough that no table cell wraps


def ok(*args: str) -> Run:
    result = run(*args)
    assert result.code == 0, result.err
    return result


NEW_TITLE = "Proxy bias in [bold]credit[/bold] decisions"
"""A title with markup-like text: it must come out as typed."""


def edit_register(folder: Path) -> None:
    """Change R-001's title and likelihood and add a control, all through the CLI."""
    ok("edit", "R-001", "--title", NEW_TITLE, "--likelihood", "4", "-r", str(folder))
    ok(
        "add", "control", "--id", "C-900", "--title", "Quarterly fairness audit",
        "--mitigates", "R-001", "-r", str(folder),
    )  # fmt: skip


EXPECTED = {
    "diff_version": 1,
    "before": "before-edit",
    "after": "now",
    "summary": {"added": 1, "removed": 0, "changed": 1},
    "entities": [
        {
            "id": "C-900",
            "iri": "https://harbourline.example/ai-register/C-900",
            "kind": "control",
            "change": "added",
            "fields": [
                {
                    "field": "dcterms:identifier",
                    "change": "added",
                    "before": [],
                    "after": ["C-900"],
                },
                {
                    "field": "dcterms:title",
                    "change": "added",
                    "before": [],
                    "after": ["Quarterly fairness audit"],
                },
                {"field": "rdf:type", "change": "added", "before": [], "after": ["rg:Control"]},
                {"field": "rg:mitigates", "change": "added", "before": [], "after": ["R-001"]},
                {"field": "rg:status", "change": "added", "before": [], "after": ["rg:Planned"]},
            ],
        },
        {
            "id": "R-001",
            "iri": "https://harbourline.example/ai-register/R-001",
            "kind": "risk",
            "change": "changed",
            "fields": [
                {
                    "field": "dcterms:title",
                    "change": "changed",
                    "before": ["Proxy discrimination in credit decisions"],
                    "after": [NEW_TITLE],
                },
                # derived from likelihood and severity by the write pipeline
                {
                    "field": "rg:inherentLevel",
                    "change": "changed",
                    "before": ["risk:HighRisk"],
                    "after": ["risk:VeryHighRisk"],
                },
                {"field": "rg:likelihood", "change": "changed", "before": ["3"], "after": ["4"]},
            ],
        },
    ],
}


def test_snapshot_then_edits_diff_shows_exactly_those_changes(
    example_register_folder: Path,
) -> None:
    folder = example_register_folder
    reg = ["-r", str(folder)]
    created = ok("snapshot", "create", "before-edit", *reg)
    assert "before-edit" in created.out

    data = folder / "snapshots" / "before-edit.nq.gz"
    sidecar = json.loads((folder / "snapshots" / "before-edit.json").read_text())
    with Register.open(folder).reader() as store:
        assert sidecar["register_sha256"] == register_hash(store)
    assert sidecar["name"] == "before-edit"
    assert sidecar["revision"] >= 1
    lines = gzip.decompress(data.read_bytes()).decode().splitlines()
    assert lines == sorted(set(lines)) and len(lines) == sidecar["quads"]
    assert not os.stat(data).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)

    edit_register(folder)

    as_json = json.loads(ok("diff", "before-edit", "--format", "json", *reg).out)
    assert as_json == EXPECTED
    assert json.loads(ok("diff", "before-edit", "now", "--format", "json", *reg).out) == EXPECTED

    table = ok("diff", "before-edit", *reg).out
    assert "before-edit → now: 1 added, 0 removed, 1 changed" in table
    rows = [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in table.splitlines()
        if line.startswith("│")
    ]
    assert rows == [
        ["C-900", "control", "added", "dcterms:identifier", "", "C-900"],
        ["C-900", "control", "added", "dcterms:title", "", "Quarterly fairness audit"],
        ["C-900", "control", "added", "rdf:type", "", "rg:Control"],
        ["C-900", "control", "added", "rg:mitigates", "", "R-001"],
        ["C-900", "control", "added", "rg:status", "", "rg:Planned"],
        [
            "R-001", "risk", "changed", "dcterms:title",
            "Proxy discrimination in credit decisions", NEW_TITLE,
        ],
        ["R-001", "risk", "changed", "rg:inherentLevel", "risk:HighRisk", "risk:VeryHighRisk"],
        ["R-001", "risk", "changed", "rg:likelihood", "3", "4"],
    ]  # fmt: skip

    # a second snapshot after the edits: the diff between the two is the same, and a snapshot
    # compared with itself (or with now, when nothing changed since) is empty
    ok("snapshot", "create", "after-edit", *reg)
    between = json.loads(ok("diff", "before-edit", "after-edit", "--format", "json", *reg).out)
    assert between["entities"] == EXPECTED["entities"]
    for pair in (("before-edit", "before-edit"), ("after-edit", "now")):
        empty = json.loads(ok("diff", *pair, "--format", "json", *reg).out)
        assert empty["entities"] == [] and empty["summary"] == {
            "added": 0,
            "removed": 0,
            "changed": 0,
        }
    assert "0 added, 0 removed, 0 changed" in ok("diff", "before-edit", "before-edit", *reg).out

    listed = ok("snapshot", "list", *reg).out
    assert listed.index("before-edit") < listed.index("after-edit")


def test_names_are_slugs_taken_once_and_unknown_names_list_the_snapshots(
    example_register_folder: Path,
) -> None:
    reg = ["-r", str(example_register_folder)]
    shipped = ["2026-03-internal-audit", "2026-09-certification-audit"]
    for name in shipped:  # the example comes with two earlier states of itself
        for suffix in (".json", ".nq.gz"):
            (example_register_folder / "snapshots" / (name + suffix)).unlink()
    assert "no snapshots yet" in ok("snapshot", "list", *reg).out
    ok("snapshot", "create", "audit-2026", *reg)
    before = (example_register_folder / "snapshots" / "audit-2026.nq.gz").read_bytes()

    again = run("snapshot", "create", "audit-2026", *reg)
    assert again.code == 2 and "already exists" in again.err
    assert (example_register_folder / "snapshots" / "audit-2026.nq.gz").read_bytes() == before

    for bad in ("Audit 2026", "../escape", "now", "x-", "a/b", "", "a" * 65):
        refused = run("snapshot", "create", bad, *reg)
        assert refused.code == 2, bad
        assert "not a valid snapshot name" in refused.err and "Traceback" not in refused.err
    assert sorted(p.name for p in (example_register_folder / "snapshots").iterdir()) == [
        "audit-2026.json",
        "audit-2026.nq.gz",
    ]

    for args in (("nope",), ("audit-2026", "nope"), ("../x",)):
        unknown = run("diff", *args, *reg)
        assert unknown.code == 2, args
        assert "no snapshot named" in unknown.err and "audit-2026" in unknown.err

    wrong_format = run("diff", "audit-2026", "--format", "xml", *reg)
    assert wrong_format.code == 2 and "json" in wrong_format.err


def test_a_tampered_snapshot_is_detected_by_its_hash(example_register_folder: Path) -> None:
    reg = ["-r", str(example_register_folder)]
    ok("snapshot", "create", "audit", *reg)
    data = example_register_folder / "snapshots" / "audit.nq.gz"
    lines = gzip.decompress(data.read_bytes()).decode()
    tampered = lines.replace('"Proxy discrimination in credit decisions"', '"Nothing to see"')
    assert tampered != lines
    data.chmod(0o644)
    data.write_bytes(gzip.compress(tampered.encode()))

    refused = run("diff", "audit", *reg)
    assert refused.code == 2
    assert "changed after it was taken" in refused.err and "audit.nq.gz" in refused.err

    # a quad added outside the hashed graphs leaves the hash alone but not the quad count
    extra = '<urn:x:s> <urn:x:p> "x" <https://w3id.org/riskgraph/graph/ontology> .\n'
    data.write_bytes(gzip.compress((lines + extra).encode()))
    assert "changed after it was taken" in run("diff", "audit", *reg).err

    data.write_bytes(b"not gzip at all")
    damaged = run("diff", "audit", "--format", "json", *reg)
    assert damaged.code == 2 and "damaged" in damaged.err and "Traceback" not in damaged.err
