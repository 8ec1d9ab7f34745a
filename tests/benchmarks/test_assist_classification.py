"""The classification harness: the gold set from OMB's inventory, the held-out baseline, and the
LLM path against a real chat-completions server on 127.0.0.1 (never a mocked SDK)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.assist import classification
from benchmarks.assist.__main__ import main
from riskgraph.assistant.classify import AI_ACT_CLASSIFICATION, parse_classification
from riskgraph.assistant.prompts import PromptTemplate
from riskgraph.assistant.protocol import ModelCallError
from riskgraph.model.ai_act import AIActCategory, AIActLevel
from tests.assistant.chat_server import ChatServer, error, json_answer
from tests.conftest import REFERENCE

INVENTORY = REFERENCE / classification.DATASET / classification.INVENTORY
needs_inventory = pytest.mark.skipif(not INVENTORY.exists(), reason=f"{INVENTORY} not found")


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer().start()
    yield server
    server.stop()


def test_scores_on_a_worked_example() -> None:
    figures = classification.scores(
        [True, True, False, False, True], [True, False, True, False, True]
    )
    assert (figures["tp"], figures["fp"], figures["fn"], figures["tn"]) == (2, 1, 1, 1)
    assert figures["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert classification.scores([False], [False])["f1"] == 0.0


@needs_inventory
def test_the_gold_set_has_the_published_counts_and_no_label_leak() -> None:
    cases = classification.load_cases()
    assert len(cases) == 445 + 2630
    assert sum(c.high for c in cases) == 445
    assert not {"HI_justification", "hi_testing_conducted"} & set(classification.TEXT_FIELDS)
    train, test = classification.split(cases)
    assert not {id(c) for c in train} & {id(c) for c in test}
    assert len(test) == 923 and len(train) + len(test) == len(cases)  # ceil(30 % of 3075)
    assert classification.split(cases)[1] == test  # fixed seed: the same split every run


@needs_inventory
def test_baseline_figures_print_through_the_harness(tmp_path: Path, capsys) -> None:
    out = tmp_path / "result.json"
    assert main(["--task", "classification", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "## Classification" in printed and "| baseline | 923 |" in printed
    figures = json.loads(out.read_text())["classification"]["baseline"]
    assert figures["cases"] == 923
    assert 0.5 < figures["f1"] <= 1.0
    assert figures["tp"] + figures["fn"] == 134


@needs_inventory
def test_llm_path_against_a_loopback_server(chat_server: ChatServer) -> None:
    chat_server.script(
        json_answer(
            {
                "level": "high",
                "categories": ["annex-iii-5-b"],
                "roles": [],
                "rationale": "Scores natural persons for benefits (Annex III 5(b)).",
            }
        ),
        json_answer({"level": "minimal", "categories": [], "roles": [], "rationale": "Internal."}),
        error(400, "bad request"),
    )
    result = classification.run(endpoint=chat_server.url, limit=3)
    llm = result["llm"]
    assert llm["failed_calls"] == 1 and llm["cases"] == 2
    assert llm["template"] == "ai-act-classification/v1"
    assert llm["template_hash"] == PromptTemplate.load(*AI_ACT_CLASSIFICATION).sha256
    assert result["baseline"]["cases"] == 3
    sent = chat_server.requests[0].body
    user = sent["messages"][1]["content"]
    test_case = classification.split(classification.load_cases())[1][0]
    assert test_case.title in user or json.dumps(test_case.title)[1:-1] in user
    assert "<register_data>" in user
    assert "## Classification" in classification.markdown(result)


def test_answers_are_grounded() -> None:
    draft = parse_classification(
        json.dumps(
            {
                "level": "high",
                "categories": ["annex-iii-4-a", "annex-iii-99", "art-5-1-a"],
                "roles": ["deployer", "owner"],
                "rationale": "Recruitment.",
            }
        )
    )
    assert draft.level is AIActLevel.HIGH and draft.high_risk
    assert draft.categories == [AIActCategory.ANNEX_III_4_A]
    assert [r.value for r in draft.roles] == ["deployer"]
    assert any("annex-iii-99" in f for f in draft.flags)
    assert any("art-5-1-a implies prohibited" in f for f in draft.flags)
    assert any("'owner'" in f for f in draft.flags)
    bare = parse_classification('{"level": "prohibited", "categories": [], "roles": []}')
    assert any("no known point" in f for f in bare.flags)
    for bad in ("not json", "[]", '{"level": "severe"}'):
        with pytest.raises(ModelCallError):
            parse_classification(bad)
