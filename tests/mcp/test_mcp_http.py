"""The MCP server over streamable HTTP on 127.0.0.1, driven by the SDK's own HTTP client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from test_mcp_stdio import REPO, calls, payload


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def http_server(example_register_folder: Path) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "riskgraph",
            "mcp",
            "--http",
            "--port",
            str(port),
            "-r",
            str(example_register_folder),
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read().decode() if process.stderr else "")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_it_listens_on_loopback_only(http_server: str) -> None:
    port = int(http_server.split(":")[2].split("/")[0])
    listening = {
        line.split()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if line.split()[3] == "0A"
    }
    assert f"0100007F:{port:04X}" in listening
    assert f"00000000:{port:04X}" not in listening


async def test_tools_over_streamable_http(http_server: str, example_register_folder: Path) -> None:
    async with (
        streamable_http_client(http_server) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        names = {tool.name for tool in (await session.list_tools()).tools}
        result = payload(
            await session.call_tool(
                "run_query", {"name": "risks-by-system", "parameters": {"system": "SYS-CREDIT"}}
            )
        )
        refused = await session.call_tool("draft_treatment", {"risk_id": "R-001", "draft": {}})
    assert "run_query" in names and not any(n.startswith("draft") for n in names)
    assert {row["system_id"] for row in result["rows"]} == {"SYS-CREDIT"}
    assert refused.is_error
    recorded = calls(example_register_folder)
    assert [c.tool for c in recorded] == ["run_query", "draft_treatment"]
    assert json.loads(recorded[0].arguments)["parameters"] == {"system": "SYS-CREDIT"}
