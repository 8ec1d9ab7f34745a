"""The thread-side data functions on their own: details and links, link choices, summaries."""

from __future__ import annotations

from riskgraph.model.entities import Evidence
from riskgraph.register import Register
from riskgraph.results import ResultKind
from riskgraph.tui.data.editing import EDITABLE, choices_for, form_fields, load_choices
from riskgraph.tui.data.query import ResultTable
from riskgraph.views.detail import load_detail
from riskgraph.vocab import ISO42001


def test_detail_of_a_catalogue_objective_lists_its_controls_as_narrower(
    example: Register,
) -> None:
    detail = load_detail(example, ISO42001 + "A.6.2", frozenset(EDITABLE))
    assert detail.node.key == "A.6.2" and detail.node.kind == "Annex A objective"
    narrower = [link.node.key for link in detail.incoming() if link.relation == "narrower"]
    assert "A.6.2.4" in narrower and not detail.editable


def test_detail_of_a_risk_has_levels_and_links_both_ways(example: Register) -> None:
    detail = load_detail(example, example.base_iri + "R-001", frozenset(EDITABLE))
    fields = {field.name: field.value for field in detail.fields}
    assert fields["inherent level"] == "high" and fields["current level"] == "moderate"
    assert fields["appetite"] == "moderate (current level within appetite)"
    assert ("treats", "T-001") in {(link.relation, link.node.key) for link in detail.incoming()}
    assert ("affects", "SYS-CREDIT") in {
        (link.relation, link.node.key) for link in detail.outgoing()
    }
    assert detail.editable


def test_evidence_supports_controls_and_clauses_only(example: Register) -> None:
    types, choices = load_choices(example)
    supports = next(f for f in form_fields(Evidence) if f.name == "supports")
    offered = choices_for(supports, types, choices)
    kinds = {choice.kind for choice in offered}
    assert "control" in kinds and any(choice.catalogue for choice in offered)
    assert "risk" not in kinds and "person" not in kinds


def test_result_summaries() -> None:
    rows: list[tuple[str, ...]] = [("a",), ("b",), ("c",)]
    assert ResultTable(ResultKind.SELECT, ["x"], rows, 3, 0.1).summary() == "showing 3 rows"
    truncated = ResultTable(ResultKind.SELECT, ["x"], rows, 1200, 0.1, truncated=True)
    assert truncated.summary() == "showing 3 of 1,200 rows"
    unknown = ResultTable(ResultKind.GRAPH, ["s"], rows, None, 2.5, truncated=True)
    assert unknown.summary() == "showing 3 of more than 3 triples in 2.5 s"
