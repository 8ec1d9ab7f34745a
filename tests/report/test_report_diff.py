"""The changes section of the audit report: ``report --diff-from SNAPSHOT [--diff-to ...]``.

Run through the real CLI on the example register on disk: a snapshot is taken, the register is
edited with the CLI's own add and edit, and the report shows the same changes ``riskgraph diff``
reads (one read model, ``riskgraph.views.diff``), escaped, and renders in headless Chromium.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from cli_run import Run, run
from test_report_browser import chromium, console_messages, open_in_chromium  # noqa: F401

HOSTILE = "<script>alert(1)</script> & [bold]x[/bold]"


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    monkeypatch.setenv("COLUMNS", "250")


def ok(*args: str) -> Run:
    result = run(*args)
    assert result.code == 0, result.err
    return result


class Changes(HTMLParser):
    """The changes section of a report: entities (id, change) and their field rows."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.scripts = 0
        self.summary: dict[str, str] = {}
        self.entities: dict[str, str] = {}
        self.fields: dict[str, list[list[str]]] = {}
        self._entity = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._summary = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "script":
            self.scripts += 1
        if "data-summary" in values:
            self._summary = values["data-summary"]
        if tag == "article" and "data-entity" in values:
            self._entity = values["data-entity"]
            self.entities[self._entity] = values["data-change"]
            self.fields[self._entity] = []
        if tag == "tr" and "data-field" in values and self._entity:
            self._row = []
        if tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.fields[self._entity].append(self._row)
            self._row = None
        if tag == "article":
            self._entity = ""
        if tag == "span":
            self._summary = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._summary:
            self.summary[self._summary] = data


def test_report_shows_the_changes_since_a_snapshot_like_diff(
    example_register_folder: Path, tmp_path: Path
) -> None:
    reg = ["-r", str(example_register_folder)]
    ok("snapshot", "create", "before-edit", *reg)
    ok("edit", "R-001", "--title", HOSTILE, "--likelihood", "4", *reg)
    ok("add", "control", "--id", "C-900", "--title", "Quarterly fairness audit",
       "--mitigates", "R-001", *reg)  # fmt: skip

    target = tmp_path / "report.html"
    written = ok("report", "-o", str(target), "--diff-from", "before-edit", "--today",
                 "2026-11-22", *reg)  # fmt: skip
    assert "2 changed entities" in written.err
    html = target.read_text(encoding="utf-8")
    page = Changes(html)

    diff = json.loads(ok("diff", "before-edit", "now", "--format", "json", *reg).out)
    assert page.entities == {e["id"]: e["change"] for e in diff["entities"]}
    assert page.entities == {"C-900": "added", "R-001": "changed"}
    for entity in diff["entities"]:
        assert page.fields[entity["id"]] == [
            [f["field"], f["change"], "; ".join(f["before"]), "; ".join(f["after"])]
            for f in entity["fields"]
        ]
    assert ["rg:likelihood", "changed", "3", "4"] in page.fields["R-001"]
    assert page.summary == {"added": "1 added", "removed": "0 removed", "changed": "1 changed"}

    # the hostile title is text, never markup
    assert page.scripts == 0 and HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [bold]x[/bold]" in html
    assert ["dcterms:title", "changed", "Proxy discrimination in credit decisions", HOSTILE] in (
        page.fields["R-001"]
    )
    assert "changes" in page.ids and "#changes" in page.links
    assert {link[1:] for link in page.links if link.startswith("#")} <= page.ids

    # two snapshots: the same changes; a snapshot against itself: an empty section
    ok("snapshot", "create", "after-edit", *reg)
    between = tmp_path / "between.html"
    ok("report", "-o", str(between), "--diff-from", "before-edit", "--diff-to", "after-edit",
       *reg)  # fmt: skip
    assert Changes(between.read_text(encoding="utf-8")).entities == page.entities
    same = tmp_path / "same.html"
    ok("report", "-o", str(same), "--diff-from", "after-edit", "--diff-to", "now", *reg)
    empty = Changes(same.read_text(encoding="utf-8"))
    assert empty.entities == {} and "changes" in empty.ids
    assert "No changes." in same.read_text(encoding="utf-8")


def test_a_report_without_diff_from_has_no_changes_section(
    example_register_folder: Path, tmp_path: Path
) -> None:
    target = tmp_path / "plain.html"
    ok("report", "-o", str(target), "-r", str(example_register_folder))
    assert "changes" not in Changes(target.read_text(encoding="utf-8")).ids


def test_unknown_snapshots_and_a_lone_diff_to_are_errors(
    example_register_folder: Path, tmp_path: Path
) -> None:
    reg = ["-r", str(example_register_folder)]
    ok("snapshot", "create", "audit", *reg)
    target = tmp_path / "r.html"
    for args in (("--diff-from", "nope"), ("--diff-from", "audit", "--diff-to", "nope")):
        refused = run("report", "-o", str(target), *args, *reg)
        assert refused.code == 2, args
        assert "no snapshot named 'nope'" in refused.err and "audit" in refused.err
        assert "Traceback" not in refused.err
    lone = run("report", "-o", str(target), "--diff-to", "audit", *reg)
    assert lone.code == 2 and "--diff-from" in lone.err
    assert not target.exists()


def test_the_changes_section_renders_in_chromium(
    chromium: str,  # noqa: F811
    example_register_folder: Path,
    tmp_path: Path,
) -> None:
    reg = ["-r", str(example_register_folder)]
    ok("snapshot", "create", "before-edit", *reg)
    ok("edit", "R-001", "--title", HOSTILE, "--likelihood", "4", *reg)
    target = tmp_path / "report.html"
    ok("report", "-o", str(target), "--diff-from", "before-edit", *reg)
    shot = tmp_path / "report.png"
    result = open_in_chromium(chromium, target, shot, tmp_path / "profile")
    assert result.returncode == 0, result.stderr
    assert console_messages(result.stderr) == []
    assert shot.exists() and shot.stat().st_size > 50_000
