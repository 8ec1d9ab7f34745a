"""The spreadsheet template: kind detection, header below banners, cells, and row errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from io_support import BASE, config, content, register_graph
from openpyxl import Workbook

from riskgraph.errors import InputError, InputErrors, UserError
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.register import Register
from riskgraph.vocab import DCTERMS, RG

MARKER = "# riskgraph template: risk v1"


def _csv(tmp_path: Path, text: str, name: str = "risks.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _values(register: Register, entity_id: str, predicate: str) -> list[str]:
    return sorted(
        q.object.value
        for q in register_graph(register)
        if q.subject.value == BASE + entity_id and q.predicate.value == predicate
    )


def test_marker_and_header_below_banner_rows(empty: Register, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Acme AI risk register,,\nExported for the audit,,\n,,\n"
        f"{MARKER}\nid,title,Likelihood,severity,affects,review_due,catalogue_entry\n"
        'R-1,Bias,3,4,,2027-01-31,true\n,,,,,,\nR-2,"Drift, slow",2,2,,,true\n',
    )
    report = import_file(empty, path)
    assert report.plan.added == ["R-1", "R-2"]
    assert report.read.filtered == 1  # the blank row
    assert _values(empty, "R-1", RG + "reviewDue") == ["2027-01-31"]


def test_semicolon_separated_files_from_some_locales(empty: Register, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"{MARKER}\nid;title;likelihood;severity;catalogue_entry\nR-1;Bias, old;1;2;true\n",
    )
    assert import_file(empty, path).plan.added == ["R-1"]
    assert _values(empty, "R-1", DCTERMS + "title") == ["Bias, old"]


def test_kind_from_option_or_from_unambiguous_columns(empty: Register, tmp_path: Path) -> None:
    systems = _csv(tmp_path, "id,title\nSYS-1,Chatbot\n", "plain.csv")
    with pytest.raises(InputError, match="cannot tell which kind"):
        import_file(empty, systems)
    assert import_file(empty, systems, ImportOptions(kind="systems")).plan.added == ["SYS-1"]
    risks = _csv(
        tmp_path, "id,title,likelihood,severity,catalogue_entry\nR-1,Bias,1,2,true\n", "risks.csv"
    )
    assert import_file(empty, risks).plan.added == ["R-1"]


def test_marker_and_kind_option_must_agree(empty: Register, tmp_path: Path) -> None:
    path = _csv(tmp_path, f"{MARKER}\nid,title,likelihood,severity\nR-1,Bias,1,2\n")
    with pytest.raises(InputError, match="the kind given is control"):
        import_file(empty, path, ImportOptions(kind="control"))


def test_lists_split_on_semicolons_and_matrix_defaults_to_the_registers(tmp_path: Path) -> None:
    settings = config()
    settings.risk.matrix = "3x3"
    register = Register.in_memory(settings)
    systems = _csv(tmp_path, "# riskgraph template: system v1\nid,title\nS-1,A\nS-2,B\n", "s.csv")
    import_file(register, systems)
    path = _csv(
        tmp_path, f"{MARKER}\nid,title,likelihood,severity,affects\nR-1,Bias,3,3, S-1 ;S-2;\n"
    )
    import_file(register, path)
    assert _values(register, "R-1", RG + "affects") == [BASE + "S-1", BASE + "S-2"]
    assert _values(register, "R-1", RG + "riskMatrix") == [
        "https://w3id.org/dpv/risk#RiskMatrix3x3"
    ]


def test_reimport_updates_rows_in_place(empty: Register, tmp_path: Path) -> None:
    header = f"{MARKER}\nid,title,likelihood,severity,catalogue_entry\n"
    import_file(empty, _csv(tmp_path, header + "R-1,Bias,1,2,true\n"))
    report = import_file(empty, _csv(tmp_path, header + "R-1,Bias,3,2,true\nR-2,New,1,1,true\n"))
    assert report.plan.added == ["R-2"] and report.plan.changed == {"R-1": ["likelihood: 1 -> 3"]}
    assert _values(empty, "R-1", RG + "likelihood") == ["3"]


def test_every_bad_row_is_listed_with_row_column_value_and_expectation(
    empty: Register, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        f"Banner\n{MARKER}\nid,title,likelihood,severity,review_due,affects\n"
        "R-1,Fine,1,1,,\n"
        "R 2,Bad id,1,1,,\n"
        "R-3,,1,1,,\n"
        "R-4,Score,6,1,,\n"
        "R-5,Date,1,1,31/12/2026,\n"
        "R-6,Link,1,1,,SYS-404\n"
        "R-1,Again,1,1,,\n",
    )
    before = content(empty)
    with pytest.raises(InputErrors) as caught:
        import_file(empty, path)
    errors = {(e.location.row, e.location.column): e for e in caught.value.errors}
    assert set(errors) == {
        (5, "id"),
        (6, "title"),
        (7, "likelihood"),
        (8, "review_due"),
        (9, "affects"),
        (4, "id"),
        (10, "id"),
    }
    assert errors[(5, "id")].value == "R 2" and "an ID" in str(errors[(5, "id")].expected)
    assert "likelihood must be from 1 to 5" in errors[(7, "likelihood")].problem
    assert errors[(8, "review_due")].value == "31/12/2026"
    assert "2026-03-31" in str(errors[(8, "review_due")].expected)
    assert "SYS-404" in errors[(9, "affects")].problem
    assert all(e.location.file == str(path) for e in caught.value.errors)
    assert content(empty) == before


def test_skip_bad_rows_lands_the_good_ones(empty: Register, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "# riskgraph template: system v1\nid,title\nS-1,Good\nS-2,\n"
        "# riskgraph template: risk v1\n",
        "systems.csv",
    )
    report = import_file(empty, path, ImportOptions(skip_bad_rows=True))
    assert report.plan.added == ["S-1"]
    assert report.bad_records == 2  # no title; a marker row is not a system (bad id, no title)
    assert len(report.skipped) == 3


def test_links_to_skipped_rows_are_skipped_too(empty: Register, tmp_path: Path) -> None:
    workbook = Workbook()
    systems = workbook.active
    systems.title = "systems"
    systems.append(["id", "title", "lifecycle_stage"])
    systems.append(["S-1", "Broken", "sometime"])
    risks = workbook.create_sheet("risks")
    risks.append(["id", "title", "likelihood", "severity", "affects", "catalogue_entry"])
    risks.append(["R-1", "Depends on a bad row", 1, 1, "S-1", None])
    risks.append(["R-2", "Fine", 1, 1, None, True])
    workbook.create_sheet("notes").append(["free text, not a template"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    report = import_file(empty, path, ImportOptions(skip_bad_rows=True))
    assert report.plan.added == ["R-2"]
    assert any("S-1, which is in a bad row" in e.problem for e in report.skipped)
    assert any("sheet 'notes' skipped" in note for note in report.read.notes)


def test_header_problems_are_errors_for_the_whole_file(empty: Register, tmp_path: Path) -> None:
    unknown = _csv(tmp_path, f"{MARKER}\nid,title,likelyhood,severity\n", "a.csv")
    with pytest.raises(InputError, match="not a field of a risk") as caught:
        import_file(empty, unknown)
    assert caught.value.location.row == 2 and caught.value.value == "likelyhood"
    missing = _csv(tmp_path, f"{MARKER}\nid,title,severity\n", "b.csv")
    with pytest.raises(InputError, match="no column for likelihood"):
        import_file(empty, missing)
    twice = _csv(tmp_path, f"{MARKER}\nid,title,likelihood,severity,Title\n", "c.csv")
    with pytest.raises(InputError, match="appears twice"):
        import_file(empty, twice)


def test_values_under_no_header_and_bad_encodings(empty: Register, tmp_path: Path) -> None:
    stray = _csv(tmp_path, f"{MARKER}\nid,title,likelihood,severity\nR-1,A,1,1,oops\n")
    with pytest.raises(InputErrors, match="column 5, which has no header"):
        import_file(empty, stray)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        f"{MARKER}\nid,title,likelihood,severity\nR-1,Caf\xe9,1,1\n".encode("latin-1")
    )
    with pytest.raises(InputError, match="not utf-8-sig text"):
        import_file(empty, latin)


def test_workbooks_that_are_not_workbooks(empty: Register, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,title\n")
    with pytest.raises(InputError, match="cannot open the workbook"):
        import_file(empty, fake)


def test_unknown_extensions_need_a_format(empty: Register, tmp_path: Path) -> None:
    path = _csv(tmp_path, "id,title\n", "data.txt")
    with pytest.raises(UserError, match="name the format"):
        import_file(empty, path)
    with pytest.raises(InputError, match="no such file"):
        import_file(empty, tmp_path / "missing.csv")
