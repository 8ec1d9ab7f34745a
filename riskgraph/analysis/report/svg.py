"""The report's charts as inline SVG: risk heatmaps and Annex A coverage by objective.

Every text value goes through ``markupsafe.escape``; numbers and geometry are ours. Each chart is
an ``role="img"`` with a title, and each mark carries a ``<title>`` that browsers show as a
tooltip. Heatmap cells also carry ``data-`` attributes with their indices and count, so tests and
tools can read the numbers back without parsing the drawing.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from riskgraph.analysis.report.palette import (
    LEVEL_ABBREVIATIONS,
    LEVEL_COLOURS,
    STATUS_COLOURS,
    text_colour_on,
)
from riskgraph.analysis.soa import STATUS_ORDER, ImplementationStatus, Objective
from riskgraph.views.heatmap import HeatCell, Heatmap

_AXIS_COLOUR = "#4a4a4a"
_GRID_COLOUR = "#ffffff"


def _attrs(**values: object) -> str:
    """Attributes in the order given; names use '-' for '_'; None values are left out."""
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in values.items()
        if value is not None
    )


def _text(x: float, y: float, content: str, **attrs: object) -> str:
    return f"<text{_attrs(x=_n(x), y=_n(y), **attrs)}>{escape(content)}</text>"


def _n(value: float) -> str:
    """A coordinate without needless decimals."""
    return f"{value:.1f}".removesuffix(".0")


# --- heatmap --------------------------------------------------------------------------------

_HEAT_LEFT = 128
_HEAT_TOP = 8
_HEAT_BOTTOM = 74
_HEAT_RIGHT = 8


def _cell_size(size: int) -> int:
    return {3: 96, 5: 62, 7: 46}.get(size, max(40, 310 // size))


def heatmap_svg(heatmap: Heatmap, *, chart_id: str) -> Markup:
    """An n×n grid: likelihood up the side, severity along the bottom, a count in each cell."""
    size = heatmap.matrix.size
    cell = _cell_size(size)
    width = _HEAT_LEFT + size * cell + _HEAT_RIGHT
    height = _HEAT_TOP + size * cell + _HEAT_BOTTOM
    title = (
        f"{heatmap.kind.capitalize()} risk on the {heatmap.matrix.name} matrix: "
        f"{heatmap.placed} risks by likelihood and severity"
    )
    parts = [
        f"<svg{_attrs(viewBox=f'0 0 {width} {height}')}"
        f"{_attrs(width=width, height=height, role='img', aria_labelledby=chart_id + '-title')}"
        f"{_attrs(class_='heatmap', data_heatmap=heatmap.kind, data_matrix=heatmap.matrix.name)}>",
        f"<title{_attrs(id=chart_id + '-title')}>{escape(title)}</title>",
    ]
    for (likelihood, severity), heat in sorted(heatmap.cells.items()):
        x = _HEAT_LEFT + (severity - 1) * cell
        y = _HEAT_TOP + (size - likelihood) * cell
        parts.append(_heat_cell(heat, x, y, cell, heatmap))
    parts.extend(_heat_axes(heatmap, cell))
    parts.append("</svg>")
    return Markup("".join(parts))


def _heat_cell(heat: HeatCell, x: float, y: float, cell: int, heatmap: Heatmap) -> str:
    fill = LEVEL_COLOURS[heat.level.rank]
    ink = text_colour_on(fill)
    likelihood = heatmap.likelihood_labels.get(heat.likelihood, "")
    severity = heatmap.severity_labels.get(heat.severity, "")
    risks = ", ".join(heat.risk_ids) if heat.risk_ids else "none"
    tooltip = (
        f"Likelihood {heat.likelihood} {likelihood}, severity {heat.severity} {severity}: "
        f"{heat.level.label} risk. {heat.count} risk{'s' if heat.count != 1 else ''}: {risks}"
    )
    parts = [
        f"<g{_attrs(class_='cell', data_likelihood=heat.likelihood, data_severity=heat.severity)}"
        f"{_attrs(data_level=heat.level.name, data_count=heat.count)}>",
        f"<title>{escape(tooltip)}</title>",
        f"<rect{_attrs(x=_n(x), y=_n(y), width=cell, height=cell, fill=fill)}"
        f"{_attrs(stroke=_GRID_COLOUR, stroke_width=2)}/>",
        _text(
            x + cell - 5,
            y + cell - 6,
            LEVEL_ABBREVIATIONS[heat.level.rank],
            fill=ink,
            font_size=10,
            text_anchor="end",
            opacity="0.8",
        ),
    ]
    if heat.count:
        parts.append(
            _text(
                x + cell / 2,
                y + cell / 2 + 7,
                str(heat.count),
                fill=ink,
                font_size=min(22, cell // 3),
                font_weight=700,
                text_anchor="middle",
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _heat_axes(heatmap: Heatmap, cell: int) -> list[str]:
    size = heatmap.matrix.size
    grid_bottom = _HEAT_TOP + size * cell
    parts = [f"<g{_attrs(class_='axes', fill=_AXIS_COLOUR, font_size=11)}>"]
    for likelihood in range(1, size + 1):
        y = _HEAT_TOP + (size - likelihood) * cell + cell / 2 + 4
        label = heatmap.likelihood_labels.get(likelihood, "")
        parts.append(
            f"<text{_attrs(x=_HEAT_LEFT - 8, y=_n(y), text_anchor='end')}>"
            f'{escape(label)} <tspan font-weight="700">{likelihood}</tspan></text>'
        )
    for severity in range(1, size + 1):
        x = _HEAT_LEFT + (severity - 1) * cell + cell / 2
        parts.append(
            _text(x, grid_bottom + 15, str(severity), text_anchor="middle", font_weight=700)
        )
        words = heatmap.severity_labels.get(severity, "").split()
        lines = [" ".join(words[:-1]), words[-1]] if len(words) > 1 else words
        for offset, line in enumerate(line for line in lines if line):
            parts.append(_text(x, grid_bottom + 29 + 12 * offset, line, text_anchor="middle"))
    middle_y = _HEAT_TOP + size * cell / 2
    parts.append(
        _text(
            14,
            middle_y,
            "Likelihood",
            text_anchor="middle",
            font_weight=600,
            transform=f"rotate(-90 14 {_n(middle_y)})",
        )
    )
    parts.append(
        _text(
            _HEAT_LEFT + size * cell / 2,
            grid_bottom + _HEAT_BOTTOM - 6,
            "Severity",
            text_anchor="middle",
            font_weight=600,
        )
    )
    parts.append("</g>")
    return parts


# --- coverage -------------------------------------------------------------------------------

_LABEL_WIDTH = 330
_BAR_LEFT = _LABEL_WIDTH + 10
_BAR_WIDTH = 380
_SHARE_X = _BAR_LEFT + _BAR_WIDTH + 70
_ROW = 34
_BAR = 20
_HEADER = 24
_WRAP_AT = 52


def coverage_svg(objectives: Sequence[Objective], *, chart_id: str) -> Markup:
    """One stacked bar per Annex A objective: its controls by implementation status."""
    longest = max((len(o.rows) for o in objectives), default=1)
    scale = _BAR_WIDTH / max(longest, 1)
    width = _SHARE_X + 4
    height = _HEADER + _ROW * len(objectives) + 4
    parts = [
        f"<svg{_attrs(viewBox=f'0 0 {width} {height}')}"
        f"{_attrs(width=width, height=height, role='img', aria_labelledby=chart_id + '-title')}"
        f"{_attrs(class_='coverage-chart', font_size=12, fill=_AXIS_COLOUR)}>",
        f"<title{_attrs(id=chart_id + '-title')}>"
        "Annex A controls of each objective by implementation status</title>",
        _text(0, 14, "Objective", font_weight=600),
        _text(_BAR_LEFT, 14, "Annex A controls by status", font_weight=600),
        _text(_SHARE_X, 14, "implemented", font_weight=600, text_anchor="end"),
    ]
    for index, objective in enumerate(objectives):
        top = _HEADER + index * _ROW
        parts.append(_coverage_row(objective, top, scale))
    parts.append("</svg>")
    return Markup("".join(parts))


def _coverage_row(objective: Objective, top: float, scale: float) -> str:
    label_lines = _wrap(f"{objective.ref} {objective.heading}")
    parts = [f"<g{_attrs(class_='objective', data_objective=objective.ref)}>"]
    first_y = top + _ROW / 2 + 4 - 7 * (len(label_lines) - 1)
    for offset, line in enumerate(label_lines):
        parts.append(_text(0, first_y + 14 * offset, line))
    x = float(_BAR_LEFT)
    bar_top = top + (_ROW - _BAR) / 2
    for status in STATUS_ORDER:
        count = objective.count(status)
        if not count:
            continue
        span = count * scale
        fill = STATUS_COLOURS[status]
        noun = "control" if count == 1 else "controls"
        parts.append(
            f"<g{_attrs(class_='segment', data_status=status.value, data_count=count)}>"
            f"<title>{escape(f'{objective.ref}: {count} {noun} {status.value}')}</title>"
            f"<rect{_attrs(x=_n(x), y=_n(bar_top), width=_n(span), height=_BAR, fill=fill)}"
            f"{_attrs(stroke='#ffffff', stroke_width=1)}/>"
        )
        if span >= 16:
            parts.append(
                _text(
                    x + span / 2,
                    bar_top + _BAR / 2 + 4,
                    str(count),
                    fill=text_colour_on(fill),
                    font_weight=700,
                    text_anchor="middle",
                )
            )
        parts.append("</g>")
        x += span
    applicable = sum(1 for row in objective.rows if row.applicable)
    implemented = objective.count(ImplementationStatus.IMPLEMENTED)
    parts.append(
        _text(
            _SHARE_X,
            top + _ROW / 2 + 4,
            f"{implemented} of {applicable}",
            text_anchor="end",
        )
    )
    parts.append("</g>")
    return "".join(parts)


def _wrap(label: str) -> list[str]:
    """One line, or two split at the space nearest the middle when the label is long."""
    if len(label) <= _WRAP_AT:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    if not spaces:
        return [label]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]
