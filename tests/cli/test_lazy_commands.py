"""Start-up: ``riskgraph --help`` lists the commands from one fixed table (``COMMANDS``) and
imports no command module; a command imports its own module only. The table is kept equal to
the commands the modules really define, so the listing cannot drift from them."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

import pytest

import riskgraph.cli
from riskgraph.cli.app import COMMANDS, commands_of

APP_MODULES = {"riskgraph.cli", "riskgraph.cli.app"}


def _command_modules() -> list[str]:
    """Every module of ``riskgraph.cli`` that attaches commands."""
    names = []
    for info in pkgutil.iter_modules(riskgraph.cli.__path__):
        module = importlib.import_module(f"riskgraph.cli.{info.name}")
        if callable(getattr(module, "attach", None)):
            names.append(info.name)
    return sorted(names)


def test_the_table_lists_every_command_of_every_module_with_its_help() -> None:
    real: dict[str, tuple[str, str]] = {}
    for module in _command_modules():
        for name, command in commands_of(module).commands.items():
            text = command.short_help or command.help or ""
            real[name] = (module, " ".join(text.split("\n\n")[0].split()))
    assert dict(sorted(COMMANDS.items())) == dict(sorted(real.items()))


def _loaded_after(*args: str) -> list[str]:
    """The command modules ``riskgraph ARGS`` imported, from a fresh interpreter."""
    code = (
        "import sys\n"
        f"sys.argv = ['riskgraph', *{list(args)!r}]\n"
        "from riskgraph.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('riskgraph.cli'))),\n"
        "      file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    loaded = done.stderr.strip().splitlines()[-1].split(",")
    return sorted(set(loaded) - APP_MODULES)


def test_help_imports_no_command_module() -> None:
    assert _loaded_after("--help") == []


@pytest.mark.parametrize(
    ("args", "module"),
    [(("validate", "--help"), "register_cmds"), (("query", "--help"), "query_cmds")],
)
def test_a_command_imports_its_own_module_only(args: tuple[str, ...], module: str) -> None:
    loaded = [m for m in _loaded_after(*args) if m != "riskgraph.cli.options"]
    assert loaded == [f"riskgraph.cli.{module}"]


def test_help_lists_the_table_and_an_unknown_command_is_an_error() -> None:
    from typer.testing import CliRunner

    from riskgraph.cli import app

    shown = CliRunner().invoke(app, ["--help"])
    assert shown.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in shown.output
    wrong = CliRunner().invoke(app, ["nosuch"])
    assert wrong.exit_code == 2 and "No such command 'nosuch'" in wrong.output
