"""The write contract: the CLI and the terminal UI's data layer accept and refuse exactly the same
writes, with the same messages, because both call the core's one write pipeline.

Every scenario runs twice on two copies of the same on-disk register (the Harbourline example):
once through the real CLI entry point (``riskgraph add|edit|remove|undo``, in-process with its
error boundary), once through ``riskgraph.tui.data.editing`` (what the forms call). Accepted
writes must leave the two register graphs identical and valid (SHACL: no violations); refused
writes must give the same problems, word for word, and leave the register as it was.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.editing import undo as undo_log
from riskgraph.editing.input import TYPED, Changes
from riskgraph.editing.rules import score_range
from riskgraph.editing.write import Draft, commit_write, prepare_additions, run_write
from riskgraph.errors import UserError
from riskgraph.model.entities import AISystem, Control, Person, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import commit
from riskgraph.tui.data import editing as tui
from riskgraph.validation import validate_store
from riskgraph.vocab import RDF, REGISTER_GRAPH, RG

runner = CliRunner()

UNLINKED = "R-900"
"""A risk nothing links to, added to the example so that a removal can succeed."""


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("contract") / "template"
    register = init_register(folder, with_example=True)
    draft = Draft(
        Risk,
        Changes(
            values={
                "id": UNLINKED,
                "title": "Unlinked risk",
                "likelihood": 2,
                "severity": 2,
                "affects": ["SYS-CHATBOT"],
                "owner": "P-CROSSI",
            }
        ),
        TYPED,
    )
    with register.writer() as store:
        repo = Repository(store, register.base_iri)
        commit_write(store, prepare_additions(repo, [draft], default_matrix="5x5"))
    return folder


@pytest.fixture
def pair(template: Path, tmp_path: Path) -> tuple[Path, Register]:
    """Two copies of the template: one for the CLI, one for the TUI's data layer."""
    cli_folder = tmp_path / "cli"
    tui_folder = tmp_path / "tui"
    shutil.copytree(template, cli_folder)
    shutil.copytree(template, tui_folder)
    return cli_folder, Register.open(tui_folder)


# --- the two faces ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """One write in field terms: what a person gives in either face."""

    action: str  # add, edit or remove
    kind: str = ""
    entity_id: str = ""
    values: Mapping[str, str | list[str]] = field(default_factory=dict)
    clear: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    problems: tuple[str, ...] = ()


