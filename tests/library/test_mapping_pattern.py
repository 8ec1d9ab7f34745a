"""Value transforms by pattern in mapping files: FINOS-style Annex A IDs (A-6-2-3) normalise to
riskgraph's (A.6.2.3) without a value map listing every pair."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgraph.errors import InputErrors, UserError
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.io.mapping import FieldRule, load_mapping
from riskgraph.register import Register
from riskgraph.vocab import ISO42001, REGISTER_GRAPH, RG

SHEET = """\
Ref,Control,Annex A
1,Model version pinning,A-6-2-3; A-4-4
2,Output filtering,A-6-2-6
"""
MAPPING = """\
kind: control
fields:
  id: {template: "FIN-{Ref}"}
  title: Control
  addresses:
    column: Annex A
    pattern: "-"
    replace: "."
"""


def _import(tmp_path: Path, mapping: str, sheet: str = SHEET) -> Register:
    (tmp_path / "c.csv").write_text(sheet, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    register = Register.in_memory()
    import_file(register, tmp_path / "c.csv", ImportOptions(mapping=tmp_path / "m.yaml"))
    return register


def _addresses(register: Register, entity_id: str) -> list[str]:
    with register.reader() as store:
        return sorted(
            q.object.value
            for q in store.quads(REGISTER_GRAPH, subject=register.base_iri + entity_id)
            if q.predicate.value == RG + "addresses"
        )


def test_pattern_replace_normalises_annex_a_ids(tmp_path: Path) -> None:
    register = _import(tmp_path, MAPPING)
    assert _addresses(register, "FIN-1") == [ISO42001 + "A.4.4", ISO42001 + "A.6.2.3"]
    assert _addresses(register, "FIN-2") == [ISO42001 + "A.6.2.6"]


def test_a_value_that_does_not_match_the_pattern_is_a_bad_row(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as caught:
        _import(tmp_path, MAPPING, SHEET + "3,Other,B.1\n")
    (error,) = caught.value.errors
    assert (error.location.row, error.location.column, error.value) == (4, "Annex A", "B.1")
    assert "pattern" in error.problem


def test_unmatched_values_can_be_kept_or_blanked(tmp_path: Path) -> None:
    blank = MAPPING + "    unmapped: blank\n"
    register = _import(tmp_path, blank, SHEET + "3,Other,B1\n")
    assert _addresses(register, "FIN-3") == []
    assert _addresses(register, "FIN-2") == [ISO42001 + "A.6.2.6"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"column": "x", "replace": "."}, "replace needs a pattern"),
        ({"column": "x", "pattern": "(", "replace": "."}, "not a valid regular expression"),
        ({"column": "x", "pattern": "-", "replace": r"\2"}, "not a valid regular expression"),
    ],
)
def test_bad_patterns_are_refused_when_the_mapping_loads(rule: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FieldRule.model_validate(rule)


def test_a_bad_pattern_names_the_mapping_file(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MAPPING.replace('pattern: "-"', 'pattern: "("'))
    with pytest.raises(UserError, match=r"m\.yaml"):
        load_mapping(tmp_path / "m.yaml")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=99), min_size=2, max_size=3))
def test_any_dashed_annex_a_id_becomes_dotted(parts: list[int]) -> None:
    import re

    rule = FieldRule.model_validate({"column": "x", "pattern": "-", "replace": "."})
    dashed = "A-" + "-".join(map(str, parts))
    assert rule.pattern is not None and rule.replace is not None
    assert re.sub(rule.pattern, rule.replace, dashed) == "A." + ".".join(map(str, parts))
