"""The audit report's certification readiness section: the read model of 'riskgraph readiness',
stage by stage, with its table of contents entry; checked as HTML and in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import GENERATED_AT, TODAY
from test_report import Page
from test_report_browser import chromium, console_messages, open_in_chromium

from riskgraph.analysis.readiness import readiness
from riskgraph.analysis.report.builder import AuditReport, build_report
from riskgraph.analysis.report.render import render_report
from riskgraph.register import Register
from riskgraph.store.base import Store

__all__ = ["chromium"]


@pytest.fixture(scope="module")
def report(harbourline: Register, harbourline_store: Store) -> AuditReport:
    return build_report(harbourline, harbourline_store, today=TODAY, generated_at=GENERATED_AT)


def test_the_section_shows_the_readiness_read_model(
    harbourline: Register, harbourline_store: Store, report: AuditReport
) -> None:
    expected = readiness(harbourline, harbourline_store, today=TODAY)
    assert report.readiness is not None
    assert report.readiness.stages == expected.stages
    html = render_report(report)
    page = Page(html)
    assert "readiness" in page.ids and "#readiness" in page.links
    text = " ".join(" ".join(page.text).split())
    for stage in expected.stages:
        assert f"readiness-{stage.key}" in page.ids
        assert f'data-stage="{stage.key}" data-state="{stage.state}"' in html
        for criterion in stage.criteria:
            assert " ".join(criterion.looked_at.split()) in text
            assert " ".join(criterion.shows.split()) in text
            for missing in criterion.missing:
                assert missing in text


def test_report_with_readiness_renders_in_chromium(
    chromium: str, report: AuditReport, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_report(report), encoding="utf-8")
    run = open_in_chromium(chromium, page, tmp_path / "report.png", tmp_path / "profile")
    assert run.returncode == 0, run.stderr
    assert console_messages(run.stderr) == []
    assert (tmp_path / "report.png").stat().st_size > 50_000
