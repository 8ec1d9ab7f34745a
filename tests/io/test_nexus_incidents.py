"""Importing the AI incidents of IBM AI Atlas Nexus (riskgraph import FILE --nexus).

Runs on the Harbourline example in a real on-disk store with the bundled ai-atlas-nexus library
loaded, and on a small extract of the Nexus incidents file (tests/io/fixtures/README.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskgraph.io.nexus_incidents import first_reported
from riskgraph.model.entities import Incident
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from tests.cli_run import run

SAMPLE = Path(__file__).parent / "fixtures" / "nexus_incidents_sample.yaml"
MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip


@pytest.fixture
def nexus_register(example_register_folder: Path) -> Path:
    reg = str(example_register_folder)
    assert run("library", "load", "ai-atlas-nexus", "-r", reg).code == 0
    # R-001 (proxy discrimination) is the register's counterpart of Nexus's data bias risk.
    linked = run(
        "library", "link", "R-001", "ai-atlas-nexus:atlas-data-bias",
        "--predicate", "exactMatch", "-r", reg,
    )  # fmt: skip
    assert linked.code == 0, linked.err
    return example_register_folder


def _incidents(folder: Path) -> list[Incident]:
    register = Register.open(folder)
    with register.reader() as store:
        found, _problems = Repository(store, register.base_iri).all(Incident)
    return [e for e in found if isinstance(e, Incident)]


def test_import_links_incidents_to_the_matching_register_risks(nexus_register: Path) -> None:
    reg = str(nexus_register)
    before = {i.id for i in _incidents(nexus_register)}
    result = run("import", str(SAMPLE), "--nexus", "--system", "SYS-CREDIT", "-r", reg)
    assert result.code == 0, result.err
    new = [i for i in _incidents(nexus_register) if i.id not in before]
    assert len(new) == 5
    by_title = {i.title: i for i in new}
    bias = by_title["Healthcare Bias"]
    assert bias.realised_risks == ["R-001"]
    assert bias.systems == ["SYS-CREDIT"]
    assert bias.occurred_on == date(2022, 12, 1)
    assert bias.source == "https://w3id.org/riskgraph/library/ai-atlas-nexus/" + (
        "ibm-risk-atlas-ri-healthcare-bias"
    )
    assert "Forbes, December 2022" in (bias.description or "")
    assert "Apache-2.0" in (bias.description or "")
    # Two publications run together: the earlier month stands for the date.
    assert by_title["Training on Private Information"].occurred_on == date(2023, 7, 1)
    assert by_title["Generation of Less Secure Code"].occurred_on == date(2023, 1, 1)
    assert all(not i.realised_risks for t, i in by_title.items() if t != "Healthcare Bias")
    assert "atlas-data-bias ~ R-001 (exactMatch)" in result.out
    assert "5 Nexus risk(s) match no register risk" in result.out
    assert "atlas-data-transparency" in result.out
    assert run("validate", "-r", reg).code == 0

    again = run("import", str(SAMPLE), "--nexus", "-r", reg)
    assert again.code == 0, again.err
    assert "added 0 incident(s), 5 imported before" in again.out
    assert len(_incidents(nexus_register)) == len(before) + 5


def test_dry_run_writes_nothing(nexus_register: Path) -> None:
    before = len(_incidents(nexus_register))
    result = run("import", str(SAMPLE), "--nexus", "--dry-run", "-r", str(nexus_register))
    assert result.code == 0, result.err
    assert "would add 5 incident(s)" in result.out
    assert len(_incidents(nexus_register)) == before


def test_the_nexus_folder_is_accepted(nexus_register: Path, tmp_path: Path) -> None:
    folder = tmp_path / "knowledge_graph"
    folder.mkdir()
    (folder / "risk_atlas_data_incidents.yaml").write_text(SAMPLE.read_text(encoding="utf-8"))
    result = run("import", str(folder), "--nexus", "--dry-run", "-r", str(nexus_register))
    assert result.code == 0, result.err
    assert "would add 5 incident(s)" in result.out
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run("import", str(empty), "--nexus", "-r", str(nexus_register))
    assert refused.code != 0
    assert "risk_atlas_data_incidents.yaml" in refused.err


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("author: Forbes, December 2022", "author: Forbes", ["line 17", "author", "no year"]),
        ("    name: Healthcare Bias\n", "", ["incident record 1", "name", "is missing"]),
        (
            "      - atlas-data-bias",
            "      - atlas-no-such-risk",
            ["line 14", "incident record 1", "refersToRisk", "atlas-no-such-risk", "does not have"],
        ),
        ("source_uri: https://www.forbes", "source_uri: ftp://www.forbes", ["source_uri"]),
    ],
)
def test_bad_records_are_refused_whole(
    nexus_register: Path, tmp_path: Path, old: str, new: str, expected: list[str]
) -> None:
    before = len(_incidents(nexus_register))
    result = run("import", str(_broken(tmp_path, old, new)), "--nexus", "-r", str(nexus_register))
    assert result.code != 0
    assert "Traceback" not in result.err
    for part in expected:
        assert part in result.err
    assert "nothing was imported" in result.err
    assert len(_incidents(nexus_register)) == before


def test_unknown_system_is_refused(nexus_register: Path) -> None:
    reg = str(nexus_register)
    result = run("import", str(SAMPLE), "--nexus", "--system", "SYS-NONE", "-r", reg)
    assert result.code != 0
    assert "SYS-NONE" in result.err and "AI system" in result.err


def test_the_library_must_be_loaded(example_register_folder: Path) -> None:
    result = run("import", str(SAMPLE), "--nexus", "-r", str(example_register_folder))
    assert result.code != 0
    assert "ai-atlas-nexus library is not loaded" in result.err


@given(st.sampled_from(MONTHS), st.integers(1950, 2099), st.sampled_from(["", ".", "  "]))
def test_first_reported_reads_month_and_year(month: str, year: int, gap: str) -> None:
    number = MONTHS.index(month) + 1
    assert first_reported(f"Some Paper, {month}{gap} {year}") == date(year, number, 1)
    assert first_reported(f"Wire, {month[:3]} {year}Other, December 2099") == date(year, number, 1)


@given(st.text(max_size=80))
def test_first_reported_never_fails(text: str) -> None:
    found = first_reported(text)
    assert found is None or 1900 <= found.year <= 2099
