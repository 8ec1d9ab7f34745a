"""SSSOM TSV: the reader and writer round-trip every field, and bad input names line and column."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgraph.errors import InputError, InputErrors
from riskgraph.library.model import JUSTIFICATIONS, PREDICATES, Mapping
from riskgraph.library.sssom import read_sssom, write_sssom

META = {"mapping_set_id": "https://example.org/set", "license": "https://example.org/lic"}

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(
    lambda s: " ".join(s.split())
)
_local = st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,12}", fullmatch=True)
_iri = st.builds(
    lambda ns, local: ns + local,
    st.sampled_from(
        [
            "https://w3id.org/riskgraph/library/finos-aigf/",
            "https://w3id.org/riskgraph/iso42001/",
            "https://example.org/a#",
            "http://example.com/x/y/",
        ]
    ),
    _local,
)
_mapping = st.builds(
    Mapping,
    subject=_iri,
    predicate=st.sampled_from(sorted(PREDICATES)),
    object=_iri,
    justification=st.sampled_from(sorted(JUSTIFICATIONS)),
    author=_text,
    date=st.sampled_from(["", "2025-01-31", "2026-12-04"]),
    confidence=st.one_of(st.none(), st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0])),
    comment=_text,
    derived_via=st.lists(st.from_regex(r"m-[0-9a-f]{16}", fullmatch=True), max_size=3).map(tuple),
    subject_label=_text,
    object_label=_text,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_mapping, max_size=8, unique_by=lambda m: m.mapping_id))
def test_write_then_read_gives_the_same_mappings(mappings: list[Mapping]) -> None:
    text = write_sssom(mappings, META)
    back = read_sssom(text, "x.sssom.tsv")
    key = lambda m: m.mapping_id  # noqa: E731
    assert sorted(back.mappings, key=key) == sorted(mappings, key=key)
    assert back.metadata["license"] == META["license"]


HEADER = (
    "#curie_map:\n#  ex: https://example.org/\n"
    "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tmapping_date\n"
)


def test_reads_a_hand_written_file() -> None:
    text = HEADER + "ex:a\tskos:exactMatch\tex:b\tsemapv:ManualMappingCuration\t0.8\t2025-02-01\n"
    (mapping,) = read_sssom(text).mappings
    assert (mapping.subject, mapping.predicate, mapping.object) == (
        "https://example.org/a",
        "exactMatch",
        "https://example.org/b",
    )
    assert mapping.confidence == 0.8 and mapping.justification == "manual"


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("zz:a\tskos:exactMatch\tex:b\tsemapv:ManualMappingCuration\t\t", "subject_id", "zz:a"),
        ("ex:a\towl:sameAs\tex:b\tsemapv:ManualMappingCuration\t\t", "predicate_id", "sameAs"),
        ("ex:a\tskos:exactMatch\tex:b\tsemapv:Guessing\t\t", "mapping_justification", "Guess"),
        ("ex:a\tskos:exactMatch\tex:b\tsemapv:LexicalMatching\t1.5\t", "confidence", "1.5"),
        (
            "ex:a\tskos:exactMatch\tex:b\tsemapv:LexicalMatching\t\t31/12/2025",
            "mapping_date",
            "31/12",
        ),
    ],
)
def test_bad_values_name_line_column_and_value(row: str, column: str, fragment: str) -> None:
    with pytest.raises(InputErrors) as caught:
        read_sssom(HEADER + row + "\n", "bad.sssom.tsv")
    message = str(caught.value)
    assert "bad.sssom.tsv, line 4" in message and repr(column) in message and fragment in message


def test_missing_and_unknown_columns_are_refused() -> None:
    with pytest.raises(InputError, match=r"missing column.*object_id.*unknown column.*colour"):
        read_sssom("subject_id\tpredicate_id\tmapping_justification\tcolour\n")


def test_ragged_rows_are_refused() -> None:
    with pytest.raises(InputErrors, match="line 4: the row has 2 fields"):
        read_sssom(HEADER + "ex:a\tskos:exactMatch\n")


def test_bad_metadata_is_refused() -> None:
    with pytest.raises(InputError, match="metadata block is not valid YAML"):
        read_sssom("#curie_map: [\nsubject_id\n")
