"""Mapping files: validation with file/line/key errors, and every rule at work on real rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_support import BASE, content, fill, register_graph

from riskgraph.errors import InputError, InputErrors, UserError
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.io.mapping import load_mapping
from riskgraph.model.entities import AISystem
from riskgraph.register import Register
from riskgraph.vocab import DCTERMS, RG

SHEET = """\
Quarterly risk log,,,,,
Owner: risk office,,,,,
Ref,Risk,Level,Impact,Systems,Status
7,Model drift,Very high,4,SYS-1; SYS-2,open
8,Bias,medium,2,SYS-1,open
,Unnumbered,Low,1,SYS-2,open
9,Retired one,Low,1,SYS-1,closed
"""


def _files(tmp_path: Path, mapping: str, sheet: str = SHEET) -> tuple[Path, Path]:
    data = tmp_path / "log.csv"
    data.write_text(sheet, encoding="utf-8")
    rules = tmp_path / "map.yaml"
    rules.write_text(mapping, encoding="utf-8")
    return data, rules


MAPPING = """\
kind: risk
include:
  Status: [open]
fields:
  id: {template: ["LOG-{Ref}", "LOG-ROW{_row}"]}
  title: Risk
  likelihood:
    column: Level
    map: {Very high: 5, High: 4, Medium: 3, Low: 1}
  severity: Impact
  affects: {column: Systems, split: ";"}
  category: {value: operational}
