"""add, edit, remove, show, list and fields through the real CLI entry point on on-disk registers.

Commands run in-process through ``riskgraph.cli.main`` (the error boundary users get), with
typer's CliRunner isolating stdin, stdout and stderr. Failed writes are checked by comparing the
sorted N-Quads of the whole store before and after.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from unittest import mock

import pyoxigraph as ox
import pytest
import yaml
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.model.entities import (
    ENTITY_TYPES,
    AISystem,
    ApplicabilityStatement,
    Control,
    ControlStatus,
    Entity,
    Person,
    Risk,
)
from riskgraph.model.rdf import known_predicates
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.views.detail import load_detail
from riskgraph.vocab import DCTERMS, ISO42001, RDF, REGISTER_GRAPH, RG

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str, stdin: str | None = None) -> Run:
    """Run ``riskgraph ARGS`` as the console script does, including its error boundary."""
    with (
        runner.isolation(input=stdin) as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


def nquads(folder: Path, graph: str | None = None) -> list[str]:
    """The store's content (or one graph's) as sorted N-Quads lines."""
    with Register.open(folder).reader() as store:
        return sorted(str(quad) for quad in store.quads(graph))


def seed(folder: Path, entities: list[Entity]) -> None:
    """Write entities with the core (not the commands under test)."""
    register = Register.open(folder)
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(entities).changes)


def records(folder: Path, kind: str, *options: str) -> list[dict]:
    done = run("list", kind, "-r", str(folder), "--format", "json", *options)
    assert done.code == 0, done.err
    return json.loads(done.out)


def ids(folder: Path, kind: str, *options: str) -> list[str]:
    return [row["id"] for row in records(folder, kind, *options)]


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    init_register(tmp_path / "reg")
    return tmp_path / "reg"


BASE_ENTITIES: list[Entity] = [
    Person(id="P-001", title="Ana Owner"),
    Person(id="P-002", title="Ben Approver"),
    AISystem(id="SYS-A", title="Credit scoring", lifecycle_stage="operation"),
    AISystem(id="SYS-B", title="Support chatbot"),
    Risk(
        id="R-001", title="Model drift", likelihood=3, severity=4, affects=["SYS-A"], owner="P-001"
    ),
    Risk(
        id="R-002",
        title="Hallucinated advice",
        likelihood=2,
        severity=2,
        affects=["SYS-B"],
        owner="P-002",
    ),
    Risk(
        id="R-041",
        title="Training data drift",
        likelihood=5,
        severity=5,
        residual_likelihood=2,
        residual_severity=2,
        affects=["SYS-A", "SYS-B"],
        owner="P-001",
    ),
    Control(
        id="C-001",
        title="Drift monitoring",
        mitigates=["R-001"],
        addresses=["A.6.2.6"],
        status=ControlStatus.IMPLEMENTED,
        owner="P-001",
    ),
]


@pytest.fixture
def seeded(empty: Path) -> Path:
    seed(empty, BASE_ENTITIES)
    return empty


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded register for tests that must not change it (each checks that they did not)."""
    folder = tmp_path_factory.mktemp("shared") / "reg"
    init_register(folder)
    seed(folder, BASE_ENTITIES)
    return folder


