"""Colours of the report: risk levels, implementation statuses, and readable text on them.

Level colours are a sequential yellow-orange-red ramp (ColorBrewer YlOrRd) whose lightness falls
steadily with the level, so the order reads without hue vision; every cell also carries a text
label. Status colours follow the Okabe-Ito colour-blind-safe set.
"""

from __future__ import annotations

from riskgraph.analysis.soa import ImplementationStatus

LEVEL_COLOURS: dict[int, str] = {
    1: "#ffffcc",
    2: "#fed976",
    3: "#feb24c",
    4: "#fd8d3c",
    5: "#fc4e2a",
    6: "#bd0026",
    7: "#800026",
}
"""Fill of a matrix cell by the rank of its DPV level (1 extremely low … 7 extremely high)."""

LEVEL_ABBREVIATIONS: dict[int, str] = {
    1: "EL",
    2: "VL",
    3: "L",
    4: "M",
    5: "H",
    6: "VH",
    7: "EH",
}

STATUS_COLOURS: dict[ImplementationStatus, str] = {
    ImplementationStatus.IMPLEMENTED: "#0072b2",
    ImplementationStatus.PLANNED: "#56b4e9",
    ImplementationStatus.NOT_IMPLEMENTED: "#d55e00",
    ImplementationStatus.EXCLUDED: "#c8c8c8",
}

DARK_TEXT = "#1b1b1b"
LIGHT_TEXT = "#ffffff"


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: str) -> str:
    """Dark or light text, whichever contrasts more with ``fill``."""
    if contrast_ratio(fill, DARK_TEXT) >= contrast_ratio(fill, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT
