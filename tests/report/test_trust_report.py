"""The trust report: a public page that shows only what the register allows.

Everything the page must not show is collected from the graph (never written out here): every
person's name, every e-mail address, every risk's title and description, and every text of an
entity that is not marked public. The page is checked as text and in headless Chromium.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from pathlib import Path

import pytest
from report_support import GENERATED_AT, TODAY, memory_register, select
from test_report import Page
from test_report_browser import chromium, console_messages, open_in_chromium, png_size

from riskgraph.analysis.report.render import render_trust
from riskgraph.analysis.trust import ALLOWED, TrustReport, trust_report
from riskgraph.register import Register
from riskgraph.store.base import Store
from tests.cli_run import run

__all__ = ["chromium"]  # the fixture, shared with the audit report's browser test


@pytest.fixture(scope="module")
def report(harbourline: Register, harbourline_store: Store) -> TrustReport:
    return trust_report(harbourline, harbourline_store, today=TODAY, generated_at=GENERATED_AT)


@pytest.fixture(scope="module")
def html(report: TrustReport) -> str:
    return render_trust(report)


def _page_text(html: str) -> str:
    return " ".join(" ".join(Page(html).text).split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_no_person_email_or_risk_text_appears(harbourline_store: Store, html: str) -> None:
    people = select(
        harbourline_store, "SELECT ?v WHERE { GRAPH ?g { ?p a rg:Person ; dcterms:title ?v } }"
    )
    emails = select(harbourline_store, "SELECT ?v WHERE { GRAPH ?g { ?p rg:email ?v } }")
    risks = select(
        harbourline_store,
        "SELECT ?v WHERE { GRAPH ?g { ?r a rg:Risk . "
        "{ ?r dcterms:description ?v } UNION { ?r dcterms:title ?v } } }",
    )
    assert len(people) >= 10 and len(emails) >= 5 and len(risks) >= 40
    text = _page_text(html)
    for value in [r["v"] for r in people + emails + risks]:
        assert _one_line(value) not in text, value
        assert value not in html and html_lib.escape(value) not in html, value
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", html), "no e-mail address at all"


def test_nothing_but_public_entities_and_their_allowed_fields(
    harbourline_store: Store, report: TrustReport, html: str
) -> None:
    """Every text of the register (of three words or more: single words such as a life cycle
    stage also occur in Annex A headings) is either one of the published values or absent from
    the page."""
    published = {_one_line(p.value) for p in report.published}
    texts = select(
        harbourline_store,
        "SELECT DISTINCT ?v WHERE { GRAPH <https://w3id.org/riskgraph/graph/register> "
        "{ ?s ?p ?v FILTER(isLiteral(?v) && DATATYPE(?v) = xsd:string) } }",
    )
    text = _page_text(html)
    checked = 0
    for row in texts:
        value = _one_line(row["v"])
        if len(value.split()) < 3 or value in published:
            continue
        checked += 1
        assert value not in text, value
    assert checked > 300


def test_public_systems_appear_with_their_purpose(harbourline_store: Store, html: str) -> None:
    public = select(
        harbourline_store,
        "SELECT ?title ?purpose WHERE { GRAPH ?g { ?s a rg:AISystem ; rg:public true ; "
        "dcterms:title ?title ; rg:purpose ?purpose } }",
    )
    hidden = select(
        harbourline_store,
        "SELECT ?title WHERE { GRAPH ?g { ?s a rg:AISystem ; dcterms:title ?title . "
        "FILTER NOT EXISTS { ?s rg:public true } } }",
    )
    assert public and hidden
    text = _page_text(html)
    for row in public:
        assert row["title"] in text and _one_line(row["purpose"]) in text
    for row in hidden:
        assert row["title"] not in text


def test_every_published_value_is_on_the_page(report: TrustReport, html: str) -> None:
    text = _page_text(html)
    for item in report.published:
        assert _one_line(item.value) in text, item
    for cls, allowed in ALLOWED.items():
        assert "email" not in allowed and "description" not in allowed, cls


def test_page_is_self_contained_and_signed(report: TrustReport, html: str) -> None:
    page = Page(html)
    assert page.tags["script"] == 0 and page.tags["link"] == 0 and page.tags["img"] == 0
    assert [v for v in page.attribute_values if "://" in v or v.startswith("//")] == []
    assert all(link.startswith("#") for link in page.links)
    assert report.register_sha256 in html
    for heading in (
        "Transparency",
        "Privacy and security",
        "Fairness",
        "Accountability",
        "Human oversight",
        "Regulatory compliance",
        "Continual improvement",
        "Certification status",
        "Annex A coverage",
    ):
        assert heading in _page_text(html)


def test_user_strings_are_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    register = memory_register(
        f"""
        :SYS-1 a rg:AISystem ; dcterms:identifier "SYS-1" ; dcterms:title "{hostile}" ;
            rg:purpose "<img src=x onerror=alert(2)>" ; rg:public true .
        """
    )
    with register.reader() as store:
        html = render_trust(trust_report(register, store, today=TODAY))
    page = Page(html)
    assert page.tags["script"] == 0 and page.tags["img"] == 0
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_marking_a_system_public_changes_the_page(
    example_register_folder: Path, tmp_path: Path
) -> None:
    folder = str(example_register_folder)
    page = tmp_path / "trust.html"

    def text() -> str:
        made = run("trust-report", "-r", folder, "-o", str(page), "--today", TODAY.isoformat())
        assert made.code == 0, made.err
        return _page_text(page.read_text(encoding="utf-8"))

    before = text()
    assert "Internal code assistant" not in before and "Retail credit scoring" in before
    assert run("edit", "SYS-CODE", "-r", folder, "--public", "true").code == 0
    assert run("edit", "SYS-CREDIT", "-r", folder, "--public", "false").code == 0
    after = text()
    assert "Internal code assistant" in after and "Retail credit scoring" not in after


def test_dry_run_lists_exactly_what_is_published(
    example_register_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")
    page = tmp_path / "trust.html"
    dry = run(
        "trust-report",
        "-r",
        str(example_register_folder),
        "-o",
        str(page),
        "--dry-run",
        "--today",
        TODAY.isoformat(),
    )
    assert dry.code == 0, dry.err
    assert not page.exists()
    rows = [
        tuple(cell.strip() for cell in line.strip("│ ").split("│"))
        for line in dry.out.splitlines()
        if line.startswith("│")
    ]
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        report = trust_report(reg, store, today=TODAY)
    assert rows == [(p.entity, p.field, p.value) for p in report.published]
    assert f"{len(report.published)} fields" in dry.out


def test_unknown_extension_is_refused(example_register_folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "trust.pdf"
    refused = run("trust-report", "-r", str(example_register_folder), "-o", str(target))
    assert refused.code != 0 and "trust.pdf" in refused.err and ".html" in refused.err
    assert "Traceback" not in refused.err and not target.exists()


def test_trust_report_renders_in_chromium(chromium: str, html: str, tmp_path: Path) -> None:
    page = tmp_path / "trust.html"
    page.write_text(html, encoding="utf-8")
    screenshot = tmp_path / "trust.png"
    result = open_in_chromium(chromium, page, screenshot, tmp_path / "profile")
    assert result.returncode == 0, result.stderr
    assert console_messages(result.stderr) == []
    assert screenshot.exists() and png_size(screenshot)[0] > 0
    assert screenshot.stat().st_size > 30_000, "a blank page compresses to far less"


def test_certification_status_follows_the_audits(
    example_register_folder: Path, tmp_path: Path
) -> None:
    folder = str(example_register_folder)
    added = run(
        "add",
        "audit",
        "-r",
        folder,
        "--id",
        "AU-990",
        "--title",
        "Stage 2 certification audit",
        "--audit-kind",
        "certification",
        "--starts-on",
        "2026-05-04",
        "--ends-on",
        "2026-05-06",
        "--scope-clauses",
        "4",
        "--auditors",
        "P-FMORALES",
        "--certification-body",
        "Example Certification Ltd",
    )
    assert added.code == 0, added.err
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        report = trust_report(reg, store, today=TODAY)
    status = dict(report.certification)
    assert status["status"] == "certification audit held"
    assert status["certification audit"] == "2026-05-06"
    html = render_trust(report)
    assert "2026-05-06" in html
    assert "Example Certification Ltd" not in html and "Stage 2 certification audit" not in html
    later = trust_report_at(reg, date(2027, 6, 1))
    assert dict(later.certification)["status"] == (
        "certification audit held; no audit in the last 12 months"
    )


def trust_report_at(reg: Register, day: date) -> TrustReport:
    with reg.reader() as store:
        return trust_report(reg, store, today=day)