# One entity of every kind, linked to each other, as the single source for flags and files.
EVERY_KIND: list[dict] = [
    {"kind": "organisation", "id": "ORG-ACME", "title": "Acme"},
    {"kind": "role", "id": "ROLE-001", "title": "Risk owner"},
    {
        "kind": "person",
        "id": "P-001",
        "title": "Ana Owner",
        "email": "ana@acme.example",
        "roles": ["ROLE-001"],
        "member_of": "ORG-ACME",
    },
    {"kind": "stakeholder", "id": "STK-001", "title": "Loan applicants"},
    {"kind": "supplier", "id": "SUP-001", "title": "Bureau Ltd", "owner": "P-001"},
    {
        "kind": "component",
        "id": "CMP-001",
        "title": "Bureau data",
        "component_type": "dataset",
        "version": "2026.1",
        "provided_by": "SUP-001",
    },
    {
        "kind": "system",
        "id": "SYS-001",
        "title": "Credit scoring",
        "lifecycle_stage": "operation",
        "owner": "P-001",
        "depends_on": ["CMP-001", "SUP-001"],
        "stakeholders": ["STK-001"],
        "review_due": "2026-09-30",
    },
    {"kind": "source", "id": "RS-001", "title": "Stale training data"},
    {
        "kind": "consequence",
        "id": "CQ-001",
        "title": "Unfair refusals",
        "stakeholders": ["STK-001"],
    },
    {
        "kind": "risk",
        "id": "R-001",
        "title": "Model drift",
        "affects": ["SYS-001"],
        "sources": ["RS-001", "C.3.4"],
        "consequences": ["CQ-001"],
        "likelihood": 4,
        "severity": 4,
        "residual_likelihood": 2,
        "residual_severity": 3,
        "owner": "P-001",
    },
    {
        "kind": "control",
        "id": "C-001",
        "title": "Drift monitoring",
        "mitigates": ["R-001"],
        "addresses": ["A.6.2.6", "6.1.3"],
        "status": "implemented",
    },
    {
        "kind": "treatment",
        "id": "T-001",
        "title": "Monitor and retrain",
        "risk": "R-001",
        "option": "mitigate",
        "statement": "Monitor drift weekly and retrain when it passes the threshold.",
        "status": "approved",
        "approved_by": "P-001",
        "approved_on": "2026-01-15",
        "uses_controls": ["C-001"],
    },
    {
        "kind": "assessment",
        "id": "IA-001",
        "title": "Credit scoring impact assessment",
        "system": "SYS-001",
        "assessor": "P-001",
        "assessed_on": "2026-01-10",
    },
    {
        "kind": "evidence",
        "id": "EV-001",
        "title": "Drift dashboard",
        "supports": ["C-001", "A.6.2.6"],
        "link": "https://acme.example/drift",
        "issued": "2026-01-20",
    },
    {
        "kind": "finding",
        "id": "F-001",
        "title": "Retraining not recorded",
        "finding_type": "nonconformity",
        "concerns": ["C-001"],
        "grade": "minor",
        "raised_by": "P-001",
    },
    {"kind": "action", "id": "CA-001", "title": "Record retraining", "finding": "F-001"},
    {
        "kind": "soa",
        "id": "SOA-001",
        "title": "Third-party data",
        "annex_a": "A.10.3",
        "applicable": False,
        "justification": "No suppliers of AI systems in scope yet.",
        "decided_by": "P-001",
    },
]
PLURALS = {"risk": "risks", "person": "people", "soa": "soa", "evidence": "evidence"}


def as_flags(item: dict) -> list[str]:
    """--field value pairs; lists as repeated flags, except one joined with commas."""
    args: list[str] = []
    for name, value in item.items():
        if name == "kind":
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, list):
            if name == "sources":
                args += [flag, ",".join(value)]
            else:
                for one in value:
                    args += [flag, one]
        elif isinstance(value, bool):
            args += [flag, "true" if value else "false"]
        else:
            args += [flag, str(value)]
    return args


def test_help_lists_the_entity_commands() -> None:
    done = run("--help")
    assert done.code == 0
    for command in ("add", "edit", "remove", "undo", "show", "list", "fields"):
        assert command in done.out


@pytest.mark.parametrize("command", ["add", "edit", "remove", "undo", "show", "list", "fields"])
def test_every_command_answers_help_with_an_example(command: str) -> None:
    done = run(command, "--help")
    assert done.code == 0, done.err
    assert "Example:" in done.out and f"riskgraph {command}" in done.out
    if command in ("add", "edit"):
        assert "riskgraph fields KIND" in done.out


def test_fields_lists_flags_types_and_requirement() -> None:
    done = run("fields", "risk")
    assert done.code == 0, done.err
    for text in ("--residual-likelihood", "--affects", "required", "optional", "date"):
        assert text in done.out
    assert run("fields", "people").code == 0
    kinds = run("fields")
    assert kinds.code == 0 and "assessment" in kinds.out and "SOA-" in kinds.out
    wrong = run("fields", "riks")
    assert wrong.code == 2 and "unknown kind 'riks'" in wrong.err


