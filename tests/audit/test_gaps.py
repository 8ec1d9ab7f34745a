"""riskgraph gaps on the Harbourline example: exact answers, every format, golden files, exit codes.

EXPECTED_GAPS.md is the ground truth for 2026-11-22 with a moderate appetite. Each test checks
the report against the sections parsed from that file and against explicit ID lists, so that a
drift in either is caught. Commands run in-process through ``riskgraph.cli.main`` (the error
boundary users get) on registers on disk.

Golden files (tests/audit/golden/) hold the JSON, Markdown and CSV reports with the time and the
register hash replaced by placeholders. After an intended change, regenerate and review:

    RISKGRAPH_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/audit/test_gaps.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_run import run

from riskgraph.analysis.gaps import RULE_ORDER, json_schema, run_gaps
from riskgraph.queries import GAPS_TAG, builtin_queries
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register

TODAY = "2026-11-22"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1"
EXPECTED_GAPS = Path(__file__).parents[2] / "examples" / "harbourline" / "EXPECTED_GAPS.md"
ORGANISATION_WIDE = [
    "annex-a-controls-not-implemented",
    "clauses-without-evidence",
    "controls-mitigating-nothing",
]

# The answers for the whole register, written out (EXPECTED_GAPS.md says the same; a test checks).
WHOLE_REGISTER: dict[str, list[str]] = {
    "annex-a-controls-not-implemented": [
        "A.2.3",
        "A.4.2",
        "A.4.3",
        "A.5.5",
        "A.6.1.2",
        "A.6.2.3",
        "A.8.3",
        "A.8.4",
    ],
    "clauses-without-evidence": ["4.2", "6.3", "7.2", "7.3", "9.3.3", "10.1"],
    "risks-above-appetite-without-approved-treatment": [
        "R-006",
        "R-008",
        "R-014",
        "R-019",
        "R-023",
        "R-046",
    ],
    "risks-above-appetite-without-controls": ["R-008", "R-019", "R-046"],
    "controls-without-owner": ["C-022"],
    "controls-without-evidence": ["C-020"],
    "controls-with-only-expired-evidence": ["C-012"],
    "systems-without-impact-assessment": ["SYS-CODE", "SYS-DEMAND"],
    "overdue-reviews": [
        "R-008",
        "R-026",
        "R-004",
        "T-004",
        "R-019",
        "SYS-CV",
        "T-029",
        "R-031",
        "SYS-DEMAND",
        "R-044",
    ],
    "controls-mitigating-nothing": ["C-041"],
    "open-findings-without-corrective-action": ["F-002"],
    "systems-without-ai-act-classification": ["SYS-CV"],
    "high-risk-systems-without-ai-act-controls": ["SYS-CREDIT", "SYS-TRIAGE"],
    "accepted-risks-changed-since-acceptance": ["ACC-003"],
    "expired-risk-acceptances": ["ACC-002"],
    "controls-never-tested": ["C-030"],
    "control-tests-overdue": ["TP-002"],
    "failed-control-tests-without-corrective-action": ["CT-003"],
    "risks-realised-with-untested-controls": ["R-010", "R-017", "R-021"],
    "nonconformity-incidents-without-corrective-action": ["INC-002"],
}

# SYS-FRAUD: risks R-017 to R-021 (and, shared); C-020 and C-022 mitigate its risks;
# F-002 concerns C-022. It has an impact assessment (IA-FRAUD).
FRAUD_SYSTEM: dict[str, list[str]] = {
    "risks-above-appetite-without-approved-treatment": ["R-019"],
    "risks-above-appetite-without-controls": ["R-019"],
    "controls-without-owner": ["C-022"],
    "controls-without-evidence": ["C-020"],
    "controls-with-only-expired-evidence": [],
    "systems-without-impact-assessment": [],
    "overdue-reviews": ["R-019", "R-031", "R-044"],
    "open-findings-without-corrective-action": ["F-002"],
    "systems-without-ai-act-classification": [],
    "high-risk-systems-without-ai-act-controls": [],
    "accepted-risks-changed-since-acceptance": [],
    "expired-risk-acceptances": [],
    "controls-never-tested": [],
    "control-tests-overdue": ["TP-002"],
    "failed-control-tests-without-corrective-action": [],
    "risks-realised-with-untested-controls": ["R-017", "R-021"],
    "nonconformity-incidents-without-corrective-action": ["INC-002"],
}
CODE_SYSTEM: dict[str, list[str]] = {
    "risks-above-appetite-without-approved-treatment": ["R-046"],
    "risks-above-appetite-without-controls": ["R-046"],
    "controls-without-owner": [],
    "controls-without-evidence": [],
    "controls-with-only-expired-evidence": [],
    "systems-without-impact-assessment": ["SYS-CODE"],
    "overdue-reviews": [],
    "open-findings-without-corrective-action": [],
    "systems-without-ai-act-classification": [],
    "high-risk-systems-without-ai-act-controls": [],
    "accepted-risks-changed-since-acceptance": [],
    "expired-risk-acceptances": [],
    "controls-never-tested": [],
    "control-tests-overdue": [],
    "failed-control-tests-without-corrective-action": [],
    "risks-realised-with-untested-controls": [],
    "nonconformity-incidents-without-corrective-action": [],
}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Harbourline example on disk, shared by the tests that only read it."""
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("gaps") / "example"
    init_register(folder, with_example=True)
    return folder


