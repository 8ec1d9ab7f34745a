"""Each malformed input of issue 19 (items 4 and 8): a clear error naming the file (and line,
row or field), a non-zero exit, no traceback, no native crash, and the register unchanged.

Inputs that crashed the process natively run the CLI in a subprocess, so a crash fails the test
instead of ending the test run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.model.entities import Person
from riskgraph.model.rdf import to_quads
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, commit

PERSON_CSV = "id,title\nP-1,Ada\n"


@dataclass
class Done:
    code: int
    out: str
    err: str


def riskgraph(*args: str) -> Done:
    """``riskgraph ARGS`` in this process, with the error boundary of ``main()``."""
    with (
        CliRunner().isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Done(code, out.getvalue().decode(), err.getvalue().decode())


def riskgraph_process(*args: str, cwd: Path) -> Done:
    """``riskgraph ARGS`` in a child process: a native crash shows as a negative exit code."""
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    done = subprocess.run(
        [sys.executable, "-m", "riskgraph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return Done(done.returncode, done.stdout, done.stderr)


def register_bytes(folder: Path) -> bytes:
    """Every quad of the register, sorted, as N-Quads: equal bytes mean an unchanged register."""
    with Register.open(folder).reader() as store:
        return "\n".join(sorted(str(q) for q in store.quads())).encode()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    init_register(tmp_path / "reg")
    yield tmp_path / "reg"


def refused(done: Done, *needles: str) -> None:
    assert done.code == 2, (done.code, done.out, done.err)
    assert "Traceback" not in done.err + done.out
    assert "Exception ignored" not in done.err
    for needle in needles:
        assert needle in done.err, (needle, done.err)


def test_a_5000_digit_json_integer(folder: Path, tmp_path: Path) -> None:
    before = register_bytes(folder)
    data = tmp_path / "big.json"
    data.write_text('{"people": [{"id": "P-1", "title": "x", "n": ' + "9" * 5000 + "}]}")
    refused(riskgraph("import", str(data), "-r", str(folder)), "big.json", "not valid JSON")
    one = tmp_path / "one.json"
    one.write_text('{"id": "P-1", "title": "x", "n": ' + "9" * 5000 + "}")
    refused(riskgraph("add", "person", "--file", str(one), "-r", str(folder)), "one.json")
    yaml_file = tmp_path / "one.yaml"
    yaml_file.write_text("id: P-1\ntitle: x\nn: " + "9" * 5000 + "\n")
    refused(riskgraph("add", "person", "--file", str(yaml_file), "-r", str(folder)), "one.yaml")
    assert register_bytes(folder) == before


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 3000 + "]" * 3000),
        ("deep-object.json", '{"a":' * 3000 + "1" + "}" * 3000),
        ("deep.yaml", "".join("  " * i + "- \n" for i in range(3000))),
        ("deep-flow.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n"),
    ],
)
def test_add_and_edit_file_nested_3000_levels(
    folder: Path, tmp_path: Path, name: str, text: str
) -> None:
    before = register_bytes(folder)
    path = tmp_path / name
    path.write_text(text)
    for command in (["add", "person"], ["edit", "P-1"]):
        done = riskgraph(*command, "--file", str(path), "-r", str(folder))
        refused(done, name, "nest more than 200 levels deep")
    assert register_bytes(folder) == before


@pytest.mark.parametrize(
    "text",
    [
        '{"@id": "http://e.example/a", "http://e.example/p": '
        + '{"http://e.example/p": ' * 5000
        + '"x"'
        + "}" * 5000
        + "}",
        '{"@graph": ' + "[" * 5000 + "]" * 5000 + "}",
    ],
    ids=["objects", "lists"],
)
def test_json_ld_nested_5000_levels_is_refused_not_a_crash(
    folder: Path, tmp_path: Path, text: str
) -> None:
    """Nested objects made pyoxigraph's JSON-LD parser end the process (SIGSEGV)."""
    before = register_bytes(folder)
    path = tmp_path / "deep.jsonld"
    path.write_text(text)
    done = riskgraph_process("import", str(path), "-r", str(folder), cwd=tmp_path)
    refused(done, "deep.jsonld, line 1", "nest more than 200 levels deep")
    assert register_bytes(folder) == before


def test_sparql_nested_5000_levels_is_refused_not_a_crash(folder: Path, tmp_path: Path) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    done = riskgraph_process("query", "run", "-e", deep, "-r", str(folder), cwd=tmp_path)
    refused(done, "deeper than the limit of 100")
    (folder / "queries" / "deep.rq").write_text(
        f"# title: Deep\n# description: Nested far too deep.\n# tags: gaps\n{deep}\n"
    )
    for command in (["gaps"], ["report", "-o", str(tmp_path / "r.html")]):
        done = riskgraph_process(*command, "-r", str(folder), cwd=tmp_path)
        refused(done, "deep.rq", "deeper than the limit of 100")