def test_every_kind_by_flags_by_a_yaml_file_and_by_json_on_stdin(tmp_path: Path) -> None:
    by_flags, by_yaml, by_json = (tmp_path / name for name in ("flags", "yaml", "json"))
    for folder in (by_flags, by_yaml, by_json):
        init_register(folder)
    for item in EVERY_KIND:
        kind = PLURALS.get(item["kind"], item["kind"])
        done = run("add", kind, "-r", str(by_flags), *as_flags(item))
        assert done.code == 0, f"{item['kind']}: {done.err}"
        assert f"added {item['kind']} {item['id']}" in done.out
    for item in EVERY_KIND:
        (row,) = records(by_flags, item["kind"])
        for name, value in item.items():
            got = row[name]
            assert (sorted(got) if isinstance(got, list) else got) == (
                sorted(value) if isinstance(value, list) else value
            ), f"{item['kind']}.{name}"

    yaml_file = tmp_path / "register.yaml"
    yaml_file.write_text(yaml.safe_dump(EVERY_KIND, sort_keys=False))
    done = run("add", "-r", str(by_yaml), "--file", str(yaml_file))
    assert done.code == 0, done.err
    done = run("add", "-r", str(by_json), "-", stdin=json.dumps(EVERY_KIND))
    assert done.code == 0, done.err
    assert "register revision 1" in done.out  # one commit for the whole list
    reference = nquads(by_flags, REGISTER_GRAPH)
    assert len(reference) > 100
    assert nquads(by_yaml, REGISTER_GRAPH) == reference
    assert nquads(by_json, REGISTER_GRAPH) == reference


def test_add_one_object_of_a_given_kind_from_stdin(seeded: Path) -> None:
    data = {"title": "Prompt injection", "likelihood": 2, "severity": 3, "affects": "SYS-B"}
    done = run("add", "risk", "-r", str(seeded), "-", stdin=json.dumps(data))
    assert done.code == 0, done.err
    (row,) = records(seeded, "risks", "--where", "title~injection")
    assert row["affects"] == ["SYS-B"] and row["matrix"] == "5x5"


def test_next_id_follows_the_highest_of_the_prefix(seeded: Path) -> None:
    done = run(
        "add",
        "risk",
        "-r",
        str(seeded),
        "--title=New",
        "--likelihood=1",
        "--severity=1",
        "--affects=SYS-A",
    )
    assert done.code == 0, done.err
    assert "R-042" in done.out
    batch = [
        {"title": "A", "likelihood": 1, "severity": 1, "affects": "SYS-A"},
        {"title": "B", "likelihood": 1, "severity": 2, "affects": "SYS-B"},
    ]
    assert run("add", "risks", "-r", str(seeded), "-", stdin=json.dumps(batch)).code == 0
    assert ids(seeded, "risks")[-2:] == ["R-043", "R-044"]
    done = run("add", "control", "-r", str(seeded), "--title", "Second control")
    assert "C-002" in done.out
    done = run("add", "role", "-r", str(seeded), "--title", "First role")
    assert "ROLE-001" in done.out


def test_new_risks_use_the_registers_matrix(empty: Path) -> None:
    config = empty / "register.toml"
    config.write_text(config.read_text().replace('matrix = "5x5"', 'matrix = "3x3"'))
    assert run("add", "system", "-r", str(empty), "--id", "SYS-A", "--title", "A").code == 0
    risk = ["add", "risk", "-r", str(empty), "--title", "X", "--affects", "SYS-A"]
    too_high = run(*risk, "--likelihood", "4", "--severity", "1")
    assert too_high.code == 2 and "3x3" in too_high.err
    ok = run(*risk, "--likelihood", "3", "--severity", "3")
    assert ok.code == 0, ok.err
    assert records(empty, "risks")[0]["matrix"] == "3x3"