def expected_sections() -> dict[str, list[str]]:
    """EXPECTED_GAPS.md as section key -> IDs (its format: ### `key`, then - `ID` bullets)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in EXPECTED_GAPS.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^### `([^`]+)`", line):
            current = sections.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            current = None
        elif current is not None and (bullet := re.match(r"^- `([^`]+)`", line)):
            current.append(bullet.group(1))
    return sections


def item_ids(rule: dict[str, Any]) -> list[str]:
    """The ID (or ISO reference) of each item of a rule in the JSON form."""
    return [item["values"].get("id") or item["values"]["ref"] for item in rule["items"]]


def gaps_json(folder: Path, *extra: str) -> dict[str, Any]:
    done = run("gaps", "-r", str(folder), "--today", TODAY, "--format", "json", *extra)
    assert done.code == 0, done.err
    report: dict[str, Any] = json.loads(done.out)
    return report


# --- exact answers ---------------------------------------------------------------------------


def test_the_written_lists_agree_with_expected_gaps_md() -> None:
    sections = expected_sections()
    for name, ids in WHOLE_REGISTER.items():
        assert sections[name] == ids, name


def test_every_gap_rule_answers_as_expected_gaps_md_says(example: Path) -> None:
    report = gaps_json(example)
    sections = expected_sections()
    assert [rule["name"] for rule in report["rules"]] == list(RULE_ORDER)
    for rule in report["rules"]:
        assert item_ids(rule) == sections[rule["name"]], rule["name"]
        assert item_ids(rule) == WHOLE_REGISTER[rule["name"]], rule["name"]
        assert rule["count"] == len(rule["items"])
    assert report["summary"] == {
        "rules": 20,
        "rules_with_gaps": 20,
        "gaps": 52,
        "by_rule": {name: len(ids) for name, ids in WHOLE_REGISTER.items()},
    }
    assert report["omitted_rules"] == []
    assert report["system"] is None
    assert report["today"] == TODAY
    assert report["appetite"] == {"level": "moderate", "rank": 4}


def test_items_carry_the_iri_and_display_values(example: Path) -> None:
    report = gaps_json(example)
    rules = {rule["name"]: rule for rule in report["rules"]}
    base = "https://harbourline.example/ai-register/"
    owner = rules["controls-without-owner"]
    assert owner["columns"] == ["id", "title", "status"]
    assert owner["items"][0]["iri"] == base + "C-022"
    assert owner["items"][0]["values"]["status"] == "implemented"
    annex = rules["annex-a-controls-not-implemented"]["items"][0]
    assert annex["iri"] == "https://w3id.org/riskgraph/iso42001/A.2.3"
    assert annex["values"]["objective_ref"] == "A.2"
    expired = rules["controls-with-only-expired-evidence"]["items"][0]["values"]
    assert expired["last_expired"] == "2026-06-30"
    overdue = rules["overdue-reviews"]["items"]
    assert [(i["values"]["kind"], i["values"]["review_due"]) for i in overdue[:2]] == [
        ("risk", "2026-06-30"),
        ("risk", "2026-08-31"),
    ]
    treatment = next(i for i in overdue if i["values"]["id"] == "T-004")
    assert treatment["values"]["risk_id"] == "R-004"
    # Judged on the current level: R-006 is very high before treatment, high after.
    levels = [i["values"]["current_level"] for i in rules[RULE_ORDER[2]]["items"]]
    assert levels == ["high", "high", "high", "high", "high", "high"]


@pytest.mark.parametrize(
    ("system", "expected"), [("SYS-FRAUD", FRAUD_SYSTEM), ("SYS-CODE", CODE_SYSTEM)]
)
def test_system_scope(example: Path, system: str, expected: dict[str, list[str]]) -> None:
    report = gaps_json(example, "--system", system)
    assert report["system"] == system
    assert report["omitted_rules"] == ORGANISATION_WIDE
    found = {rule["name"]: item_ids(rule) for rule in report["rules"]}
    assert found == expected
    assert list(found) == [name for name in RULE_ORDER if name not in ORGANISATION_WIDE]
    for name, ids in found.items():  # a system's gaps are a part of the register's, in order
        whole = WHOLE_REGISTER[name]
        assert ids == [i for i in whole if i in ids], name


def test_today_is_what_dates_are_judged_on(example: Path) -> None:
    # R-023's review is due on 2026-11-22 itself: overdue only from the next day.
    later = gaps_json(example, "--today", "2026-11-23")
    overdue = next(r for r in later["rules"] if r["name"] == "overdue-reviews")
    assert "R-023" in item_ids(overdue)
    assert "R-023" not in WHOLE_REGISTER["overdue-reviews"]


def test_appetite_comes_from_the_register_config(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_RISK__APPETITE", "high")
    report = gaps_json(example)
    assert report["appetite"] == {"level": "high", "rank": 5}
    rules = {rule["name"]: item_ids(rule) for rule in report["rules"]}
    # R-006 is very high before treatment but high after it: within a high appetite, because
    # "above appetite" is judged on the current level (residual where scored).
    assert rules["risks-above-appetite-without-approved-treatment"] == []
    assert rules["risks-above-appetite-without-controls"] == []
    monkeypatch.setenv("RISKGRAPH_RISK__APPETITE", "low")
    report = gaps_json(example)
    rules = {rule["name"]: item_ids(rule) for rule in report["rules"]}
    assert set(rules["risks-above-appetite-without-controls"]) > {"R-008", "R-019", "R-046"}


def test_python_api_gives_the_same_report(example: Path) -> None:
    register = Register.open(example)
    with register.reader() as store:
        report = run_gaps(register, store, today=date(2026, 11, 22))
    assert report.summary() == {name: len(ids) for name, ids in WHOLE_REGISTER.items()}
    assert [rule.name for rule in report.rules] == list(RULE_ORDER)
    assert report.register_name == "Harbourline Group AI risk register (example)"
    assert report.generated_at.tzinfo is not None and report.appetite == "moderate"
    risks = report.rule("risks-above-appetite-without-controls")
    assert [row["id"] for row in risks.rows] == WHOLE_REGISTER[risks.name]
    assert risks.count == 3 and len(risks.iris) == 3
    assert report.to_json()["register"]["sha256"] == report.register_sha256


def test_every_built_in_gap_query_is_a_rule_in_the_documented_order() -> None:
    tagged = {q.name for q in builtin_queries().values() if GAPS_TAG in q.tags}
    assert tagged == set(RULE_ORDER)


# --- errors and exit codes ---------------------------------------------------------------------


def test_gaps_are_findings_not_errors(example: Path) -> None:
    assert run("gaps", "-r", str(example), "--today", TODAY).code == 0
    failing = run("gaps", "-r", str(example), "--today", TODAY, "--fail-on-gaps", "-f", "json")
    assert failing.code == 1
    assert json.loads(failing.out)["summary"]["gaps"] == 52  # the report is still written
    # SYS-DRAFTING has no gap at all: --fail-on-gaps passes.
    clean = run(
        "gaps", "-r", str(example), "--today", TODAY, "-s", "SYS-DRAFTING", "--fail-on-gaps"
    )
    assert clean.code == 0, clean.out + clean.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system", "SYS-NOPE"], "no AI system with that ID"),
        (["--system", "R-001"], "no AI system with that ID"),
        (["--today", "22/11/2026"], "--today is not a date"),
        (["--format", "pdf"], "the gap report cannot be written as 'pdf'"),
    ],
)
def test_mistakes_exit_2_with_a_clear_message(example: Path, args: list[str], message: str) -> None:
    done = run("gaps", "-r", str(example), *args)
    assert done.code == 2
    assert message in done.err
    assert "Traceback" not in done.err + done.out


# --- formats -----------------------------------------------------------------------------------


def _check(instance: Any, schema: dict[str, Any], where: str = "$") -> None:
    """A small JSON Schema checker for the keywords gaps_schema.json uses (no extra dependency).

    It fails on any keyword it does not know, so the schema cannot outgrow the check unnoticed.
    """
    known = {
        "$schema", "$id", "title", "description", "type", "const", "enum", "pattern",
        "minimum", "maximum", "required", "properties", "additionalProperties", "items",
    }  # fmt: skip
    assert set(schema) <= known, f"{where}: unsupported keywords {set(schema) - known}"
    types = {
        "string": str, "integer": int, "object": dict, "array": list, "null": type(None),
    }  # fmt: skip
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(instance, types[t]) and not (t == "integer" and isinstance(instance, bool))
            for t in allowed
        )
        assert ok, f"{where}: {instance!r} is not of type {allowed}"
    if "const" in schema:
        assert instance == schema["const"], f"{where}: {instance!r} != {schema['const']!r}"
    if "enum" in schema:
        assert instance in schema["enum"], f"{where}: {instance!r} not in {schema['enum']}"
    if "pattern" in schema:
        assert re.search(schema["pattern"], instance), f"{where}: {instance!r} does not match"
    if "minimum" in schema:
        assert instance >= schema["minimum"], where
    if "maximum" in schema:
        assert instance <= schema["maximum"], where
    if isinstance(instance, dict):
        for key in schema.get("required", []):
            assert key in instance, f"{where}: {key!r} is missing"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, value in instance.items():
            if key in properties:
                _check(value, properties[key], f"{where}.{key}")
            elif extra is False:
                raise AssertionError(f"{where}: unexpected key {key!r}")
            elif isinstance(extra, dict):
                _check(value, extra, f"{where}.{key}")
    if isinstance(instance, list) and "items" in schema:
        for index, value in enumerate(instance):
            _check(value, schema["items"], f"{where}[{index}]")


def validate(document: Any) -> None:
    """Against gaps_schema.json: with jsonschema when it is installed, and always with _check."""
    schema = json_schema()
    try:
        import jsonschema
    except ImportError:
        pass
    else:
        jsonschema.validate(document, schema)
    _check(document, schema)


def test_json_validates_against_the_documented_schema(example: Path) -> None:
    validate(gaps_json(example))
    validate(gaps_json(example, "--system", "SYS-CODE"))


def test_the_schema_check_rejects_broken_documents(example: Path) -> None:
    report = gaps_json(example)
    broken = [
        {**report, "schema_version": 2},
        {**report, "surprise": True},
        {**report, "today": "22/11/2026"},
        {**report, "rules": [{**report["rules"][0], "count": "8"}]},
        {k: v for k, v in report.items() if k != "summary"},
    ]
    for document in broken:
        with pytest.raises(AssertionError):
            _check(document, json_schema())


def test_csv_has_one_row_per_gap(example: Path) -> None:
    done = run("gaps", "-r", str(example), "--today", TODAY, "--format", "csv")
    assert done.code == 0, done.err
    rows = list(csv.DictReader(io.StringIO(done.out, newline="")))
    assert len(rows) == 52
    by_rule: dict[str, list[str]] = {}
    for row in rows:
        by_rule.setdefault(row["rule"], []).append(row["id"] or row["ref"])
    assert by_rule == WHOLE_REGISTER
    first = rows[0]
    assert first["item"] == "https://w3id.org/riskgraph/iso42001/A.2.3"
    assert first["heading"] and first["id"] == ""
    header = next(csv.reader(io.StringIO(done.out)))
    assert header[:4] == ["rule", "item", "ref", "heading"]
    assert len(header) == len(set(header))


def test_markdown_starts_with_the_summary_table(example: Path) -> None:
    done = run("gaps", "-r", str(example), "--today", TODAY, "--format", "md")
    assert done.code == 0, done.err
    text = done.out
    summary = text.index("## Summary")
    assert summary < text.index("## Annex A controls with no implemented control")
    for name, ids in WHOLE_REGISTER.items():
        assert re.search(rf"\(`{re.escape(name)}`\) \| {len(ids)} \|", text), name
    assert "| **Total** | **52** |" in text
    assert "| C-022 | Investigator training on what fraud scores mean | implemented |" in text


def test_table_shows_the_summary_then_the_items(example: Path) -> None:
    done = run("gaps", "-r", str(example), "--today", TODAY)
    assert done.code == 0, done.err
    assert done.out.index("Summary") < done.out.index("C-022")
    assert "Harbourline" in done.out and "appetite moderate" in done.out
    for rule_id in ("A.8.4", "10.1", "R-046", "C-041", "F-002", "SYS-DEMAND", "T-029"):
        assert rule_id in done.out


@pytest.mark.parametrize(
    ("file_name", "looks_like"),
    [("gaps.json", '"schema_version": 1'), ("gaps.md", "## Summary"), ("gaps.csv", "rule,item")],
)
def test_output_file_format_follows_the_extension(
    example: Path, tmp_path: Path, file_name: str, looks_like: str
) -> None:
    target = tmp_path / file_name
    done = run("gaps", "-r", str(example), "--today", TODAY, "-o", str(target))
    assert done.code == 0, done.err
    assert done.out == ""
    assert looks_like in target.read_text(encoding="utf-8")
    assert "52 gap(s)" in done.err


# --- golden files ------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """The report with its time and register hash replaced (they change from run to run)."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "<generated_at>", text)
    return re.sub(r"\b[0-9a-f]{64}\b", "<register_sha256>", text)


