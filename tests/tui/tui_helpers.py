"""Helpers for driving the TUI with Pilot."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from riskgraph.assistant.batch import plan_run, store_draft
from riskgraph.assistant.drafting import DraftAnswer
from riskgraph.assistant.endpoint import Endpoint
from riskgraph.assistant.protocol import Usage
from riskgraph.assistant.schema import TreatmentDraft
from riskgraph.register import Register
from riskgraph.tui.app import RiskgraphApp

SIZE = (80, 24)
WIDE = (120, 40)
SIZES = [(80, 24), (120, 36), (160, 48), (220, 60)]
"""The terminal sizes every screen is tried at: the smallest supported, and three wide ones."""
SIZE_IDS = [f"{w}x{h}" for w, h in SIZES]


async def settle(pilot: Pilot[None], rounds: int = 100) -> None:
    """Wait until no worker runs and the UI has handled what the workers handed back (which may
    start more workers): idle twice in a row."""
    app = pilot.app
    idle = 0
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if any(worker.is_running for worker in app.workers):
            idle = 0
            continue
        idle += 1
        if idle >= 2:
            return


def text_of(app: RiskgraphApp, selector: str) -> str:
    """The plain text a Static shows (whatever it holds: a string, Text or a Rich renderable)."""
    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text().strip()


def store_pending_draft(register: Register, risk_id: str, *, statement: str) -> str:
    """Put a pending draft into the drafts graph through the assistant's own API, as if a model
    had answered: it is grounded against the register and stored with its provenance."""
    plan = plan_run(register, [risk_id])
    draft = TreatmentDraft.model_validate(
        {
            "option": "mitigate",
            "statement": statement,
            "actions": [
                {
                    "description": "Run the existing fairness tests on this model too.",
                    "existing_control": "C-001",
                    "new_control": None,
                },
                {
                    "description": "Log and review every automated decline each month.",
                    "existing_control": None,
                    "new_control": {"title": "Monthly decline review", "annex_a": ["A.6.2.6"]},
                },
            ],
            "expected_residual_likelihood": 2,
            "expected_residual_severity": 3,
            "rationale": "Existing testing covers most of the risk; the review closes the rest.",
            "assumptions": ["The vendor shares model outputs for testing."],
        }
    )
    moment = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
    answer = DraftAnswer(
        risk_id=risk_id,
        draft=draft,
        model="scripted-model",
        usage=Usage(prompt_tokens=100, completion_tokens=50),
        started=moment,
        ended=moment,
        repaired=False,
        response_format="json_schema",
    )
    endpoint = Endpoint(
        base_url="http://localhost:11434/v1",
        model="scripted-model",
        temperature=0.0,
        timeout_seconds=5.0,
        max_retries=0,
        max_concurrency=1,
    )
    outcome = store_draft(register, plan, answer, endpoint)
    assert outcome.draft_id is not None
    return outcome.draft_id