RISK = [
    *["add", "risk", "--title", "Bias", "--likelihood", "3", "--severity", "3"],
    *["--affects", "SYS-A"],
]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["add", "risk", "--titel", "X"],
            ["--titel", "--title", "fields risk"],
            id="unknown flag",
        ),
        pytest.param(
            [*RISK, "--likelihood", "9"], ["--likelihood", "given twice"], id="flag twice"
        ),
        pytest.param(
            ["add", "risk", "--title", "X", "--likelihood", "9", "--severity", "1"],
            ["likelihood is too large", "'9'", "1 to 5 on the 5x5 matrix"],
            id="likelihood 9",
        ),
        pytest.param(
            ["add", "risk", "--title", "X", "--likelihood", "high", "--severity", "1"],
            ["likelihood is not a whole number", "'high'"],
            id="not a number",
        ),
        pytest.param(
            [*RISK, "--review-due", "2026-02-30"],
            ["review_due is not a valid date", "'2026-02-30'", "YYYY-MM-DD"],
            id="bad date",
        ),
        pytest.param(
            [*RISK, "--affects", "SYS-NOPE"],
            ["affects names SYS-NOPE", "AI system"],
            id="dangling reference",
        ),
        pytest.param(
            [*RISK, "--owner", "SYS-A"],
            ["owner names SYS-A", "is a system", "party"],
            id="reference to the wrong kind",
        ),
        pytest.param(
            ["add", "control", "--title", "X", "--addresses", "A.99.9"],
            ["addresses names A.99.9", "catalogue"],
            id="unknown catalogue ref",
        ),
        pytest.param(
            ["add", "soa", "--title", "X", "--annex-a", "A.6.2"],
            ["annex_a names A.6.2", "Annex A control"],
            id="objective, not a control",
        ),
        pytest.param(
            [*RISK, "--id", "R-001"],
            ["R-001 is already used by a risk", "choose another ID"],
            id="existing ID",
        ),
        pytest.param(
            ["add", "control", "--title", "X", "--status", "done"],
            ["status is not an allowed value", "'done'", "planned, implemented, verified, retired"],
            id="bad status",
        ),
        pytest.param(["add", "--title", "X", "risk"], ["KIND comes first"], id="kind last"),
        pytest.param(["add", "dragon", "--title", "X"], ["unknown kind 'dragon'"], id="bad kind"),
        pytest.param(
            ["edit", "R-001", "--likelihood", "0"],
            ["likelihood is too small", "'0'"],
            id="edit bad value",
        ),
        pytest.param(
            ["edit", "R-001", "--add-affects", "SYS-NOPE"],
            ["affects names SYS-NOPE"],
            id="edit dangling reference",
        ),
        pytest.param(
            ["edit", "R-001", "--clear", "title"],
            ["title is required"],
            id="clear a required field",
        ),
        pytest.param(
            ["edit", "R-001", "--remove-affects", "SYS-B"],
            ["affects does not contain SYS-B"],
            id="remove a missing item",
        ),
        pytest.param(["edit", "R-001", "--id", "R-100"], ["ID cannot be changed"], id="edit ID"),
        pytest.param(
            ["edit", "R-01", "--likelihood", "2"],
            ["'R-01'", "did you mean", "R-001"],
            id="edit unknown ID",
        ),
        pytest.param(["edit", "R-001"], ["nothing to change"], id="edit without changes"),
        pytest.param(
            ["edit", "R-001", "--residual-likelihood", "2"],
            ["both residual_likelihood and residual_severity"],
            id="residual pair",
        ),
        pytest.param(
            ["remove", "SYS-A", "--yes"],
            ["still referred to by R-001, R-041"],
            id="remove while referenced",
        ),
        pytest.param(["remove", "C-001"], ["--yes"], id="remove without confirmation"),
        pytest.param(["show", "R-999"], ["no entity with ID 'R-999'"], id="show unknown"),
        pytest.param(
            ["list", "risks", "--where", "colour=red"],
            ["no column 'colour'", "inherent_level"],
            id="list unknown column",
        ),
        pytest.param(
            ["list", "risks", "--where", "current-level>=severe"],
            ["unknown risk level"],
            id="list unknown level",
        ),
        pytest.param(
            ["list", "controls", "--where", "status=implemnted"],
            ["'status'", "'implemnted'", "one of planned, implemented, verified, retired"],
            id="list unknown status",
        ),
        pytest.param(
            ["list", "treatments", "--where", "option!=mitgate"],
            ["'option'", "'mitgate'", "one of mitigate, avoid, transfer, accept"],
            id="list unknown option",
        ),
        pytest.param(["list", "risks", "--format", "xml"], ["--format", "'xml'"], id="bad format"),
    ],
)
def test_mistakes_exit_2_with_a_clear_message_and_write_nothing(
    shared: Path, args: list[str], expected: list[str]
) -> None:
    before = nquads(shared)
    done = run(*args, "-r", str(shared))
    assert done.code == 2, done.out + done.err
    assert "Traceback" not in done.err + done.out
    message = " ".join(done.err.split())  # rich wraps long lines
    for text in expected:
        assert text in message
    assert nquads(shared) == before


