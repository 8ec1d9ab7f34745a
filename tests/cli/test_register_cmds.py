"""init, stats, validate and the error boundary, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from riskgraph import __version__
from riskgraph.cli import app

runner = CliRunner()


def _riskgraph(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"riskgraph {__version__}"


def test_init_then_stats_finds_the_register_from_a_subfolder(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "reg"), "--name", "Acme"]).exit_code == 0
    sub = tmp_path / "reg" / "queries"
    done = _riskgraph("stats", cwd=sub)
    assert done.returncode == 0, done.stderr
    assert "Acme" in done.stdout and "risks" in done.stdout


def test_missing_register_is_a_clean_error(tmp_path: Path) -> None:
    done = _riskgraph("stats", cwd=tmp_path)
    assert done.returncode == 2
    assert "no register found" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_init_into_a_register_is_refused(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path / "reg")])
    done = _riskgraph("init", str(tmp_path / "reg"), cwd=tmp_path)
    assert done.returncode == 2
    assert "already holds a register" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_config_names_file_and_field(tmp_path: Path) -> None:
    runner.invoke(app, ["init", str(tmp_path / "reg")])
    config = tmp_path / "reg" / "register.toml"
    config.write_text(config.read_text().replace('appetite = "moderate"', 'appetite = "tiny"'))
    done = _riskgraph("stats", cwd=tmp_path / "reg")
    assert done.returncode == 2
    assert (
        "register.toml" in done.stderr and "risk.appetite" in done.stderr and "tiny" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_validate_the_example_conforms(example_register_folder: Path) -> None:
    result = runner.invoke(app, ["validate", "-r", str(example_register_folder)])
    assert result.exit_code == 0, result.stdout
    assert "conforms" in result.stdout


def test_every_command_has_help_with_an_example() -> None:
    for command in ("init", "stats", "validate"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.stdout