@pytest.mark.parametrize(
    ("fmt", "golden", "extra"),
    [
        ("json", "example-gaps.json", []),
        ("md", "example-gaps.md", []),
        ("csv", "example-gaps.csv", []),
        ("md", "example-gaps-sys-fraud.md", ["--system", "SYS-FRAUD"]),
    ],
)
def test_golden_reports(example: Path, fmt: str, golden: str, extra: list[str]) -> None:
    done = run("gaps", "-r", str(example), "--today", TODAY, "--format", fmt, *extra)
    assert done.code == 0, done.err
    actual = normalised(done.out)
    path = GOLDEN / golden
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
    assert path.exists(), f"{path} is missing; run with RISKGRAPH_UPDATE_GOLDEN=1"
    assert actual == path.read_bytes().decode("utf-8"), f"{golden} differs"


# --- the register's own gap rules --------------------------------------------------------------

OWN_RULE = """# title: Risks with no owner
# description: Risks nobody has taken on.
# param: system (iri, optional) Only risks affecting this AI system
# tags: gaps, risks
PREFIX rg: <https://w3id.org/riskgraph#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?risk ?id WHERE {
  ?risk a rg:Risk ; dcterms:identifier ?id .
  FILTER NOT EXISTS { ?risk rg:owner ?owner }
  FILTER(!BOUND(?system) || EXISTS { ?risk rg:affects ?system })
}
ORDER BY ?id
"""


