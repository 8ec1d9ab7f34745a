"""The readiness tool answers with the read model of 'riskgraph readiness', over stdio."""

from __future__ import annotations

import json
from pathlib import Path

from test_mcp_stdio import connect, payload

from tests.cli_run import run


async def test_readiness_tool_is_the_command_s_json(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        listed = {tool.name for tool in (await session.list_tools()).tools}
        answer = payload(await session.call_tool("readiness", {}))
    assert "readiness" in listed
    command = run("readiness", "-r", str(example_register_folder), "-f", "json")
    assert command.code == 0, command.err
    assert answer == json.loads(command.out)
    assert [stage["stage"] for stage in answer["stages"]] == [
        "gap-analysis",
        "implementation",
        "internal-audit",
        "certification-audit",
        "surveillance",
    ]
