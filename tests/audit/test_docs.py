"""docs/queries.md and docs/gaps-json.md stay in step with the query library, the gap rules and
the JSON Schema: a new query, rule, column or field that the docs do not mention fails here."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskgraph.analysis.gaps import RULE_ORDER, GapReport, json_schema, run_gaps
from riskgraph.cli import app
from riskgraph.queries import GAPS_TAG, builtin_queries
from riskgraph.register import Register

DOCS = Path(__file__).parents[2] / "docs"
QUERIES_DOC = DOCS / "queries.md"
GAPS_DOC = DOCS / "gaps-json.md"


def section(text: str, heading: str) -> str:
    """The text under a Markdown heading, up to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n") + len(heading) + 1
    following = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, start)
    return text[start : following.start() if following else len(text)]


def test_every_built_in_query_is_documented_with_its_title_tags_and_parameters() -> None:
    text = QUERIES_DOC.read_text(encoding="utf-8")
    catalogue = section(text, "## Built-in queries")
    documented = re.findall(r"^### `([^`]+)`$", catalogue, re.MULTILINE)
    assert documented == sorted(builtin_queries()), "docs/queries.md lists other queries"
    for name, query in builtin_queries().items():
        entry = section(catalogue, f"### `{name}`")
        assert f"**{query.title}**" in entry, f"{name}: title"
        assert f"Tags: {', '.join(query.tags)}." in entry, f"{name}: tags"
        for param in query.parameters:
            assert f"`{param.name} ({param.type}" in entry, f"{name}: parameter {param.name}"
        if not query.parameters:
            assert "Parameters: none." in entry, name


@pytest.fixture(scope="module")
def empty_report() -> GapReport:
    register = Register.in_memory()
    with register.reader() as store:
        return run_gaps(register, store, today=date(2026, 11, 22))


def test_every_gap_rule_is_in_the_gaps_doc_in_order_with_its_columns(
    empty_report: GapReport,
) -> None:
    text = GAPS_DOC.read_text(encoding="utf-8")
    table = section(text, "## Gap rules")
    rows = re.findall(r"^\| (\d+) \| `([^`]+)` \| [^|]+ \| ([^|]+) \|$", table, re.MULTILINE)
    assert [name for _, name, _ in rows] == list(RULE_ORDER)
    assert [int(number) for number, _, _ in rows] == list(range(1, len(RULE_ORDER) + 1))
    gap_queries = {name for name, q in builtin_queries().items() if GAPS_TAG in q.tags}
    assert gap_queries == set(RULE_ORDER)
    columns = {rule.name: ", ".join(rule.columns) for rule in empty_report.rules}
    for _, name, documented in rows:
        assert documented.strip() == columns[name], f"{name}: columns"
        assert f"`{name}`" in QUERIES_DOC.read_text(encoding="utf-8")


def test_the_organisation_wide_rules_named_in_the_doc_are_those_without_a_system() -> None:
    text = section(GAPS_DOC.read_text(encoding="utf-8"), "## Gap rules")
    named = re.search(r"Rules without one are organisation-wide \(([\d, and]+) above\)", text)
    assert named is not None
    numbers = [int(n) for n in re.findall(r"\d+", named.group(1))]
    without_system = [
        index + 1
        for index, name in enumerate(RULE_ORDER)
        if not builtin_queries()[name].accepts("system")
    ]
    assert numbers == without_system


def _documented_fields(text: str, heading: str) -> list[str]:
    return re.findall(r"^\| `([^`]+)` \|", section(text, heading), re.MULTILINE)


def test_every_schema_field_is_documented() -> None:
    text = GAPS_DOC.read_text(encoding="utf-8")
    schema = json_schema()
    top = _documented_fields(text, "### Top level")
    expected_top: list[str] = []
    for name, spec in schema["properties"].items():
        if spec.get("type") == "object" and "properties" in spec:
            expected_top += [f"{name}.{inner}" for inner in spec["properties"]]
        else:
            expected_top.append(name)
    assert top == expected_top
    rule_schema = schema["properties"]["rules"]["items"]
    assert _documented_fields(text, "### Rule object") == list(rule_schema["properties"])
    item_schema = rule_schema["properties"]["items"]["items"]
    assert _documented_fields(text, "### Item object") == list(item_schema["properties"])
    assert f'"schema_version": {schema["properties"]["schema_version"]["const"]}' in text


def test_exit_codes_are_documented() -> None:
    gaps = GAPS_DOC.read_text(encoding="utf-8")
    assert "**0**" in gaps and "--fail-on-gaps" in gaps and "**2**" in gaps
    queries = QUERIES_DOC.read_text(encoding="utf-8")
    assert "**0** the result matches" in queries and "**1**" in queries and "**2**" in queries


@pytest.mark.parametrize(
    "command",
    [["gaps"], ["verify"], ["query", "list"], ["query", "show"], ["query", "run"]],
)
def test_every_command_has_help_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.stdout