def test_one_bad_item_in_a_list_writes_nothing(shared: Path, tmp_path: Path) -> None:
    batch = tmp_path / "risks.yaml"
    batch.write_text(
        "- title: Fine\n"
        "  likelihood: 2\n"
        "  severity: 2\n"
        "- title: Broken\n"
        "  likelihood: 2\n"
        "  severity: 2\n"
        "  owner: P-404\n"
    )
    before = nquads(shared)
    done = run("add", "risks", "-r", str(shared), "--file", str(batch))
    assert done.code == 2
    message = " ".join(done.err.split())
    assert f"{batch}, line 7, column 'owner'" in message and "P-404" in message
    assert nquads(shared) == before


def test_several_problems_in_a_file_are_reported_together(shared: Path, tmp_path: Path) -> None:
    batch = tmp_path / "risks.json"
    batch.write_text(
        json.dumps(
            [{"title": "A", "likelihood": 7, "severity": 1}, {"title": "B", "severity": 1}],
            indent=1,
        )
    )
    before = nquads(shared)
    done = run("add", "risks", "-r", str(shared), "-f", str(batch))
    assert done.code == 2
    message = " ".join(done.err.split())
    assert "2 problem(s)" in message
    assert "likelihood must be from 1 to 5" in message
    assert "likelihood is required" in message
    assert nquads(shared) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- kind: risk\n  title: [unclosed\n", "not valid YAML or JSON"),
        ('[{"title": "x"},\n {"likelihood": 1}', "not valid YAML or JSON"),
        ("- just text\n", "this item is not an object"),
        ("- title: no kind\n", "has no kind"),
        ("- kind: risk\n  colour: red\n", "a risk has no field 'colour'"),
        ("", "is empty"),
    ],
)
def test_bad_input_documents_are_refused(shared: Path, text: str, expected: str) -> None:
    before = nquads(shared)
    done = run("add", "-r", str(shared), "-", stdin=text)
    assert done.code == 2, done.out
    assert expected in " ".join(done.err.split()) and "<stdin>" in done.err
    assert nquads(shared) == before


def test_kind_on_the_command_line_must_match_the_file(shared: Path) -> None:
    done = run("add", "control", "-r", str(shared), "-", stdin="kind: risk\ntitle: X\n")
    assert done.code == 2 and "does not match the kind on the command line" in done.err


def test_items_of_one_input_may_link_to_each_other(empty: Path) -> None:
    text = (
        "- {kind: system, title: Chatbot}\n"
        "- {kind: risk, title: Leaks, likelihood: 2, severity: 5, affects: SYS-001}\n"
        "- {kind: control, title: Filter, mitigates: [R-001], addresses: [A.9.2]}\n"
    )
    done = run("add", "-r", str(empty), "-", stdin=text)
    assert done.code == 0, done.err
    assert ids(empty, "controls") == ["C-001"]
    assert records(empty, "risks")[0]["affects"] == ["SYS-001"]


def test_edit_then_show_round_trip(seeded: Path) -> None:
    done = run(
        "edit",
        "R-001",
        "-r",
        str(seeded),
        "--likelihood",
        "5",
        "--add-affects",
        "SYS-B",
        "--clear",
        "owner",
        "--review-due",
        "2026-12-31",
    )
    assert done.code == 0, done.err
    assert "likelihood: 3 -> 5" in done.out and "owner: P-001 -> (empty)" in done.out
    shown = run("show", "R-001", "-r", str(seeded), "--format", "json")
    data = json.loads(shown.out)
    fields = data["fields"]
    assert fields["likelihood"] == 5 and fields["affects"] == ["SYS-A", "SYS-B"]
    assert fields["owner"] is None and fields["review_due"] == "2026-12-31"
    assert data["levels"]["inherent"] == "very-high" and data["levels"]["above_appetite"] is True

    patch = {"id": "R-001", "residual_likelihood": 1, "residual_severity": 2, "review_due": None}
    done = run("edit", "-r", str(seeded), "-", stdin=json.dumps(patch))
    assert done.code == 0, done.err
    data = json.loads(run("show", "R-001", "-r", str(seeded), "--format", "json").out)
    assert data["fields"]["review_due"] is None
    assert data["levels"]["residual"] == "very-low" and data["levels"]["above_appetite"] is False

    done = run("edit", "R-001", "-r", str(seeded), "--remove-affects", "SYS-A")
    assert done.code == 0, done.err
    assert json.loads(run("show", "R-001", "-r", str(seeded), "--format", "json").out)["fields"][
        "affects"
    ] == ["SYS-B"]


