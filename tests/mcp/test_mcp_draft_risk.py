"""The MCP draft_risk tool, driven by the SDK's stdio client: a pending, grounded risk candidate
that a person reviews with 'riskgraph assist'."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_mcp_stdio import REPO, connect, error_text, payload

from riskgraph.assistant.candidates import load_candidates
from riskgraph.library.catalogue import load
from riskgraph.model.entities import DraftStatus
from riskgraph.register import Register


async def test_draft_risk_lands_pending_grounded_and_reviewable(
    example_register_folder: Path,
) -> None:
    load(Register.open(example_register_folder), ["finos-aigf"])
    candidate = {
        "concepts": ["finos-aigf:ri-16", "finos-aigf:ri-999"],
        "title": "Scorecard declines applicants of some groups more often",
        "description": "Postcode features act as proxies for ethnicity.",
        "why": "The system scores consumer credit applications.",
        "likelihood": 3,
        "severity": 4,
    }
    async with connect(example_register_folder) as session:
        absent = error_text(
            await session.call_tool(
                "draft_risk", {"system_id": "SYS-CREDIT", "candidate": candidate}
            )
        )
    assert "Unknown tool" in absent
    async with connect(example_register_folder, "--allow-drafts") as session:
        stored = payload(
            await session.call_tool(
                "draft_risk", {"system_id": "SYS-CREDIT", "candidate": candidate}
            )
        )
        forged = error_text(
            await session.call_tool(
                "draft_risk",
                {"system_id": "SYS-CREDIT", "candidate": {**candidate, "status": "accepted"}},
            )
        )
        unknown = error_text(
            await session.call_tool("draft_risk", {"system_id": "SYS-NOPE", "candidate": candidate})
        )
    assert stored["status"] == "pending review"
    assert stored["linked_concepts"] == ["finos-aigf:ri-16"]
    assert any(f.startswith("unknown-concept finos-aigf:ri-999") for f in stored["flags"])
    assert "Extra inputs are not permitted" in forged
    assert "SYS-NOPE" in unknown
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        (kept,) = load_candidates(store, reg.base_iri)
    assert kept.status is DraftStatus.PENDING and kept.method == "mcp"
    assert kept.maker and kept.maker.startswith("MCP client") and kept.request_hash
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    review = subprocess.run(
        [sys.executable, "-m", "riskgraph", "assist", "review", "-r", str(example_register_folder)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert stored["candidate"] in review.stdout
    accepted = subprocess.run(
        [
            sys.executable,
            "-m",
            "riskgraph",
            "assist",
            "accept",
            stored["candidate"],
            "--by",
            "P-DMURPHY",
            "-r",
            str(example_register_folder),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert accepted.returncode == 0, accepted.stderr
    validate = subprocess.run(
        [sys.executable, "-m", "riskgraph", "validate", "-r", str(example_register_folder)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
