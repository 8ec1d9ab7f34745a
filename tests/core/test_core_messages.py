"""Messages of the core name fields and values, never the options of one face: the CLI, the TUI
and the MCP server each phrase their own option names. Every string literal of the core (not
docstrings) is checked for a command-line flag such as ``--kind``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import riskgraph

FACES = ("cli", "tui", "mcp", "__main__.py")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
COMMAND_LINE = re.compile(r"riskgraph [a-z][\w -]*?--[a-z][a-z-]*")
"""A whole command to run ('riskgraph doctor --repair') is an instruction, not a field."""
FLAG_PARSER = "editing/input.py"
"""Reads the CLI's field flags (--title, --add-affects) for add and edit; its messages are
about those flags by definition."""


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
        if isinstance(node, ast.Module | ast.ClassDef):
            # attribute docstrings: a string statement right after an assignment
            for before, after in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(before, ast.Assign | ast.AnnAssign)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                ):
                    found.add(id(after.value))
    return found


def flags_in_core_messages() -> list[str]:
    root = Path(riskgraph.__file__).parent
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(FACES) or relative == FLAG_PARSER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in skip:
                continue
            text = COMMAND_LINE.sub("", node.value)
            found += [f"{relative}:{node.lineno}: {m}" for m in FLAG.findall(text)]
    return found


def test_core_messages_name_no_command_line_flags() -> None:
    assert flags_in_core_messages() == []


def test_the_check_finds_a_flag() -> None:
    assert FLAG.findall("give --kind KIND, or --all") == ["--kind", "--all"]
    assert not FLAG.findall(COMMAND_LINE.sub("", "run 'riskgraph doctor --repair' first"))
    assert not FLAG.findall("a -- b, x->y, 2026--01")