def test_listed_yaml_edits_back_unchanged(seeded: Path, tmp_path: Path) -> None:
    listed = run("list", "risks", "-r", str(seeded), "--format", "yaml")
    assert listed.code == 0, listed.err
    exported = tmp_path / "risks.yaml"
    exported.write_text(listed.out)
    before = nquads(seeded)
    done = run("edit", "-r", str(seeded), "--file", str(exported))
    assert done.code == 0, done.err
    assert done.out.count("unchanged") == 3
    assert nquads(seeded) == before

    rows = yaml.safe_load(listed.out)
    rows[0]["title"] = "Model drift in production"
    exported.write_text(yaml.safe_dump(rows))
    done = run("edit", "-r", str(seeded), "--file", str(exported))
    assert done.code == 0, done.err
    assert "title: Model drift -> Model drift in production" in done.out


def test_dry_run_writes_nothing(seeded: Path) -> None:
    before = nquads(seeded)
    for args in (
        [
            "add",
            "risk",
            "--title",
            "X",
            "--likelihood",
            "1",
            "--severity",
            "1",
            "--affects",
            "SYS-A",
        ],
        ["edit", "R-001", "--likelihood", "1"],
        ["remove", "C-001"],
    ):
        done = run(*args, "-r", str(seeded), "--dry-run")
        assert done.code == 0, done.err
        assert "would" in done.out and "nothing was written" in done.out
    assert nquads(seeded) == before


def test_show_links_both_ways(seeded: Path) -> None:
    data = json.loads(run("show", "SYS-A", "-r", str(seeded), "--format", "json").out)
    assert data["kind"] == "system" and data["levels"] is None
    linked_from = {(link["id"], link["via"], link["kind"]) for link in data["linked_from"]}
    assert linked_from == {("R-001", "affects", "risk"), ("R-041", "affects", "risk")}

    data = yaml.safe_load(run("show", "C-001", "-r", str(seeded), "--format", "yaml").out)
    links = {link["id"]: link for link in data["links_to"]}
    assert links["R-001"] == {
        "via": "mitigates",
        "id": "R-001",
        "kind": "risk",
        "title": "Model drift",
    }
    assert links["A.6.2.6"]["kind"] == "Annex A control" and links["A.6.2.6"]["title"]
    assert links["P-001"]["via"] == "owner"

    text = run("show", "R-041", "-r", str(seeded))
    assert text.code == 0
    assert "inherent very-high" in text.out and "residual low" in text.out
    assert "within appetite" in text.out


def test_show_lists_properties_outside_the_model(seeded: Path) -> None:
    register = Register.open(seeded)
    org = ox.NamedNode(register.base_iri + "ORG-1")
    graph = ox.NamedNode(REGISTER_GRAPH)
    with register.writer() as store:
        commit(
            store,
            ChangeSet(
                add=[
                    ox.Quad(
                        org, ox.NamedNode(RDF + "type"), ox.NamedNode(RG + "Organisation"), graph
                    ),
                    ox.Quad(org, ox.NamedNode(DCTERMS + "identifier"), ox.Literal("ORG-1"), graph),
                    ox.Quad(org, ox.NamedNode(DCTERMS + "title"), ox.Literal("Acme"), graph),
                    ox.Quad(
                        ox.NamedNode(register.base_iri + "SYS-A"),
                        ox.NamedNode(DCTERMS + "isPartOf"),
                        org,
                        graph,
                    ),
                ]
            ),
        )
    data = json.loads(run("show", "SYS-A", "-r", str(seeded), "--format", "json").out)
    assert {
        "via": "dcterms:isPartOf",
        "id": "ORG-1",
        "kind": "organisation",
        "title": "Acme",
    } in data["links_to"]


