"""YAML and JSON register data: entity lists under kind names, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_support import BASE, content, register_graph

from riskgraph.errors import InputError, InputErrors
from riskgraph.io.importer import import_file
from riskgraph.register import Register
from riskgraph.vocab import RG

YAML = """\
systems:
  - id: SYS-1
    title: Chatbot
    lifecycle_stage: operation
risks:
  - id: R-1
    title: Hallucinated advice
    likelihood: 3
    severity: 4
    affects: [SYS-1]
    review_due: 2027-01-31
  - id: R-2
    title: Prompt injection
    likelihood: 2
    severity: 2
    affects: SYS-1
soa:
  - {id: SOA-1, title: Impact assessment, annex_a: A.5.2, applicable: no, justification: n/a}
"""


def test_yaml_import(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "data.yaml"
    path.write_text(YAML, encoding="utf-8")
    report = import_file(empty, path)
    assert sorted(report.plan.added) == ["R-1", "R-2", "SOA-1", "SYS-1"]
    quads = register_graph(empty)
    assert any(
        q.subject.value == BASE + "SOA-1"
        and q.predicate.value == RG + "applicable"
        and q.object.value == "false"
        for q in quads
    )


def test_json_import(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(
        '{"risks": [{"id": "R-1", "title": "Bias", "likelihood": 1, "severity": 2,'
        ' "catalogue_entry": true}]}',
        encoding="utf-8",
    )
    assert import_file(empty, path).plan.added == ["R-1"]


def test_yaml_errors_carry_line_and_field(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(YAML.replace("likelihood: 2", "likelihood: very"), encoding="utf-8")
    before = content(empty)
    with pytest.raises(InputErrors) as caught:
        import_file(empty, path)
    (error,) = caught.value.errors
    assert error.location.line == 12 and error.location.column == "risks[1].likelihood"
    assert error.value == "very"
    assert content(empty) == before


def test_json_errors_carry_line_and_field(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"risks": [\n  {"id": "R-1", "title": "", "likelihood": 1, "severity": 2}\n]}')
    with pytest.raises(InputErrors) as caught:
        import_file(empty, path)
    (error,) = caught.value.errors
    assert error.location.line == 2 and error.location.column == "risks[0].title"


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("a.yaml", "risks:\n  - id: R-1\n   title: x\n", "not valid YAML", 3),
        ("b.json", '{"risks": [\n}', "not valid JSON", 2),
        ("c.yaml", "- just\n- a list\n", "not a mapping of kinds", 1),
        ("d.yaml", "gadgets:\n  - id: G-1\n", "not a kind of entity", 1),
        ("e.yaml", "risks: R-1\n", "must hold a list", 1),
    ],
)
def test_malformed_documents(
    empty: Register, tmp_path: Path, name: str, text: str, message: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        import_file(empty, path)
    assert caught.value.location.line == line


def test_unknown_fields_are_named(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("risks:\n  - {id: R-1, title: x, likelihood: 1, severity: 1, colour: red}\n")
    with pytest.raises(InputErrors, match="'colour' is not a field of a risk"):
        import_file(empty, path)
