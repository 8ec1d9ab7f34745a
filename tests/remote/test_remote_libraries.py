"""Libraries, their mappings and adopted items travel losslessly through push and pull."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from unittest import mock

from remote_support import Server, same_quads
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.config import EndpointSettings
from riskgraph.library.catalogue import loaded_libraries, resolve
from riskgraph.library.crosswalk import crosswalk
from riskgraph.library.model import library_graph
from riskgraph.register import Register, init_register
from riskgraph.vocab import REGISTER_GRAPH

_runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    with (
        _runner.isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
        mock.patch.dict(os.environ, {"COLUMNS": "200"}),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, out.getvalue().decode() + err.getvalue().decode()


def _flags(settings: EndpointSettings) -> list[str]:
    return [
        settings.query_url,
        "--update-url",
        settings.update_url or settings.query_url,
        "--store-url",
        settings.store_url or "",
    ]


def test_libraries_mappings_and_adopted_items_survive_push_and_pull(
    tmp_path: Path, server: Server, endpoint: EndpointSettings
) -> None:
    original = tmp_path / "original"
    init_register(original)
    reg = str(original)
    assert _run("library", "load", "finos-aigf", "ai-atlas-nexus", "-r", reg)[0] == 0
    assert _run("library", "adopt", "finos-aigf:mi-3", "-r", reg)[0] == 0
    assert (
        _run("library", "link", "C-001", "finos-aigf:mi-17", "--author", "bob", "-r", reg)[0] == 0
    )
    code, out = _run("push", *_flags(endpoint), "--verify", "-r", reg)
    assert code == 0, out
    copy = tmp_path / "copy"
    init_register(copy)
    code, out = _run("pull", *_flags(endpoint), "--verify", "-r", str(copy))
    assert code == 0, out
    left, right = Register.open(original), Register.open(copy)
    with left.reader() as a, right.reader() as b:
        assert loaded_libraries(a) == loaded_libraries(b)
        for graph in (library_graph("finos-aigf"), library_graph("ai-atlas-nexus"), REGISTER_GRAPH):
            assert same_quads(a.quads(graph), b.quads(graph)), graph
        assert resolve(a, "finos-aigf").mappings == resolve(b, "finos-aigf").mappings
        walk = crosswalk(b, "owasp-llm-2.0", "iso42001-annex-a")
        assert not walk.unmatched