def test_list_filters_sorts_and_limits(seeded: Path) -> None:
    assert ids(seeded, "risks", "--where", "owner=P-001") == ["R-001", "R-041"]
    assert ids(seeded, "risks", "--where", "owner!=P-001") == ["R-002"]
    assert ids(seeded, "risks", "--where", "affects=SYS-B") == ["R-002", "R-041"]
    assert ids(seeded, "risks", "--where", "title~DRIFT") == ["R-001", "R-041"]
    assert ids(seeded, "risks", "--where", "likelihood>=3") == ["R-001", "R-041"]
    assert ids(seeded, "risks", "--where", "inherent-level>=high") == ["R-001", "R-041"]
    assert ids(seeded, "risks", "--where", "current-level>=high") == ["R-001"]
    assert ids(seeded, "risks", "--where", "above-appetite=true") == ["R-001"]
    assert ids(seeded, "risks", "--sort", "-likelihood") == ["R-041", "R-001", "R-002"]
    assert ids(seeded, "risks", "--sort", "current-level") == ["R-002", "R-041", "R-001"]
    assert ids(seeded, "risks", "--sort", "-likelihood", "--limit", "2") == ["R-041", "R-001"]
    assert ids(seeded, "controls", "--where", "status=Implemented") == ["C-001"]
    assert ids(seeded, "systems", "--sort", "lifecycle_stage") == ["SYS-A", "SYS-B"]


def test_list_formats(seeded: Path) -> None:
    done = run("list", "risks", "-r", str(seeded), "--format", "csv")
    assert done.code == 0, done.err
    rows = list(csv.DictReader(io.StringIO(done.out)))
    assert [row["id"] for row in rows] == ["R-001", "R-002", "R-041"]
    assert rows[2]["affects"] == "SYS-A, SYS-B"
    assert rows[2]["inherent_level"] == "very-high" and rows[2]["residual_level"] == "low"
    assert rows[0]["above_appetite"] == "true" and rows[1]["above_appetite"] == "false"

    as_yaml = yaml.safe_load(run("list", "risks", "-r", str(seeded), "--format", "yaml").out)
    as_json = records(seeded, "risks")
    assert as_yaml == as_json
    assert as_json[0]["kind"] == "risk" and "inherent_level" not in as_json[0]

    table = run("list", "risks", "-r", str(seeded))
    assert table.code == 0
    assert "R-041" in table.out and "very-high" in table.out
    assert "risks (3)" in table.out


def test_list_warns_about_entities_it_cannot_read(seeded: Path) -> None:
    register = Register.open(seeded)
    broken = ox.NamedNode(register.base_iri + "R-BROKEN")
    graph = ox.NamedNode(REGISTER_GRAPH)
    with register.writer() as store:
        commit(
            store,
            ChangeSet(
                add=[
                    ox.Quad(broken, ox.NamedNode(RDF + "type"), ox.NamedNode(RG + "Risk"), graph),
                    ox.Quad(
                        broken, ox.NamedNode(DCTERMS + "identifier"), ox.Literal("R-BROKEN"), graph
                    ),
                    ox.Quad(
                        broken, ox.NamedNode(DCTERMS + "title"), ox.Literal("No scores"), graph
                    ),
                ]
            ),
        )
    done = run("list", "risks", "-r", str(seeded), "--format", "json")
    assert done.code == 0
    assert "warning" in done.err and "R-BROKEN" in done.err
    assert [row["id"] for row in json.loads(done.out)] == ["R-001", "R-002", "R-041"]


def test_remove(seeded: Path) -> None:
    done = run("remove", "C-001", "R-001", "-r", str(seeded), "--yes")
    assert done.code == 0, done.err
    assert "removed control C-001" in done.out and "removed risk R-001" in done.out
    assert ids(seeded, "risks") == ["R-002", "R-041"]
    assert ids(seeded, "controls") == []
    register = Register.open(seeded)
    with register.reader() as store:
        assert not list(store.quads(REGISTER_GRAPH, subject=register.base_iri + "R-001"))


def stored(folder: Path, entity_id: str) -> Entity | None:
    register = Register.open(folder)
    with register.reader() as store:
        return Repository(store, register.base_iri).get(entity_id)


