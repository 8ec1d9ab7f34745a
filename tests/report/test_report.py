"""The HTML audit report: self-contained, escaped, and its charts agree with the register."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from report_support import GENERATED_AT, TODAY, memory_register, select

from riskgraph.analysis.report.builder import AuditReport, build_report
from riskgraph.analysis.report.render import render_report
from riskgraph.analysis.soa import STATUS_ORDER
from riskgraph.config import RegisterConfig
from riskgraph.register import Register
from riskgraph.results import register_hash
from riskgraph.store.base import Store


class Page(HTMLParser):
    """What the tests look at in a rendered page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.attribute_values: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.cells: list[dict[str, str]] = []
        """Heatmap cells: their data attributes plus the heatmap's kind and matrix."""
        self.segments: list[dict[str, str]] = []
        self._heatmap: dict[str, str] = {}
        self._objective = ""
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = {name: value or "" for name, value in attrs}
        self.attribute_values += values.values()
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "style":
            self._in_style = True
        if tag == "svg" and "data-heatmap" in values:
            self._heatmap = {"kind": values["data-heatmap"], "matrix": values["data-matrix"]}
        classes = values.get("class", "").split()
        if tag == "g" and "cell" in classes:
            self.cells.append({**self._heatmap, **values})
        if tag == "g" and "objective" in classes:
            self._objective = values["data-objective"]
        if tag == "g" and "segment" in classes:
            self.segments.append({"objective": self._objective, **values})

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def heatmap_counts(self, kind: str, matrix: str = "5x5") -> dict[tuple[int, int], int]:
        return {
            (int(c["data-likelihood"]), int(c["data-severity"])): int(c["data-count"])
            for c in self.cells
            if c["kind"] == kind and c["matrix"] == matrix
        }


