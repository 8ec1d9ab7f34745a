"""The MCP draft_mapping tool, driven by the SDK's stdio client: an agent proposes a mapping from a
register entity to a library concept or an Annex A control; it waits, pending, until a named
person accepts it (through the write pipeline) or rejects it with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run
from test_mcp_stdio import calls, connect, error_text, payload

from riskgraph.assistant.mappings import load_mapping_drafts
from riskgraph.library.catalogue import load
from riskgraph.library.crosswalk import read_mappings
from riskgraph.model.entities import DraftStatus
from riskgraph.register import Register
from riskgraph.vocab import ISO42001, REGISTER_GRAPH

LIBRARY_MAPPING = {
    "entity": "R-001",
    "concept": "finos-aigf:ri-16",
    "predicate": "closeMatch",
    "why": "Both describe a model whose outcomes disadvantage protected groups.",
    "confidence": 0.8,
}
ANNEX_MAPPING = {
    "entity": "C-004",
    "concept": "A.6.2.6",
    "predicate": "relatedMatch",
    "why": "Drift monitoring is part of operating and monitoring the AI system.",
}


def _register_links(folder: Path) -> set[tuple[str, str, str]]:
    reg = Register.open(folder)
    with reg.reader() as store:
        return {
            (m.subject.removeprefix(reg.base_iri), m.predicate, m.object)
            for m in read_mappings(store, [REGISTER_GRAPH])
        }


async def test_a_mapping_draft_waits_for_a_named_person(
    example_register_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    load(Register.open(example_register_folder), ["finos-aigf"])
    before = _register_links(example_register_folder)
    async with connect(example_register_folder) as session:
        absent = error_text(await session.call_tool("draft_mapping", {"mapping": LIBRARY_MAPPING}))
    assert "Unknown tool" in absent
    async with connect(example_register_folder, "--allow-drafts") as session:
        listed = {t.name: t for t in (await session.list_tools()).tools}
        to_library = payload(await session.call_tool("draft_mapping", {"mapping": LIBRARY_MAPPING}))
        to_annex = payload(await session.call_tool("draft_mapping", {"mapping": ANNEX_MAPPING}))
        forged = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "status": "accepted"}}
            )
        )
        reviewer = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "reviewer": "P-DMURPHY"}}
            )
        )
        no_entity = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "entity": "R-999"}}
            )
        )
        no_concept = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "concept": "finos-aigf:ri-999"}}
            )
        )
        no_annex = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**ANNEX_MAPPING, "concept": "A.99.1"}}
            )
        )
        bad_predicate = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "predicate": "sameAs"}}
            )
        )
        not_mappable = error_text(
            await session.call_tool(
                "draft_mapping", {"mapping": {**LIBRARY_MAPPING, "entity": "SYS-CREDIT"}}
            )
        )
        approve = error_text(
            await session.call_tool("accept_draft", {"draft": to_library["draft"], "by": "P-LCHEN"})
        )
        edit = error_text(
            await session.call_tool(
                "edit_mapping", {"draft": to_library["draft"], "status": "accepted"}
            )
        )
    tool = listed["draft_mapping"]
    assert tool.annotations and tool.annotations.read_only_hint is False
    assert tool.annotations.destructive_hint is False
    assert to_library["status"] == to_annex["status"] == "pending review"
    assert to_library["target"] == "finos-aigf:ri-16"
    assert to_annex["target"] == "iso42001-annex-a:A.6.2.6"
    assert "Extra inputs are not permitted" in forged and "status" in forged
    assert "Extra inputs are not permitted" in reviewer
    assert "R-999" in no_entity
    assert "no concept with notation 'ri-999'" in no_concept
    assert "'A.99.1' is not an Annex A control" in no_annex
    assert "sameAs" in bad_predicate
    assert "only risks, controls and evidence are mapped" in not_mappable
    assert "Unknown tool" in approve and "Unknown tool" in edit
    # nothing reached the register: the drafts are pending and the links are as they were
    assert _register_links(example_register_folder) == before
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        drafts = {d.id: d for d in load_mapping_drafts(store, reg.base_iri)}
    assert set(drafts) == {to_library["draft"], to_annex["draft"]}
    kept = drafts[to_library["draft"]]
    assert kept.status is DraftStatus.PENDING and kept.method == "mcp"
    assert kept.maker and kept.maker.startswith("MCP client") and kept.request_hash
    assert kept.confidence == 0.8 and kept.predicate == "closeMatch"
    # every call, refused ones included, is in the audit trail with its arguments
    recorded = [c for c in calls(example_register_folder) if c.tool != "list_tools"]
    assert [c.tool for c in recorded].count("draft_mapping") == 10
    assert {c.tool for c in recorded} >= {"accept_draft", "edit_mapping"}
    forged_call = next(c for c in recorded if "accepted" in c.arguments)
    assert json.loads(forged_call.arguments)["mapping"]["status"] == "accepted"
    assert forged_call.outcome.startswith("error: ")

    folder = str(example_register_folder)
    review = run("assist", "review", "-r", folder)
    assert review.code == 0, review.err
    assert "2 pending mapping draft(s)" in review.out
    assert to_library["draft"] in review.out and to_annex["draft"] in review.out
    shown = run("assist", "show", to_library["draft"], "-r", folder)
    assert shown.code == 0, shown.err
    assert "R-001 closeMatch finos-aigf:ri-16" in shown.out

    # a software agent is no reviewer; a person is
    nobody = run("assist", "accept", to_library["draft"], "--by", "SYS-CREDIT", "-r", folder)
    assert nobody.code != 0 and "the reviewer is not a person" in nobody.err
    accepted = run("assist", "accept", to_library["draft"], "--by", "P-DMURPHY", "-r", folder)
    assert accepted.code == 0, accepted.err
    rejected = run(
        "assist",
        "reject",
        to_annex["draft"],
        "--by",
        "P-LCHEN",
        "--reason",
        "monitoring is A.6.2.6 only through C-004's own Annex A links",
        "-r",
        folder,
    )
    assert rejected.code == 0, rejected.err
    again = run("assist", "accept", to_annex["draft"], "--by", "P-LCHEN", "-r", folder)
    assert again.code != 0 and "already rejected by P-LCHEN" in again.err

    links = _register_links(example_register_folder) - before
    concept = "https://w3id.org/riskgraph/library/finos-aigf/ri-16"
    assert links == {("R-001", "closeMatch", concept)}
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        (record,) = [
            m
            for m in read_mappings(store, [REGISTER_GRAPH])
            if m.subject.endswith("/R-001") and m.object.endswith("ri-16")
        ]
        drafts = {d.id: d for d in load_mapping_drafts(store, reg.base_iri)}
    assert record.author == "P-DMURPHY" and record.confidence == 0.8
    assert to_library["draft"] in record.comment
    assert drafts[to_library["draft"]].status is DraftStatus.ACCEPTED
    assert drafts[to_library["draft"]].reviewer == "P-DMURPHY"
    assert drafts[to_library["draft"]].record
    assert drafts[to_annex["draft"]].status is DraftStatus.REJECTED
    assert drafts[to_annex["draft"]].reason
    validate = run("validate", "-r", folder)
    assert validate.code == 0, validate.out + validate.err


async def test_an_accepted_annex_a_mapping_counts_in_coverage(
    example_register_folder: Path,
) -> None:
    async with connect(example_register_folder, "--allow-drafts") as session:
        stored = payload(
            await session.call_tool(
                "draft_mapping", {"mapping": {**ANNEX_MAPPING, "entity": "R-001"}}
            )
        )
    folder = str(example_register_folder)
    accepted = run("assist", "accept", stored["draft"], "--by", "P-LCHEN", "-r", folder)
    assert accepted.code == 0, accepted.err
    links = _register_links(example_register_folder)
    assert ("R-001", "relatedMatch", ISO42001 + "A.6.2.6") in links
    validate = run("validate", "-r", folder)
    assert validate.code == 0, validate.out + validate.err
