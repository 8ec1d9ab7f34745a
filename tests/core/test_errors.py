"""One error root, turned into words once per face: the CLI (message and exit code) and the TUI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from riskgraph.assistant.protocol import ModelCallError
from riskgraph.cli.output import explain, fail_on
from riskgraph.errors import InputError, InputErrors, Location, RiskgraphError, UserError
from riskgraph.store.base import ConflictError, StoreError
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.tui.workers import describe_error
from riskgraph.validation import ShapesError


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UserError("bad value"), 2),
        (InputError("bad value", value="x"), 2),
        (StoreError("the store is gone"), 3),
        (ConflictError([], "R-001 changed meanwhile"), 3),
        (ModelCallError("the model refused"), 3),
        (ShapesError("shapes broken"), 3),
    ],
)
def test_the_cli_gives_each_error_its_exit_code_and_message(
    error: RiskgraphError, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        fail_on(error)
    assert exited.value.code == code
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(error) in err
    assert "Traceback" not in err


def test_the_tui_shows_the_same_words() -> None:
    for error in (UserError("bad value"), StoreError("gone"), ModelCallError("refused")):
        assert describe_error(error) == str(error)
    assert describe_error(KeyError("x")) == "KeyError: 'x'"


def test_several_input_errors_are_listed_in_full() -> None:
    errors = [InputError(f"bad {n}", location=Location(file="f.csv", row=n)) for n in range(60)]
    text = explain(InputErrors(errors), "nothing was imported")
    lines = text.splitlines()
    assert lines[0] == "60 problem(s); nothing was imported:"
    assert len(lines) == 61 and lines[-1] == "  - f.csv, row 59: bad 59"


def test_a_select_answered_otherwise_is_an_error_not_an_assert() -> None:
    store = EmbeddedStore()
    with pytest.raises(StoreError, match="GraphResult where SelectResult"):
        store.select("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match="SelectResult where GraphResult"):
        store.construct("SELECT * WHERE { ?s ?p ?o }")
    assert isinstance(store.select("SELECT * WHERE { ?s ?p ?o }").variables, list)
    assert list(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples) == []


def test_a_register_without_a_home_says_so_under_python_o() -> None:
    code = (
        "from riskgraph.register import Register\n"
        "from riskgraph.config import RegisterConfig\n"
        "from riskgraph.errors import RiskgraphError\n"
        "try:\n"
        "    with Register(RegisterConfig()).reader():\n"
        "        pass\n"
        "except RiskgraphError as exc:\n"
        "    print('refused:', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("refused: this register has no folder")


def test_the_cli_boundary_prints_no_traceback(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "riskgraph", "stats", "-r", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("error: ") and "Traceback" not in out.stderr


# --- messages of the core name fields, not the options of one face ---------------------------


def test_register_lookup_names_no_cli_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from riskgraph.register import RegisterNotFoundError, find_register

    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    for explicit in (tmp_path, None):
        with pytest.raises(RegisterNotFoundError) as caught:
            find_register(explicit, cwd=tmp_path)
        assert "--" not in str(caught.value)


def test_the_cli_adds_its_own_words_to_a_missing_register(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "riskgraph", "stats", "-r", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2
    assert "is not a register" in out.stderr and "--register PATH" in out.stderr


def test_gaps_for_an_unknown_system_names_the_field(disk_register: object) -> None:
    from riskgraph.analysis.gaps import run_gaps
    from riskgraph.register import Register

    assert isinstance(disk_register, Register)
    with disk_register.reader() as store, pytest.raises(InputError) as caught:
        run_gaps(disk_register, store, system="SYS-NOPE")
    message = str(caught.value)
    assert message.startswith("system: there is no AI system with that ID")
    assert "--" not in message and "riskgraph " not in message