@pytest.mark.parametrize(
    ("encoding", "problem"),
    [
        ("rot13", "not a text encoding"),
        ("bz2_codec", "not a text encoding"),
        ("utf-16", "the file is not utf-16 text"),
    ],
)
def test_mapping_encodings_that_cannot_read_the_csv(
    folder: Path, tmp_path: Path, encoding: str, problem: str
) -> None:
    before = register_bytes(folder)
    data = tmp_path / "people.csv"
    data.write_text(PERSON_CSV)  # UTF-8: for utf-16 there is no byte-order mark
    mapping = tmp_path / "map.yaml"
    mapping.write_text(f"kind: person\nencoding: {encoding}\nfields:\n  id: id\n  title: title\n")
    done = riskgraph("import", str(data), "--mapping", str(mapping), "-r", str(folder))
    refused(done, problem)
    assert register_bytes(folder) == before


@pytest.mark.parametrize("key", ["template", "column"])
def test_mapping_rules_with_an_empty_list(folder: Path, tmp_path: Path, key: str) -> None:
    data = tmp_path / "people.csv"
    data.write_text(PERSON_CSV)
    mapping = tmp_path / "map.yaml"
    mapping.write_text(f"kind: person\nfields:\n  id: id\n  title:\n    {key}: []\n")
    done = riskgraph("import", str(data), "--mapping", str(mapping), "-r", str(folder))
    refused(done, "map.yaml, line 5", f"fields.title.{key}", "an empty list names nothing")


@pytest.mark.parametrize("timeout", ["1e308", "inf", "nan"])
def test_a_timeout_out_of_range(folder: Path, timeout: str) -> None:
    done = riskgraph("query", "run", "-e", "ASK {}", "--timeout", timeout, "-r", str(folder))
    assert done.code == 2 and "Traceback" not in done.err
    assert "seconds" in done.err


def test_a_folder_given_as_a_file(folder: Path, tmp_path: Path) -> None:
    somewhere = tmp_path / "work"
    target = somewhere / "some-dir"
    target.mkdir(parents=True)
    refused(riskgraph("verify", str(target), "-r", str(folder)), "is a folder")
    refused(riskgraph("report", "-o", str(target), "-r", str(folder)), "is a folder")
    assert sorted(p.name for p in somewhere.iterdir()) == ["some-dir"]  # nothing staged beside
    assert list(target.iterdir()) == []


def test_init_where_no_folder_can_be_made(tmp_path: Path) -> None:
    refused(riskgraph("init", "/proc/x"), "cannot create a register in /proc/x")


CONTROL_FILES = {
    "people.csv": ("# riskgraph template: person v1\nid,title\nP-1,a\x00b\n", "row 3"),
    "people.yaml": ('people:\n  - id: P-1\n    title: "a\\x01b"\n', "line 2"),
    "people.json": ('{"people": [{"id": "P-1", "title": "a\\u0007b"}]}', "line 1"),
    "people.nt": (
        '<https://e.example/P-1> <http://purl.org/dc/terms/title> "a\\u0000b" .\n',
        "subject <https://e.example/P-1>",
    ),
}


@pytest.mark.parametrize("name", CONTROL_FILES)
def test_control_characters_are_refused_on_import(folder: Path, tmp_path: Path, name: str) -> None:
    text, where = CONTROL_FILES[name]
    before = register_bytes(folder)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = riskgraph("import", str(path), "-r", str(folder))
    refused(done, f"{name}, {where}", "control character U+000")
    assert "title" in done.err
    assert register_bytes(folder) == before


def test_xlsx_export_of_a_control_character_fails_cleanly(folder: Path, tmp_path: Path) -> None:
    """Text that came in another way (here written straight into the store, as another tool
    could; every riskgraph write refuses it): one clear error, no file, and none of the
    "Exception ignored" noise a half-written workbook made when the process ended."""
    register = Register.open(folder)
    with register.writer() as store:
        commit(store, ChangeSet(add=to_quads(Person(id="P-1", title="a\x01b"), register.base_iri)))
    out = tmp_path / "register.xlsx"
    done = riskgraph_process("export", "-o", str(out), "-r", str(folder), cwd=tmp_path)
    refused(done, "P-1, title", "cannot go in an XLSX cell")
    assert not out.exists()
    assert list(tmp_path.glob(".register.xlsx*")) == []
