"""The identification harness: gold sets from the publishers' files, metrics, the baseline run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.assist import gold
from benchmarks.assist.__main__ import main
from benchmarks.assist.identification import finos_set, nexus_set
from benchmarks.assist.metrics import precision_at, recall_at, reciprocal_rank, summary
from riskgraph.library.bundled import read_bundled
from riskgraph.library.model import concept_iri
from tests.assistant.chat_server import ChatServer, Step, json_answer
from tests.conftest import REFERENCE


def test_metrics_on_a_worked_example() -> None:
    ranked = ["a", "x", "b", "y"]
    gold_items = {"a", "b", "c"}
    assert precision_at(ranked, gold_items, 1) == 1.0
    assert precision_at(ranked, gold_items, 3) == pytest.approx(2 / 3)
    assert precision_at(ranked, gold_items, 10) == pytest.approx(0.2)
    assert recall_at(ranked, gold_items, 3) == pytest.approx(2 / 3)
    assert reciprocal_rank(["x", "y", "b"], gold_items) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x"], gold_items) == 0.0
    figures = summary([(ranked, gold_items), (["x", "c"], {"c"})], ks=(1,))
    assert figures == {
        "cases": 2,
        "precision@1": 0.5,
        "recall@1": pytest.approx(1 / 6, abs=1e-4),
        "mrr": 0.75,
    }


@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8),
    st.sets(st.sampled_from("abcdefgh"), min_size=1),
    st.integers(min_value=1, max_value=10),
)
def test_metrics_stay_between_zero_and_one(ranked: list[str], truth: set[str], k: int) -> None:
    for value in (precision_at(ranked, truth, k), recall_at(ranked, truth, k)):
        assert 0.0 <= value <= 1.0
    assert reciprocal_rank(ranked, truth) in {0.0} | {1 / p for p in range(1, 9)}


def test_the_nexus_fixture_agrees_with_the_bundled_library() -> None:
    """The bundled library keeps each incident's refersToRisk as a relatedMatch: the fixture,
    read from the publisher's file, names the same risks."""
    library = read_bundled("ai-atlas-nexus")
    related = {
        (m.subject, m.object)
        for m in library.mappings
        if m.predicate == "relatedMatch" and "refersToRisk" in m.comment
    }
    nexus = nexus_set()
    assert len(nexus.cases) == 38
    for case in nexus.cases:
        subject = concept_iri("ai-atlas-nexus", case.id)
        assert {o for s, o in related if s == subject} == set(case.gold), case.id


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="needs the shared reference material")
def test_the_fixtures_are_rebuilt_byte_for_byte_from_the_reference(tmp_path) -> None:
    finos, nexus = gold.build(REFERENCE)
    assert json.dumps(finos, indent=1, ensure_ascii=False) + "\n" == gold.FINOS_FILE.read_text()
    assert json.dumps(nexus, indent=1, ensure_ascii=False) + "\n" == gold.NEXUS_FILE.read_text()
    # the dataset's README counts 4, 6 and 6 related risks for uc-1, uc-2 and uc-3
    assert [len(c["gold"]) for c in finos["cases"]] == [4, 6, 6]
    assert finos["cases"][0]["gold"] == ["ri-1", "ri-4", "ri-17", "ri-19"]
    assert all("AI Risks and Mitigations" not in c["text"] for c in finos["cases"])


def test_finos_use_case_texts_do_not_name_their_risks() -> None:
    for case in finos_set().cases:
        assert "/risks/ri-" not in case.text


def test_the_harness_prints_the_baseline_figures(capsys, tmp_path) -> None:
    out = tmp_path / "figures.json"
    assert main(["--task", "identification", "--limit", "3", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| nexus | baseline | 3 | 99 |" in printed
    assert "| finos | baseline | 3 | 23 |" in printed
    assert "| register | baseline | 3 |" in printed
    figures = json.loads(out.read_text())["identification"]["sets"]
    for name in ("finos", "nexus", "register"):
        baseline = figures[name]["baseline"]
        assert baseline["cases"] == 3
        assert 0.0 <= baseline["mrr"] <= 1.0


def test_the_harness_measures_the_llm_path_through_a_loopback_server(capsys, tmp_path) -> None:
    """The LLM path of the harness calls a real chat-completions server on 127.0.0.1. This one
    answers by citing the shortlist it was sent, in reverse order, plus an invented ID."""

    def reverse_shortlist(body: dict) -> Step:
        user = body["messages"][1]["content"]
        block = user.split("<register_data>")[1].split("</register_data>")[0]
        refs = [item["ref"] for item in json.loads(block)["shortlist"]]
        candidates = [
            {
                "concepts": [ref],
                "title": f"Risk {ref}",
                "description": "As the concept describes.",
                "why": "Reversed for the test.",
                "likelihood": 3,
                "severity": 3,
            }
            for ref in [*reversed(refs), "finos-aigf:ri-999"]
        ]
        return json_answer({"candidates": candidates})

    server = ChatServer(responder=reverse_shortlist).start()
    try:
        out = tmp_path / "figures.json"
        code = main(
            [
                "--task",
                "identification",
                "--endpoint",
                server.url,
                "--limit",
                "2",
                "--json",
                str(out),
            ]
        )
    finally:
        server.stop()
    assert code == 0
    printed = capsys.readouterr().out
    assert "| nexus | llm | 2 |" in printed and "risk-identification/v1" in printed
    result = json.loads(out.read_text())["identification"]
    assert len(server.requests) == 6  # 2 cases in each of the 3 gold sets
    assert result["llm"]["host"] == server.host
    for figures in result["sets"].values():
        assert figures["llm"]["cases"] == 2 and "failed_calls" not in figures["llm"]
        assert 0.0 <= figures["llm"]["mrr"] <= 1.0
    assert result["sets"]["nexus"]["llm"] != result["sets"]["nexus"]["baseline"]


def test_assist_md_reports_the_baseline_as_measured() -> None:
    from benchmarks.assist.identification import baseline_ranking, evaluate, markdown

    doc = (Path(__file__).parents[2] / "benchmarks" / "ASSIST.md").read_text(encoding="utf-8")
    sets = {
        g.name: evaluate(g, {"baseline": baseline_ranking}, None)
        for g in (finos_set(), nexus_set())
    }
    for line in markdown({"sets": sets, "shortlist": 15}).splitlines():
        if line.startswith(("| finos | baseline", "| nexus | baseline")):
            assert line in doc, f"benchmarks/ASSIST.md is out of date: {line}"
