"""The MCP server driven by the official SDK's own client over stdio, on a real register."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from riskgraph.register import Register
from riskgraph.trail import read_calls

REPO = Path(__file__).resolve().parents[2]


@asynccontextmanager
async def connect(folder: Path, *extra: str) -> AsyncIterator[ClientSession]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RISKGRAPH_REGISTER", None)
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "riskgraph", "mcp", "-r", str(folder), *extra], env=env
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def payload(result: Any) -> Any:
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def error_text(result: Any) -> str:
    assert result.is_error, result.content
    return " ".join(c.text for c in result.content)


def calls(folder: Path) -> list[Any]:
    with Register.open(folder).reader() as store:
        return list(read_calls(store))


async def test_read_only_by_default_lists_read_tools(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        listed = (await session.list_tools()).tools
    names = {tool.name for tool in listed}
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in listed)
    assert {"list_queries", "run_query", "gaps", "show", "trace", "impact", "search"} <= names
    assert "statement_of_applicability" in names
    assert not any(name.startswith("draft") for name in names)


async def test_stored_query_with_parameter(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        queries = payload(await session.call_tool("list_queries", {}))["queries"]
        by_name = {q["name"]: q for q in queries}
        assert by_name["risks-by-system"]["parameters"][0]["name"] == "system"
        result = payload(
            await session.call_tool(
                "run_query", {"name": "risks-by-system", "parameters": {"system": "SYS-CREDIT"}}
            )
        )
    assert result["rows"], "SYS-CREDIT has risks in the example"
    assert {row["system_id"] for row in result["rows"]} == {"SYS-CREDIT"}


async def test_unknown_values_are_errors(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        unknown_query = error_text(await session.call_tool("run_query", {"name": "no-such"}))
        too_many = error_text(
            await session.call_tool("run_query", {"name": "ownership", "limit": 5000})
        )
        empty_search = error_text(await session.call_tool("search", {"text": "  "}))
    assert "no stored query called 'no-such'" in unknown_query
    assert "limit must be between 1 and 1000" in too_many
    assert "search text is empty" in empty_search


async def test_read_tools_answer(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        gaps = payload(await session.call_tool("gaps", {}))
        trace = payload(await session.call_tool("trace", {"id": "SYS-CHATBOT"}))
        found = payload(await session.call_tool("search", {"text": "drift"}))
        soa = payload(await session.call_tool("statement_of_applicability", {}))
        ontology = await session.read_resource("riskgraph://ontology")
    assert gaps["summary"]["gaps"] > 0
    assert trace["root"]["id"] == "SYS-CHATBOT"
    assert "C-004" in {row["id"] for row in found["rows"]}
    assert len(soa["rows"]) == 38
    assert "owl:Ontology" in ontology.contents[0].text


async def test_framework_coverage_is_the_coverage_command_s_read_model(
    example_register_folder: Path,
) -> None:
    async with connect(example_register_folder) as session:
        listed = {tool.name for tool in (await session.list_tools()).tools}
        covered = payload(
            await session.call_tool("framework_coverage", {"framework": "iso42001-annex-a"})
        )
        unknown = error_text(await session.call_tool("framework_coverage", {"framework": "nope"}))
        too_far = error_text(
            await session.call_tool(
                "framework_coverage", {"framework": "iso42001-annex-a", "max_hops": 50}
            )
        )
    assert "framework_coverage" in listed
    command = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskgraph",
            "coverage",
            "iso42001-annex-a",
            "--format",
            "json",
            "-r",
            str(example_register_folder),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    assert covered["concepts"] == json.loads(command.stdout)
    assert len(covered["concepts"]) == 38 and covered["max_hops"] == 4
    assert sum(covered["counts"].values()) == 38 and covered["counts"]["not addressed"] > 0
    assert "unknown framework 'nope'" in unknown
    assert "max_hops must be between 1 and 6" in too_far


async def test_draft_lands_pending_and_shows_in_review(example_register_folder: Path) -> None:
    draft = {
        "option": "mitigate",
        "statement": "The model risk team reviews drift reports monthly and retrains on breach.",
        "actions": [
            {
                "description": "Use the existing drift monitoring.",
                "existing_control": "C-004",
                "new_control": None,
            }
        ],
        "expected_residual_likelihood": 2,
        "expected_residual_severity": 3,
        "rationale": "Drift is caught before it harms decisions.",
        "assumptions": ["Monitoring alerts reach the model owner."],
    }
    async with connect(example_register_folder, "--allow-drafts") as session:
        stored = payload(
            await session.call_tool("draft_treatment", {"risk_id": "R-001", "draft": draft})
        )
        forged = error_text(
            await session.call_tool(
                "draft_treatment", {"risk_id": "R-001", "draft": {**draft, "status": "approved"}}
            )
        )
        approve = error_text(await session.call_tool("accept_draft", {"draft": stored["draft"]}))
    assert stored["status"] == "pending review"
    assert "status" in forged and "Extra inputs are not permitted" in forged
    assert "Unknown tool" in approve
    review = subprocess.run(
        [sys.executable, "-m", "riskgraph", "assist", "review", "-r", str(example_register_folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
        check=True,
    )
    assert stored["draft"] in review.stdout
    validate = subprocess.run(
        [sys.executable, "-m", "riskgraph", "validate", "-r", str(example_register_folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr


async def test_draft_tools_absent_when_read_only(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        refused = error_text(
            await session.call_tool("draft_treatment", {"risk_id": "R-001", "draft": {}})
        )
    assert "Unknown tool" in refused


async def test_every_call_is_in_the_audit_trail(example_register_folder: Path) -> None:
    async with connect(example_register_folder) as session:
        await session.call_tool("search", {"text": "drift"})
        await session.call_tool("run_query", {"name": "no-such"})
        await session.call_tool("delete_everything", {"really": True})
    recorded = calls(example_register_folder)
    assert [c.tool for c in recorded] == ["search", "run_query", "delete_everything"]
    assert recorded[0].outcome == "ok" and json.loads(recorded[0].arguments) == {"text": "drift"}
    assert recorded[1].outcome.startswith("error: ") and "no-such" in recorded[1].outcome
    assert "Unknown tool" in recorded[2].outcome
    assert {c.face for c in recorded} == {"mcp"}


@pytest.mark.parametrize("folder_kind", ["not-a-register"])
def test_cli_refuses_a_folder_that_is_no_register(tmp_path: Path, folder_kind: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "riskgraph", "mcp", "-r", str(tmp_path / folder_kind)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 2
    assert "is not a register" in run.stderr
    assert "Traceback" not in run.stderr


async def test_snapshots_and_diff_are_the_diff_command_s_read_model(
    example_register_folder: Path,
) -> None:
    from cli_run import run

    march, september = "2026-03-internal-audit", "2026-09-certification-audit"
    async with connect(example_register_folder) as session:
        listed = payload(await session.call_tool("snapshots", {}))["snapshots"]
        between = payload(await session.call_tool("diff", {"before": march, "after": september}))
        since = payload(await session.call_tool("diff", {"before": september}))
        unknown = error_text(await session.call_tool("diff", {"before": "nope"}))
    assert [s["name"] for s in listed] == [march, september]
    assert len(listed[0]["register_sha256"]) == 64
    cli = run("diff", march, september, "--format", "json", "-r", str(example_register_folder))
    assert cli.code == 0 and between == json.loads(cli.out)
    assert since["after"] == "now" and "R-046" in {e["id"] for e in since["entities"]}
    assert "no snapshot named 'nope'" in unknown and march in unknown
