"""``riskgraph import`` and ``export`` through the real entry point and its error boundary."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pyoxigraph as ox
import pytest
from io_support import REPO, every_kind, fill
from rich.console import Console
from typer.testing import CliRunner

from riskgraph.cli import io_cmds, main
from riskgraph.register import Register, init_register

runner = CliRunner()
RISKS = "# riskgraph template: risk v1\nid,title,likelihood,severity,affects\n"


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str
    raw: bytes


def run(*args: str) -> Run:
    """Run ``riskgraph ARGS`` as the console script does, including its error boundary."""
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
        raw = out.getvalue()
        return Run(code, raw.decode(errors="replace"), err.getvalue().decode(), raw)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    register = init_register(tmp_path / "reg")
    fill(register, every_kind())
    return tmp_path / "reg"


def nquads(folder: Path) -> list[str]:
    with Register.open(folder).reader() as store:
        return sorted(str(q) for q in store.quads())


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_export(folder: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "new.csv", RISKS + "R-10,New one,2,2,SYS-1\n")
    done = run("import", str(path), "-r", str(folder))
    assert done.code == 0, done.err
    assert "1 added, 0 changed, 0 unchanged" in done.out
    exported = run("export", "--format", "nt", "-r", str(folder))
    assert exported.code == 0, exported.err
    subjects = {t.subject.value for t in ox.parse(exported.raw, format=ox.RdfFormat.N_TRIPLES)}
    assert "https://riskgraph.example/register/R-10" in subjects


def test_bad_rows_are_all_listed_and_nothing_is_written(folder: Path, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "bad.csv",
        RISKS + "R-10,Fine,1,1,SYS-1\nR-11,,1,1,SYS-1\nR-12,[red] x,8,1,SYS-1\n",
    )
    before = nquads(folder)
    done = run("import", str(path), "-r", str(folder))
    assert done.code == 2
    assert "2 problem(s); nothing was imported" in done.err
    assert f"{path}, row 4, column 'title'" in done.err
    assert f"{path}, row 5, column 'likelihood'" in done.err and "'8'" in done.err
    assert "Traceback" not in done.err + done.out
    assert nquads(folder) == before


def test_dry_run_reports_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "change.csv", RISKS + "R-2,Drift,2,3,SYS-1\nR-10,New,1,1,SYS-1\n")
    before = nquads(folder)
    done = run("import", str(path), "--dry-run", "-r", str(folder))
    assert done.code == 0, done.err
    assert "would add 1, change 1" in done.out
    assert "~ R-2:" in done.out and "likelihood: 1 -> 2" in done.out and "+ R-10" in done.out
    assert nquads(folder) == before


def test_skip_bad_rows_reports_what_was_left_out(folder: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "some.csv", RISKS + "R-10,Fine,1,1,SYS-1\nR-11,,1,1,SYS-1\n")
    done = run("import", str(path), "--skip-bad-rows", "-r", str(folder))
    assert done.code == 0, done.err
    assert "1 bad record(s) skipped" in done.err and "row 4, column 'title'" in done.err
    assert "1 added" in done.out


def test_exports_to_files(folder: Path, tmp_path: Path) -> None:
    done = run("export", "-o", str(tmp_path / "register.xlsx"), "-r", str(folder))
    assert done.code == 0, done.err
    assert "entities to" in done.out and (tmp_path / "register.xlsx").stat().st_size > 0
    done = run("export", "-o", str(tmp_path / "risks.csv"), "--kind", "risk", "-r", str(folder))
    assert done.code == 0, done.err
    assert (tmp_path / "risks.csv").read_text().startswith("# riskgraph template: risk v1\n")
    assert not list(tmp_path.glob(".*partial*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--format", "csv"], "give the kind (e.g. risk)"),
        (["export", "--format", "docx"], "not a format riskgraph knows"),
        (["export", "-o", "out.unknown"], "name the format"),
        (["export", "--format", "xlsx", "--all"], "all graphs go in RDF formats only"),
        (["export", "-o", "/no/such/folder/x.ttl"], "cannot write /no/such/folder/x.ttl"),
        (["import", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_mistakes_are_clean_errors(folder: Path, args: list[str], message: str) -> None:
    done = run(*args, "-r", str(folder))
    assert done.code == 2
    assert message in done.err
    assert "Traceback" not in done.err


def test_a_locked_register_is_refused(folder: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, "one.csv", RISKS + "R-10,x,1,1,SYS-1\n")
    with Register.open(folder).write_session():
        done = run("import", str(path), "-r", str(folder))
    assert done.code == 3 and "being written" in done.err


def test_commands_have_help_with_an_example() -> None:
    for command in ("import", "export"):
        done = run(command, "--help")
        assert done.code == 0 and "Example" in done.out


def test_no_progress_noise_when_stderr_is_not_a_terminal(folder: Path, tmp_path: Path) -> None:
    rows = "".join(f"BIG-{n},Risk {n},1,1,SYS-1,P-1\n" for n in range(8000))
    path = _file(tmp_path, "big.csv", RISKS.replace("affects", "affects,owner") + rows)
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "riskgraph", "import", str(path), "-r", str(folder)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started > io_cmds.PROGRESS_DELAY_SECONDS
    assert done.stderr == ""


def test_progress_bar_appears_only_for_jobs_longer_than_the_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr("riskgraph.cli.output.err_console", terminal)
    monkeypatch.setattr(io_cmds, "PROGRESS_DELAY_SECONDS", 0.2)
    with io_cmds.ProgressBar() as progress:
        progress.phase("quick job", total=10)
        progress.advance(10)
    assert "quick job" not in screen.getvalue()
    with io_cmds.ProgressBar() as progress:
        progress.phase("slow job", total=10)
        time.sleep(0.6)
        progress.advance(5)
        time.sleep(0.3)
    assert "slow job" in screen.getvalue()
