"""The layers point down only, the core never imports the TUI or the assistant's SDK, and the
CLI starts without the core."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import riskgraph

LAYERS_ON_TOP = ("riskgraph.tui", "riskgraph.assistant", "riskgraph.cli", "riskgraph.__main__")


def _core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(riskgraph.__path__, "riskgraph."):
        if not info.name.startswith(LAYERS_ON_TOP):
            names.append(info.name)
    return names


def test_core_imports_neither_textual_nor_openai() -> None:
    modules = _core_modules()
    assert "riskgraph.store.embedded" in modules and "riskgraph.model.entities" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'openai'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core pulled in: {out.stdout.strip()}"


def test_cli_help_does_not_load_the_core() -> None:
    code = (
        "import sys\n"
        "from riskgraph.cli import app\n"
        "heavy = ('pyoxigraph', 'rdflib', 'pyshacl', 'pydantic', 'networkx', 'openpyxl',\n"
        "         'textual', 'openai')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing the CLI loaded: {out.stdout.strip()}"


# --- the layers contract ([tool.importlinter] in pyproject.toml) -----------------------------

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command; "
    "sys.argv = ['lint-imports', '--no-cache', '--no-logo', 'pyproject.toml']; "
    "lint_imports_command()"
)


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on the package under ``tree`` (which holds pyproject.toml)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "riskgraph",
        tmp_path / "riskgraph",
        ignore=shutil.ignore_patterns("__pycache__", "_data"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_contract_is_kept() -> None:
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "riskgraph layers point down only KEPT" in out.stdout


@pytest.mark.parametrize(
    ("module", "planted", "arrow"),
    [
        # the store reaching up into the query layer (as remote.py once did for the guard)
        ("store/remote.py", "import riskgraph.queries.runner", "riskgraph.queries.runner"),
        # the model layer reaching up into a face
        ("model/entities.py", "from riskgraph.cli import app", "riskgraph.cli"),
        # the lowest layer reaching up into configuration, in a function body
        ("errors.py", "def _late():\n    import riskgraph.config", "riskgraph.config"),
    ],
)
def test_the_contract_fails_on_an_upward_import(
    tmp_path: Path, module: str, planted: str, arrow: str
) -> None:
    tree = _copy_of_the_package(tmp_path)
    target = tree / "riskgraph" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + planted + "\n")
    out = _lint_imports(tree)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "riskgraph layers point down only BROKEN" in out.stdout
    importer = "riskgraph." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {arrow}" in out.stdout


def test_the_contract_fails_on_an_undeclared_top_level_module(tmp_path: Path) -> None:
    tree = _copy_of_the_package(tmp_path)
    (tree / "riskgraph" / "newface.py").write_text("import riskgraph.errors\n")
    out = _lint_imports(tree)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "riskgraph.newface" in out.stdout


# --- one error root, no asserts as checks ------------------------------------------------------

SIGNALS = {"riskgraph.tui.data.query.QueryCancelled"}
"""Exceptions that signal control flow (a cancelled job), not an error meant for a person."""


def _all_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(riskgraph.__path__, "riskgraph.")
        if not info.name.endswith("__main__")  # importing it runs the CLI
    ]


def test_every_error_class_derives_from_the_one_root() -> None:
    import importlib
    import inspect

    from riskgraph.errors import RiskgraphError

    outside = []
    for name in _all_modules():
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name or not issubclass(cls, BaseException):
                continue
            qualified = f"{name}.{cls_name}"
            if cls_name.startswith("_") or qualified in SIGNALS:
                continue
            if not issubclass(cls, RiskgraphError):
                outside.append(qualified)
    assert outside == []


def test_library_code_has_no_assert_statements() -> None:
    """``python -O`` drops asserts: checks must be real ``if ... raise``."""
    import ast

    found = []
    for path in sorted((ROOT / "riskgraph").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Assert)
        ]
    assert found == []


def test_the_layers_in_the_docs_are_the_contract() -> None:
    """docs/architecture.md shows the layers as the contract fixes them, in the same order."""
    import re
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    in_contract = [re.findall(r"[\w]+", layer) for layer in contract["layers"]]
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Layers", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    rows = [re.split(r"(?<!\\)\|", line)[2] for line in table.splitlines()[2:]]
    in_docs = [re.findall(r"`(\w+)`", row) for row in rows]
    flatten = [name for names in in_docs for name in names]
    assert flatten == [name for names in in_contract for name in names]