@pytest.fixture(scope="module")
def report(harbourline: Register, harbourline_store: Store) -> AuditReport:
    return build_report(harbourline, harbourline_store, today=TODAY, generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def html(report: AuditReport) -> str:
    return render_report(report)


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


def test_report_has_every_section_and_a_working_table_of_contents(page: Page) -> None:
    for section in ("summary", "heatmaps", "coverage", "gaps", "soa", "about"):
        assert section in page.ids
    internal = [link for link in page.links if link.startswith("#")]
    assert internal, "the table of contents links to the sections"
    assert {link[1:] for link in internal} <= page.ids
    assert page.links == internal, "the report links to nothing outside itself"


def test_report_loads_nothing_from_anywhere(page: Page, html: str) -> None:
    assert page.tags["script"] == 0
    assert page.tags["link"] == 0
    assert page.tags["img"] == 0 and page.tags["iframe"] == 0 and page.tags["object"] == 0
    assert [v for v in page.attribute_values if "://" in v or v.startswith("//")] == []
    css = "".join(page.styles)
    assert css.strip(), "the stylesheet is inline"
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    # Register text may hold URLs (evidence links), but only as text, never in markup.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html)


def test_report_is_stamped_with_time_and_register_hash(
    page: Page, report: AuditReport, harbourline_store: Store
) -> None:
    text = "".join(page.text)
    assert report.register_sha256 == register_hash(harbourline_store)
    assert report.register_sha256 in text
    assert GENERATED_AT.isoformat() in text
    assert report.gaps.register_sha256 == report.soa.register_sha256 == report.register_sha256


def test_heatmap_counts_match_the_register(page: Page, harbourline_store: Store) -> None:
    for kind, likelihood, severity in (
        ("inherent", "rg:likelihood", "rg:severity"),
        ("residual", "rg:residualLikelihood", "rg:residualSeverity"),
    ):
        rows = select(
            harbourline_store,
            f"""SELECT ?l ?s (COUNT(DISTINCT ?risk) AS ?n) WHERE {{
                ?risk a rg:Risk ; {likelihood} ?l ; {severity} ?s }} GROUP BY ?l ?s""",
        )
        expected = {(int(r["l"]), int(r["s"])): int(r["n"]) for r in rows}
        drawn = page.heatmap_counts(kind)
        assert len(drawn) == 25
        assert {cell: n for cell, n in drawn.items() if n} == expected, kind
        assert sum(drawn.values()) == 46


def test_heatmap_cells_are_coloured_by_their_dpv_level(page: Page) -> None:
    from riskgraph.scoring import matrix

    grid = matrix("5x5")
    for cell in page.cells:
        position = (int(cell["data-likelihood"]), int(cell["data-severity"]))
        assert cell["data-level"] == grid.level(*position).name


def test_coverage_chart_matches_the_soa(page: Page, report: AuditReport) -> None:
    drawn: Counter[tuple[str, str]] = Counter()
    for segment in page.segments:
        drawn[(segment["objective"], segment["data-status"])] += int(segment["data-count"])
    expected = Counter(
        {
            (objective.ref, status.value): objective.count(status)
            for objective in report.soa.objectives()
            for status in STATUS_ORDER
            if objective.count(status)
        }
    )
    assert drawn == expected
    assert sum(drawn.values()) == 38


def test_gap_lists_come_from_run_gaps(page: Page, report: AuditReport) -> None:
    text = "".join(page.text)
    assert report.gaps.rules
    for rule in report.gaps.rules:
        assert f"gap-{rule.name}" in page.ids
        assert rule.title in text
    not_implemented = report.gaps.rule("annex-a-controls-not-implemented")
    assert not_implemented.count == 8


def test_register_text_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    register = memory_register(
        f"""
        :R-1 a rg:Risk ; dcterms:identifier "R-1" ; dcterms:title "{hostile}" ;
            rg:riskMatrix risk:RiskMatrix5x5 ; rg:likelihood 5 ; rg:severity 5 ;
            rg:inherentLevel risk:VeryHighRisk .
        :C-1 a rg:Control ; dcterms:identifier "C-1" ; dcterms:title "{hostile}" ;
            rg:status rg:Implemented ; rg:mitigates :R-1 ; rg:addresses iso42001:A.2.2 .
        :EV-1 a rg:Evidence ; dcterms:identifier "EV-1" ; rg:supports :C-1 ;
            dcterms:title "<img src=x onerror=alert(2)>" .
        :S-1 a rg:ApplicabilityStatement ; dcterms:identifier "S-1\\" onmouseover=\\"alert(3)" ;
            rg:annexAControl iso42001:A.10.4 ; rg:applicable false ; rg:justification "{hostile}" .
        """,
        RegisterConfig.model_validate({"general": {"name": hostile}}),
    )
    with register.reader() as store:
        html = render_report(build_report(register, store, today=TODAY))
    page = Page(html)
    assert page.tags["script"] == 0 and page.tags["img"] == 0
    assert not any("alert(" in value for value in page.attribute_values)
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "".join(page.text).count(hostile) >= 4  # name, risk (gap list), control, justification


@pytest.mark.parametrize("size", ["3x3", "7x7"])
def test_heatmaps_take_the_size_of_the_matrix(size: str) -> None:
    n = int(size[0])
    register = memory_register(
        f"""
        :R-1 a rg:Risk ; dcterms:identifier "R-1" ; dcterms:title "Corner" ;
            rg:riskMatrix risk:RiskMatrix{size} ; rg:likelihood {n} ; rg:severity 1 ;
            rg:residualLikelihood 1 ; rg:residualSeverity 1 .
        :R-2 a rg:Risk ; dcterms:identifier "R-2" ; dcterms:title "Unscored residual" ;
            rg:riskMatrix risk:RiskMatrix{size} ; rg:likelihood {n} ; rg:severity {n} .
        """
    )
    with register.reader() as store:
        report = build_report(register, store, today=TODAY)
    page = Page(render_report(report))
    inherent = page.heatmap_counts("inherent", size)
    residual = page.heatmap_counts("residual", size)
    assert len(inherent) == len(residual) == n * n
    assert {c: k for c, k in inherent.items() if k} == {(n, 1): 1, (n, n): 1}
    assert {c: k for c, k in residual.items() if k} == {(1, 1): 1}
    assert "Not scored for residual risk: R-2" in "".join(page.text)
    assert not page.heatmap_counts("inherent", "5x5")


def test_an_empty_register_draws_its_configured_matrix() -> None:
    config = RegisterConfig.model_validate({"risk": {"matrix": "3x3"}})
    register = memory_register("", config)
    with register.reader() as store:
        page = Page(render_report(build_report(register, store, today=TODAY)))
    counts = page.heatmap_counts("inherent", "3x3")
    assert len(counts) == 9 and sum(counts.values()) == 0


def test_gap_tables_have_headings_people_read(html: str, report: AuditReport) -> None:
    from riskgraph.results.headings import heading

    shown = [rule for rule in report.gaps.rules if rule.rows]
    assert any("owner_id" in rule.columns for rule in shown)
    for rule in shown:
        for column in rule.columns:
            assert f'<th scope="col">{heading(column)}</th>' in html
    for internal in ("owner id", "level rank", "owner_id", "level_rank"):
        assert f'<th scope="col">{internal}</th>' not in html
