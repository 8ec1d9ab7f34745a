"""HTML rendering with jinja2: autoescaped templates, the stylesheet inlined, charts inline SVG.

The pages load nothing: no scripts, no web fonts, no images or stylesheets from anywhere. Every
value from the register is escaped by jinja2's autoescape; charts come from ``svg`` (which
escapes its own text) as ``Markup``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from riskgraph.analysis.report import svg
from riskgraph.analysis.report.palette import (
    LEVEL_ABBREVIATIONS,
    LEVEL_COLOURS,
    STATUS_COLOURS,
    text_colour_on,
)
from riskgraph.analysis.report.soa_formats import STATUS_RULE, evidence_dates
from riskgraph.analysis.soa import STATUS_ORDER, ImplementationStatus, StatementOfApplicability
from riskgraph.results.headings import heading

if TYPE_CHECKING:
    from riskgraph.analysis.report.builder import AuditReport
    from riskgraph.analysis.trust import TrustReport

_PACKAGE = "riskgraph.analysis.report"


def status_style(status: ImplementationStatus) -> str:
    fill = STATUS_COLOURS[status]
    return f"background:{fill};color:{text_colour_on(fill)}"


def level_style(rank: int) -> str:
    fill = LEVEL_COLOURS[rank]
    return f"background:{fill};color:{text_colour_on(fill)}"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader(_PACKAGE, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["heading"] = heading
    environment.globals.update(
        status_style=status_style,
        level_style=level_style,
        level_abbreviation=LEVEL_ABBREVIATIONS.__getitem__,
        evidence_dates=evidence_dates,
        heatmap_svg=svg.heatmap_svg,
        coverage_svg=svg.coverage_svg,
        status_order=STATUS_ORDER,
        status_rule=STATUS_RULE,
        stylesheet=stylesheet(),
    )
    return environment


@cache
def stylesheet() -> Markup:
    """The report's CSS, to be inlined in a <style> element (it is ours, never register text)."""
    css = files(_PACKAGE).joinpath("static", "report.css").read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError("the stylesheet must not contain '</'")
    return Markup(css)


def render_report(report: AuditReport) -> str:
    """The audit report as one self-contained HTML page."""
    return (
        _environment()
        .get_template("report.html.j2")
        .render(report=report, version=report.riskgraph_version)
    )


def render_soa_html(soa: StatementOfApplicability) -> str:
    """The Statement of Applicability alone as one self-contained HTML page."""
    return _environment().get_template("soa.html.j2").render(soa=soa, version=soa.riskgraph_version)


def render_trust(report: TrustReport) -> str:
    """The trust report as one self-contained public HTML page."""
    return (
        _environment()
        .get_template("trust.html.j2")
        .render(report=report, version=report.riskgraph_version)
    )