def test_booleans_and_dates_from_flags(empty: Path) -> None:
    item = next(item for item in EVERY_KIND if item["kind"] == "soa")
    seed(empty, [Person(id="P-001", title="Ana")])
    done = run("add", "soa", "-r", str(empty), *as_flags(item))
    assert done.code == 0, done.err
    soa = stored(empty, "SOA-001")
    assert isinstance(soa, ApplicabilityStatement)
    assert soa.applicable is False and soa.decided_by == "P-001"

    done = run("edit", "SOA-001", "-r", str(empty), "--applicable", "--decided-on=2026-02-01")
    assert done.code == 0, done.err
    soa = stored(empty, "SOA-001")
    assert isinstance(soa, ApplicabilityStatement)
    assert soa.applicable is True and soa.decided_on == date(2026, 2, 1)

    done = run("edit", "SOA-001", "-r", str(empty), "--no-applicable")
    assert done.code == 0, done.err
    assert "applicable: yes -> no" in done.out


def test_the_example_round_trips_through_list_and_add(
    example_register_folder: Path, tmp_path: Path
) -> None:
    """Every entity of the example, listed as YAML and added to an empty register with the same
    base IRI, passes validation and the link checks and gives back the same statements."""
    kinds = [cls.kind for cls in ENTITY_TYPES]
    everything = [row for kind in kinds for row in records(example_register_folder, kind)]
    assert len(everything) > 300
    exported = tmp_path / "everything.yaml"
    exported.write_text(yaml.safe_dump(everything, sort_keys=False))
    copy = tmp_path / "copy"
    init_register(copy, base_iri=Register.open(example_register_folder).base_iri)
    # The example's risk acceptances are signed with the authority the example's settings name.
    role = Register.open(example_register_folder).config.acceptance.authority_role or ""
    assert run("settings", "set", "acceptance.authority_role", role, "-r", str(copy)).code == 0
    done = run("add", "-r", str(copy), "--file", str(exported))
    assert done.code == 0, done.err
    assert done.out.count("added") == len(everything)
    copied = set(nquads(copy, REGISTER_GRAPH))
    original = set(nquads(example_register_folder, REGISTER_GRAPH))
    assert copied <= original
    # What is left out is only what no model holds (e.g. dcterms:isPartOf between units).
    owned = {f"<{p}>" for cls in ENTITY_TYPES for p in known_predicates(cls)}
    left_out = {line.split(" ")[1] for line in original - copied}
    assert not left_out & owned, left_out & owned


@pytest.mark.parametrize(
    ("ref", "kind", "broader"),
    [
        ("A.6.2.6", "Annex A control", "A.6.2"),
        ("C.3.4", "Annex C risk source", "C.3"),
        ("6.1.2", "management system clause", "6.1"),
    ],
)
def test_show_opens_catalogue_items_through_the_same_detail(
    seeded: Path, ref: str, kind: str, broader: str
) -> None:
    done = run("show", ref, "-r", str(seeded), "--format", "json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["id"] == ref and data["kind"] == kind and data["levels"] is None
    up = [link for link in data["links_to"] if link["id"] == broader]
    assert up and up[0]["via"] == "skos:broader"
    text = run("show", ref, "-r", str(seeded))
    assert text.code == 0 and ref in text.out and broader in text.out
    # The TUI's detail pane reads the same model: same links, same kinds.
    register = Register.open(seeded)
    detail = load_detail(register, ISO42001 + ref, frozenset())
    assert [link.to_dict() for link in detail.outgoing()] == data["links_to"]
    assert [link.to_dict() for link in detail.incoming()] == data["linked_from"]


def test_show_of_a_catalogue_item_lists_register_links_into_it(seeded: Path) -> None:
    data = json.loads(run("show", "A.6.2.6", "-r", str(seeded), "--format", "json").out)
    assert {"via": "addresses", "id": "C-001", "kind": "control", "title": "Drift monitoring"} in (
        data["linked_from"]
    )


@pytest.mark.parametrize("ref", ["A.99.1", "C.9.9", "42.1"])
def test_show_of_an_unknown_catalogue_reference_exits_2(seeded: Path, ref: str) -> None:
    done = run("show", ref, "-r", str(seeded))
    assert done.code == 2 and "Traceback" not in done.err
    assert f"no entity with ID {ref!r}" in " ".join(done.err.split())