"""


@pytest.fixture
def systems() -> Register:
    register = Register.in_memory()
    register.config.general.base_iri = BASE
    fill(register, [AISystem(id="SYS-1", title="One"), AISystem(id="SYS-2", title="Two")])
    return register


def _values(register: Register, entity_id: str, predicate: str) -> list[str]:
    return sorted(
        q.object.value
        for q in register_graph(register)
        if q.subject.value == BASE + entity_id and q.predicate.value == predicate
    )


def test_mapping_rules(systems: Register, tmp_path: Path) -> None:
    data, rules = _files(tmp_path, MAPPING)
    report = import_file(systems, data, ImportOptions(mapping=rules))
    assert sorted(report.plan.added) == ["LOG-7", "LOG-8", "LOG-ROW6"]
    assert report.read.filtered == 1  # the closed row
    assert report.read.notes == ["1 row(s) took id from template 'LOG-ROW{_row}'"]
    assert _values(systems, "LOG-7", RG + "likelihood") == ["5"]
    assert _values(systems, "LOG-8", RG + "likelihood") == ["3"]  # 'medium' matched 'Medium'
    assert _values(systems, "LOG-7", RG + "affects") == [BASE + "SYS-1", BASE + "SYS-2"]
    assert _values(systems, "LOG-ROW6", RG + "category") == ["operational"]


def test_unmapped_values_are_bad_rows_unless_kept_or_blanked(
    systems: Register, tmp_path: Path
) -> None:
    data, rules = _files(tmp_path, MAPPING, SHEET.replace("Very high", "Catastrophic"))
    with pytest.raises(InputErrors) as caught:
        import_file(systems, data, ImportOptions(mapping=rules))
    (error,) = caught.value.errors
    assert (error.location.row, error.location.column, error.value) == (4, "Level", "Catastrophic")
    assert "'Very high'" in str(error.expected)
    data, rules = _files(
        tmp_path,
        MAPPING.replace("map: {", "unmapped: blank\n    default: 2\n    map: {"),
        SHEET.replace("Very high", "Catastrophic"),
    )
    import_file(systems, data, ImportOptions(mapping=rules))
    assert _values(systems, "LOG-7", RG + "likelihood") == ["2"]  # blank, so the default
    data, rules = _files(
        tmp_path,
        MAPPING.replace("map: {", "unmapped: keep\n    map: {"),
        SHEET.replace("Very high", "4"),
    )
    import_file(systems, data, ImportOptions(mapping=rules))
    assert _values(systems, "LOG-7", RG + "likelihood") == ["4"]  # kept as it was


def test_default_links_are_checked_against_the_register(systems: Register, tmp_path: Path) -> None:
    linked = MAPPING.replace(
        'affects: {column: Systems, split: ";"}', "affects: {value: [SYS-1, SYS-9]}"
    )
    data, rules = _files(tmp_path, linked)
    before = content(systems)
    with pytest.raises(InputErrors) as caught:
        import_file(systems, data, ImportOptions(mapping=rules))
    assert len(caught.value.errors) == 3
    assert all(
        e.value == "SYS-9" and e.location.column == "(constant in the mapping)"
        for e in caught.value.errors
    )
    assert content(systems) == before


def test_slug_turns_forbidden_characters_into_dashes(systems: Register, tmp_path: Path) -> None:
    sheet = "Ref,Risk,Level,Impact\nAB – 3,Dash,Low,1\n"
    mapping = (
        "kind: risk\nfields:\n  id: {column: Ref, slug: true}\n  title: Risk\n"
        "  likelihood: {column: Level, map: {Low: 1}}\n  severity: Impact\n"
        "  affects: {value: [SYS-1]}\n"
    )
    data, rules = _files(tmp_path, mapping, sheet)
    assert import_file(systems, data, ImportOptions(mapping=rules)).plan.added == ["AB-3"]
    assert _values(systems, "AB-3", DCTERMS + "title") == ["Dash"]


def test_missing_columns_are_named(systems: Register, tmp_path: Path) -> None:
    data, rules = _files(tmp_path, MAPPING.replace("title: Risk", "title: Risk name"))
    with pytest.raises(InputError, match="missing 'Risk name'") as caught:
        import_file(systems, data, ImportOptions(mapping=rules))
    assert caught.value.location.file == str(data)


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        (MAPPING.replace("kind: risk", "kind: gadget"), 1, "kind", "not a kind of entity"),
        (
            MAPPING.replace("  title: Risk\n", "  title: Risk\n  colour: Red\n"),
            7,
            "fields",
            "'colour' is not a field of a risk",
        ),
        (MAPPING.replace("  severity: Impact\n", ""), 4, "fields", "needs severity"),
        (
            MAPPING.replace("title: Risk", "title: {column: Risk, value: x}"),
            6,
            "fields.title",
            "exactly one of column, template or value",
        ),
        ("kind: risk\nheader_row: 40\nfields: {}\n", 2, "header_row", "from 1 to 20"),
        ("kind: risk\nsheet: [\n", 3, None, "not valid YAML"),
        (
            "kind: risk\nfields:\n  title: {columns: Risk}\n",
            3,
            "fields.title.columns",
            "Extra inputs",
        ),
    ],
)
def test_mapping_file_errors_name_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str | None, message: str
) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError if key in ("kind", None) else InputErrors) as caught:
        load_mapping(path)
    errors = caught.value.errors if isinstance(caught.value, InputErrors) else [caught.value]
    error = next(e for e in errors if message in e.problem)
    assert error.location.file == str(path)
    assert error.location.line == line
    assert error.location.column == key


def test_mapping_options_that_do_not_fit(systems: Register, tmp_path: Path) -> None:
    data, rules = _files(tmp_path, MAPPING)
    with pytest.raises(UserError, match="not both"):
        import_file(systems, data, ImportOptions(mapping=rules, kind="risk"))
    turtle = tmp_path / "x.ttl"
    turtle.write_text("")
    with pytest.raises(UserError, match="a mapping is for CSV and XLSX"):
        import_file(systems, turtle, ImportOptions(mapping=rules))


def test_an_explicit_header_row(systems: Register, tmp_path: Path) -> None:
    data, rules = _files(tmp_path, "header_row: 3\n" + MAPPING)
    assert len(import_file(systems, data, ImportOptions(mapping=rules)).plan.added) == 3
    data, rules = _files(tmp_path, "header_row: 2\n" + MAPPING)
    with pytest.raises(InputError, match="in row 2; missing 'Ref', 'Risk'"):
        import_file(systems, data, ImportOptions(mapping=rules))
