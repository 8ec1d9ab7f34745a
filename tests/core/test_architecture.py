"""The core never imports the TUI or the assistant's SDK; the CLI starts without the core."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