def run_cli(*args: str) -> tuple[int, str, str]:
    with (
        runner.isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def cli_problems(err: str) -> tuple[str, ...]:
    """The problems the CLI printed: one after 'error: ', or one per '  - ' line."""
    text = err.strip().removeprefix("error: ")
    lines = text.splitlines()
    if lines and lines[0].endswith("problem(s):"):
        return tuple(sorted(line.removeprefix("  - ") for line in lines[1:]))
    return (text,)


def through_cli(folder: Path, write: Write) -> Outcome:
    flags: list[str] = []
    for name, value in write.values.items():
        flag = "--" + name.replace("_", "-")
        for item in value if isinstance(value, list) else [value]:
            flags += [flag, item]
    if write.action == "add":
        args = ["add", write.kind, *flags]
    elif write.action == "edit":
        args = ["edit", write.entity_id, *flags]
        for name in write.clear:
            args += ["--clear", name]
    else:
        args = ["remove", write.entity_id, "--yes"]
    code, _out, err = run_cli(*args, "-r", str(folder))
    assert "Traceback" not in err
    if code == 0:
        return Outcome(True)
    assert code == 2, err
    return Outcome(False, cli_problems(err))


def form_values(cls: type, values: Mapping[str, str | list[str]]) -> dict[str, object]:
    """Values as the form's widgets give them: scores as numbers, single links as one ID."""
    widgets = {f.name: f.widget for f in tui.form_fields(cls)}
    result: dict[str, object] = {}
    for name, value in values.items():
        widget = widgets[name]
        if widget == "score" and isinstance(value, str) and value.isdigit():
            result[name] = int(value)
        elif widget == "links":
            result[name] = value if isinstance(value, list) else [value]
        else:
            result[name] = value
    return result


def through_tui(register: Register, write: Write) -> tuple[Outcome, tui.Change | None]:
    try:
        if write.action == "add":
            cls = tui.EDITABLE[write.kind]
            values = tui.new_values(register, cls)
            values.update(form_values(cls, write.values))
            checked = tui.check(register, cls, values, original=None)
            return Outcome(True), tui.save(register, checked.entity, None)
        if write.action == "edit":
            opened = tui.open_for_edit(register, write.entity_id)
            cls = type(opened.entity)
            shown = {f.name for f in tui.form_fields(cls)}
            values = {k: v for k, v in opened.entity.model_dump().items() if k in shown}
            values.update(form_values(cls, write.values))
            values.update({name: None for name in write.clear})
            checked = tui.check(register, cls, values, original=opened.entity)
            return Outcome(True), tui.save(register, checked.entity, opened)
        return Outcome(True), tui.remove(register, write.entity_id)
    except tui.FormErrors as exc:
        return Outcome(False, tuple(sorted(p.render() for p in exc.problems))), None
    except UserError as exc:
        return Outcome(False, (str(exc),)), None


def register_quads(register: Register) -> list[str]:
    with register.reader() as store:
        return sorted(str(q) for q in store.quads(REGISTER_GRAPH))


def assert_valid(register: Register) -> None:
    with register.reader() as store:
        report = validate_store(store)
    assert report.conforms, [i.message for i in report.by_severity("Violation")]


# --- scenarios --------------------------------------------------------------------------------

VALID_RISK = {
    "title": "Model drift",
    "likelihood": "3",
    "severity": "4",
    "affects": ["SYS-CHATBOT"],
    "owner": "P-CROSSI",
}

REFUSED = [
    pytest.param(
        Write("add", "risk", values={"title": "X", "likelihood": "3", "severity": "4"}),
        ["Risk affects no AI system"],
        id="missing required link",
    ),
    pytest.param(
        Write("add", "control", values={"title": "X", "status": "done"}),
        ["status is not an allowed value", "'done'", "planned, implemented, verified, retired"],
        id="bad enum",
    ),
    pytest.param(
        Write("add", "risk", values={**VALID_RISK, "affects": ["SYS-NOPE"]}),
        ["affects names SYS-NOPE, which is not in the register", "AI system"],
        id="unknown link target",
    ),
    pytest.param(
        Write("add", "risk", values={**VALID_RISK, "owner": "SYS-CHATBOT"}),
        ["owner names SYS-CHATBOT, which is a system", "party"],
        id="wrong target type",
    ),
    pytest.param(
        Write("add", "evidence", values={"title": "X", "supports": ["R-001"]}),
        ["supports names R-001, which is a risk", "control"],
        id="link-target table: evidence supports a control, not a risk",
    ),
    pytest.param(
        Write("add", "risk", values={**VALID_RISK, "likelihood": "6"}),
        ["likelihood must be from 1 to 5 on the 5x5 matrix, not 6"],
        id="score outside the risk's matrix",
    ),
    pytest.param(
        Write("add", "risk", values={**VALID_RISK, "likelihood": "9", "severity": "0"}),
        ["likelihood is too large", "severity is too small", "from 1 to 5 on the 5x5 matrix"],
        id="several scores out of range at once",
    ),
    pytest.param(
        Write(
            "add",
            "risk",
            values={
                **VALID_RISK,
                "likelihood": "2",
                "severity": "2",
                "residual_likelihood": "5",
                "residual_severity": "5",
            },
        ),
        ["residual level very high", "above the inherent level low", "controls cannot raise"],
        id="residual above inherent",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", values={"residual_likelihood": "5"}),
        ["residual level", "above the inherent level"],
        id="edit: residual above inherent",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", clear=("affects",)),
        ["Risk affects no AI system"],
        id="edit: clear a required link",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", clear=("title",)),
        ["title is required"],
        id="edit: clear a required field",
    ),
    pytest.param(
        Write("add", "risk", values={**VALID_RISK, "title": "Bad\x01title"}),
        [
            "title holds the control character U+0001 (got 'Bad\\x01title'); expected text "
            "without control characters (tab and line breaks are fine)"
        ],
        id="control character in a title",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", values={"description": "x\x1b[31mred"}),
        ["description holds the control character U+001B"],
        id="edit: terminal escape in a description",
    ),
    pytest.param(
        Write("remove", entity_id="R-001"),
        ["R-001 is still referred to by"],
        id="remove with incoming links",
    ),
    pytest.param(
        Write("remove", entity_id="R-404"),
        ["no entity with ID 'R-404'"],
        id="remove an unknown ID",
    ),
]


@pytest.mark.parametrize(("write", "words"), REFUSED)
def test_both_faces_refuse_with_the_same_messages(
    pair: tuple[Path, Register], write: Write, words: list[str]
) -> None:
    cli_folder, tui_register = pair
    cli_register = Register.open(cli_folder)
    before = register_quads(cli_register)
    by_cli = through_cli(cli_folder, write)
    by_tui, change = through_tui(tui_register, write)
    assert not by_cli.accepted and change is None
    assert by_cli == by_tui
    text = " ".join(by_cli.problems)
    for word in words:
        assert word in text
    assert "--" not in text.replace("->", "")  # messages name fields, never CLI flags
    assert register_quads(cli_register) == before
    assert register_quads(tui_register) == before


ACCEPTED = [
    pytest.param(Write("add", "risk", values=VALID_RISK), id="add a risk"),
    pytest.param(
        Write(
            "add",
            "risk",
            values={**VALID_RISK, "residual_likelihood": "2", "residual_severity": "2"},
        ),
        id="add a risk with residual scores",
    ),
    pytest.param(
        Write(
            "add",
            "control",
            values={"title": "Drift review", "mitigates": ["R-001"], "addresses": ["A.6.2.6"]},
        ),
        id="add a control",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", values={"severity": "5", "title": "Renamed"}),
        id="edit scores and title",
    ),
    pytest.param(
        Write("edit", entity_id="R-001", clear=("residual_likelihood", "residual_severity")),
        id="edit: clear the residual scores",
    ),
    pytest.param(Write("remove", entity_id=UNLINKED), id="remove an unlinked risk"),
]


@pytest.mark.parametrize("write", ACCEPTED)
def test_both_faces_accept_and_write_the_same(pair: tuple[Path, Register], write: Write) -> None:
    cli_folder, tui_register = pair
    cli_register = Register.open(cli_folder)
    before = register_quads(cli_register)
    by_cli = through_cli(cli_folder, write)
    by_tui, change = through_tui(tui_register, write)
    assert by_cli == by_tui == Outcome(True), (by_cli, by_tui)
    assert change is not None
    after = register_quads(cli_register)
    assert after != before
    assert register_quads(tui_register) == after
    assert_valid(cli_register)
    assert_valid(tui_register)


@pytest.mark.parametrize("write", ACCEPTED)
def test_undo_in_either_face_restores_the_register(
    pair: tuple[Path, Register], write: Write
) -> None:
    cli_folder, tui_register = pair
    cli_register = Register.open(cli_folder)
    before = register_quads(cli_register)
    assert through_cli(cli_folder, write).accepted
    _, change = through_tui(tui_register, write)
    assert change is not None
    code, out, err = run_cli("undo", "-r", str(cli_folder))
    assert code == 0, err
    assert "undone" in out
    tui.undo(tui_register, change)
    assert register_quads(cli_register) == before
    assert register_quads(tui_register) == before
    assert_valid(cli_register)


def test_unchanged_edit_writes_nothing(pair: tuple[Path, Register]) -> None:
    cli_folder, tui_register = pair
    write = Write("edit", entity_id="R-001", values={"likelihood": "3"})  # as it is
    assert through_cli(cli_folder, write).accepted
    outcome, change = through_tui(tui_register, write)
    assert outcome.accepted and change is None
    with Register.open(cli_folder).reader() as store:
        assert [e.description for e in undo_log.history(store)] == ["add risk R-900"]


# --- the undo log -----------------------------------------------------------------------------


def test_undo_is_refused_when_the_entity_changed_since(pair: tuple[Path, Register]) -> None:
    cli_folder, _ = pair
    first = Write("edit", entity_id="R-001", values={"severity": "5"})
    assert through_cli(cli_folder, first).accepted
    code, _, err = run_cli("edit", "R-001", "--severity", "3", "-r", str(cli_folder))
    assert code == 0, err
    register = Register.open(cli_folder)
    with register.writer() as store:
        older = undo_log.history(store)[1]
        assert older.description == "edit risk R-001"
        with pytest.raises(UserError, match="R-001 changed since"):
            undo_log.undo(store, older)
    # the newest write can be undone, then the older one
    assert run_cli("undo", "-r", str(cli_folder))[0] == 0
    assert run_cli("undo", "-r", str(cli_folder))[0] == 0


def test_undoing_a_creation_is_refused_while_others_link_to_it(
    pair: tuple[Path, Register],
) -> None:
    _, register = pair
    outcome, created = through_tui(register, Write("add", "risk", values=VALID_RISK))
    assert outcome.accepted and created is not None
    linker = Write("add", "control", values={"title": "C", "mitigates": [created.entity_id]})
    assert through_tui(register, linker)[0].accepted
    with pytest.raises(UserError, match="now link to"):
        tui.undo(register, created)


def test_undo_list_and_nothing_to_undo(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    init_register(folder)
    code, out, _ = run_cli("undo", "--list", "-r", str(folder))
    assert code == 0 and "Nothing to undo" in out
    code, _, err = run_cli("undo", "-r", str(folder))
    assert code == 2 and "nothing to undo" in err
    assert run_cli("add", "system", "--id", "SYS-A", "--title", "A", "-r", str(folder))[0] == 0
    code, out, _ = run_cli("undo", "--list", "-r", str(folder))
    assert "add system SYS-A" in out
    code, out, _ = run_cli("undo", "--dry-run", "-r", str(folder))
    assert code == 0 and "Would undo: add system SYS-A" in out
    assert run_cli("undo", "-r", str(folder))[0] == 0
    assert register_quads(Register.open(folder)) == []


def test_the_log_keeps_the_last_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(undo_log, "UNDO_DEPTH", 3)
    folder = tmp_path / "reg"
    init_register(folder)
    for n in range(5):
        assert run_cli("add", "system", "--title", f"S{n}", "-r", str(folder))[0] == 0
    with Register.open(folder).reader() as store:
        entries = undo_log.history(store)
    assert [e.description for e in entries] == [
        "add system SYS-005",
        "add system SYS-004",
        "add system SYS-003",
    ]


# --- rules of the core ------------------------------------------------------------------------


def test_score_range_follows_the_risks_own_matrix() -> None:
    assert score_range("3x3") == (1, 3)
    assert score_range("7x7") == (1, 7)
    risk = Risk(id="R-1", title="x", likelihood=2, severity=2, matrix="3x3")
    assert score_range(risk) == (1, 3)
    with pytest.raises(ValueError, match="unknown risk matrix"):
        score_range("4x4")


def test_the_issue_example_is_refused_and_validate_passes_after_every_accepted_write(
    pair: tuple[Path, Register],
) -> None:
    cli_folder, _ = pair
    args = ["add", "risk", "--title", "X", "--likelihood", "3", "--severity", "4"]
    code, _, err = run_cli(*args, "-r", str(cli_folder))
    assert code == 2 and "Risk affects no AI system" in err
    code, _, err = run_cli(*args, "--affects", "SYS-CHATBOT", "-r", str(cli_folder))
    assert code == 0, err
    code, out, _ = run_cli("validate", "-r", str(cli_folder))
    assert code == 0, out


def test_a_catalogue_risk_needs_no_system(pair: tuple[Path, Register]) -> None:
    cli_folder, register = pair
    values = {"title": "From a library", "likelihood": "3", "severity": "3"}
    code, out, err = run_cli(
        "add", "risk", "--catalogue-entry", *_flags(values), "-r", str(cli_folder)
    )
    assert code == 0, err
    new_id = out.split("risk ", 1)[1].split()[0]
    with Register.open(cli_folder).reader() as store:
        types = {
            q.object.value
            for q in store.quads(REGISTER_GRAPH, subject=register.base_iri + new_id)
            if q.predicate.value == RDF + "type"
        }
    assert types == {RG + "Risk", RG + "CatalogueRisk"}
    assert run_cli("validate", "-r", str(cli_folder))[0] == 0
    # adopting it without saying what it affects is refused
    code, _, err = run_cli("edit", new_id, "--no-catalogue-entry", "-r", str(cli_folder))
    assert code == 2 and "Risk affects no AI system" in err
    code, _, err = run_cli(
        "edit",
        new_id,
        "--no-catalogue-entry",
        "--affects",
        "SYS-CHATBOT",
        "-r",
        str(cli_folder),
    )
    assert code == 0, err
    assert run_cli("validate", "-r", str(cli_folder))[0] == 0


def _flags(values: Mapping[str, str]) -> list[str]:
    return [item for name, value in values.items() for item in ("--" + name, value)]


def test_the_mit_sample_imports_as_catalogue_risks_and_validates(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    sample = root / "tests" / "io" / "fixtures" / "mit_ai_risk_sample.csv"
    mapping = root / "examples" / "mappings" / "mit-ai-risk-repository.yaml"
    folder = tmp_path / "reg"
    init_register(folder)
    code, out, err = run_cli("import", str(sample), "--mapping", str(mapping), "-r", str(folder))
    assert code == 0, err
    assert "27 added" in out
    register = Register.open(folder)
    with register.reader() as store:
        risks, _ = Repository(store, register.base_iri).all(Risk)
        report = validate_store(store)
    assert len(risks) == 27 and all(isinstance(r, Risk) and r.catalogue_entry for r in risks)
    assert report.conforms
    assert not [i for i in report.issues if i.focus.startswith("MIT-")]


# --- any accepted write leaves a valid register -------------------------------------------------

SEED = [
    AISystem(id="SYS-A", title="A", owner="P-1"),
    Person(id="P-1", title="Ana"),
    Control(id="C-1", title="Control"),
]

_scores = st.integers(min_value=0, max_value=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    matrix=st.sampled_from(["3x3", "5x5", "7x7"]),
    likelihood=_scores,
    severity=_scores,
    residual=st.one_of(st.none(), st.tuples(_scores, _scores)),
    affects=st.lists(st.sampled_from(["SYS-A", "C-1", "SYS-NOPE", "P-1"]), max_size=2),
    owner=st.sampled_from([None, "P-1", "SYS-A"]),
    catalogue_entry=st.booleans(),
)
def test_the_pipeline_accepts_only_what_validate_accepts(
    matrix: str,
    likelihood: int,
    severity: int,
    residual: tuple[int, int] | None,
    affects: list[str],
    owner: str | None,
    catalogue_entry: bool,
) -> None:
    register = Register.in_memory()
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(SEED).changes)
    values: dict[str, object] = {
        "title": "Generated",
        "matrix": matrix,
        "likelihood": likelihood,
        "severity": severity,
        "affects": affects,
        "catalogue_entry": catalogue_entry,
    }
    if residual is not None:
        values["residual_likelihood"], values["residual_severity"] = residual
    if owner is not None:
        values["owner"] = owner
    before = register_quads(register)
    draft = Draft(Risk, Changes(values=values), TYPED)
    try:
        run_write(register, lambda repo: prepare_additions(repo, [draft], default_matrix="5x5"))
    except UserError as exc:
        assert "Traceback" not in str(exc) and str(exc)
        assert register_quads(register) == before
        return
    assert_valid(register)