@pytest.fixture
def own_example(tmp_path: Path) -> Path:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path / "example"
    init_register(folder, with_example=True)
    return folder


def test_a_register_gap_rule_joins_the_report_after_the_built_ins(own_example: Path) -> None:
    (own_example / "queries" / "risks-without-owner.rq").write_text(OWN_RULE, encoding="utf-8")
    report = gaps_json(own_example)
    assert [rule["name"] for rule in report["rules"]] == [*RULE_ORDER, "risks-without-owner"]
    assert item_ids(report["rules"][-1]) == expected_sections()["risks-without-owner"]
    validate(report)


def test_a_register_rule_replaces_the_built_in_of_the_same_name(own_example: Path) -> None:
    replacement = OWN_RULE.replace("Risks with no owner", "Stricter owner rule")
    (own_example / "queries" / "controls-without-owner.rq").write_text(replacement)
    report = gaps_json(own_example)
    rule = report["rules"][RULE_ORDER.index("controls-without-owner")]
    assert rule["title"] == "Stricter owner rule"
    assert item_ids(rule) == ["R-031"]


def test_a_broken_query_file_stops_the_report_with_its_location(own_example: Path) -> None:
    (own_example / "queries" / "half-written.rq").write_text("# title: x\nSELECT ?x WHERE {")
    done = run("gaps", "-r", str(own_example))
    assert done.code == 2
    assert "half-written.rq" in done.err and "description" in done.err


def test_a_gap_rule_must_be_a_select(own_example: Path) -> None:
    (own_example / "queries" / "odd.rq").write_text(
        "# title: odd\n# description: an ASK tagged gaps\n# tags: gaps\nASK { ?s ?p ?o }\n"
    )
    done = run("gaps", "-r", str(own_example))
    assert done.code == 2
    assert "odd.rq" in done.err and "must be a SELECT" in done.err
