"""docs/mcp.md says what the server offers: its tool table lists exactly the server's tools, and
marks exactly the draft tools as needing --allow-drafts."""

from __future__ import annotations

import re
from pathlib import Path

import anyio
import pytest

from riskgraph.mcp.server import build_server
from riskgraph.register import Register

DOC = Path(__file__).resolve().parents[2] / "docs" / "mcp.md"
ROW = re.compile(r"^\| `(\w+)`( \(only with `--allow-drafts`\))? \|", re.MULTILINE)


def documented() -> dict[str, bool]:
    """Tool name -> whether the doc says it needs --allow-drafts."""
    return {name: bool(drafts) for name, drafts in ROW.findall(DOC.read_text(encoding="utf-8"))}


def offered(folder: Path, *, allow_drafts: bool) -> set[str]:
    server = build_server(Register.open(folder), allow_drafts=allow_drafts)
    return {tool.name for tool in anyio.run(server.list_tools)}


def test_the_tool_table_is_the_server_s_tools(example_register_folder: Path) -> None:
    table = documented()
    read_only = offered(example_register_folder, allow_drafts=False)
    everything = offered(example_register_folder, allow_drafts=True)
    assert set(table) == everything
    assert {name for name, drafts in table.items() if not drafts} == read_only
    assert {name for name, drafts in table.items() if drafts} == everything - read_only
    assert {"framework_coverage", "draft_risk", "draft_mapping"} <= everything


@pytest.mark.parametrize("tool", ["draft_treatment", "draft_risk", "draft_mapping"])
def test_each_draft_tool_s_trust_rule_is_written_down(tool: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"`{tool}`" in text.split("## Trust model", 1)[1]
