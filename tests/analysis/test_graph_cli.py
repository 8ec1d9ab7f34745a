"""riskgraph trace, impact and rank through the real CLI, on the Harbourline example folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.cli import app
from riskgraph.errors import UserError
from riskgraph.register import init_register

runner = CliRunner()


@pytest.fixture(scope="module")
def example_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Harbourline register folder for the module: these commands only read it."""
    folder = tmp_path_factory.mktemp("analytics") / "example"
    init_register(folder, with_example=True)
    return folder


def run(folder: Path, *args: str) -> str:
    result = runner.invoke(app, [*args, "-r", str(folder)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def run_process(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args, "-r", str(folder)],
        capture_output=True,
        text=True,
        env=env,
    )


def test_trace_prints_a_tree(example_folder: Path) -> None:
    out = run(example_folder, "trace", "SYS-CHATBOT")
    assert out.startswith("SYS-CHATBOT  AI system · Customer support chatbot")
    assert "↑ toward ISO/IEC 42001: 34 paths" in out
    assert "affected by R-010" in out and "addresses A.6.2.4" in out
    assert "(see above)" in out


def test_trace_json(example_folder: Path) -> None:
    data = json.loads(run(example_folder, "trace", "a.6.2.4", "--format", "json"))
    assert data["format"] == "riskgraph.trace/1"
    assert data["root"]["id"] == "A.6.2.4" and data["up"] is None
    assert "SYS-CV" in data["down"]["reached"]["system"]


def test_impact_text_and_json(example_folder: Path) -> None:
    out = run(example_folder, "impact", "MOD-FOUNDATION")
    assert "Impact of MOD-FOUNDATION (model)" in out
    assert "MOD-SUPPORT-FT → MOD-FOUNDATION" in out
    data = json.loads(run(example_folder, "impact", "C-001", "-f", "json"))
    assert [(e["id"], e["outcome"]) for e in data["risk_effects"]] == [
        ("R-006", "reverts"),
        ("R-001", "weakened"),
    ]


def test_rank_controls(example_folder: Path) -> None:
    data = json.loads(
        run(
            example_folder,
            "rank",
            "controls",
            "-n",
            "3",
            "--spof-risks",
            "1",
            "-f",
            "json",
        )
    )
    assert [c["position"] for c in data["controls"]] == [1, 2, 3]
    assert data["controls"][0]["leverage"] == 48
    assert data["spof_rule"] == {"min_risks": 1, "min_level": "high"}
    out = run(example_folder, "rank", "controls")
    assert "Controls by leverage" in out and "C-041" in out


def test_rank_risks(example_folder: Path) -> None:
    data = json.loads(run(example_folder, "rank", "risks", "-t", "1", "-f", "json"))
    assert [[r["id"] for r in c["risks"]] for c in data["clusters"]] == [["R-002", "R-044"]]
    out = run(example_folder, "rank", "risks", "--limit", "2")
    assert "Risk clusters" in out and "R-012" in out and "R-026" not in out


def test_an_unknown_id_is_a_clean_error(example_folder: Path) -> None:
    done = run_process(example_folder, "trace", "SYS-CHATBTO")
    assert done.returncode == 2
    assert "did you mean SYS-CHATBOT" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["impact", "R-001"], "R-001 is a risk; impact takes components"),
        (["trace", "SYS-CV", "--format", "xml"], "an analysis cannot be written as 'xml'"),
        (["rank", "risks", "-t", "1.5"], "similarity threshold is out of range"),
        (["rank", "controls", "--spof-level", "huge"], "unknown risk level for --spof-level"),
    ],
)
def test_mistakes_are_user_errors(example_folder: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "-r", str(example_folder)])
    assert isinstance(result.exception, UserError)
    assert message in str(result.exception)


@pytest.mark.parametrize(
    "command", [["trace"], ["impact"], ["rank", "controls"], ["rank", "risks"]]
)
def test_every_command_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Example:  riskgraph " + command[0] in result.stdout


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_export_command_writes_graph_formats(
    example_folder: Path, tmp_path: Path, suffix: str
) -> None:
    import networkx as nx

    target = tmp_path / f"register.{suffix}"
    out = run(example_folder, "export", "-o", str(target))
    graph = nx.read_graphml(target) if suffix == "graphml" else nx.read_gexf(target)
    assert f"wrote {graph.number_of_nodes()} nodes" in out
    assert graph.nodes["MOD-FOUNDATION"]["kind"] == "model"
    assert graph.has_edge("SYS-CODE", "MOD-FOUNDATION")


def test_export_dot_to_stdout_and_refuses_register_options(example_folder: Path) -> None:
    out = run(example_folder, "export", "--format", "dot")
    assert out.startswith("// riskgraph register graph") and '"SYS-CODE" -> "MOD-FOUNDATION"' in out
    done = run_process(example_folder, "export", "--format", "dot", "--kind", "risk")
    assert done.returncode == 2 and "not graph formats" in done.stderr
