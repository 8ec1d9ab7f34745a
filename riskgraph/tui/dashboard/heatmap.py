"""A risk heatmap: likelihood up, severity across, each cell coloured by its DPV level and
showing how many risks sit in it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from riskgraph.tui.styles import stylesheet
from riskgraph.views.heatmap import Heatmap

LEVEL_COLOURS = {
    1: ("#1a9850", "#ffffff"),
    2: ("#66bd63", "#000000"),
    3: ("#d9ef8b", "#000000"),
    4: ("#fee08b", "#000000"),
    5: ("#fc8d59", "#000000"),
    6: ("#d73027", "#ffffff"),
    7: ("#7f0000", "#ffffff"),
}
"""Level rank -> (background, text): green for extremely low to dark red for extremely high;
the same in light and dark themes, so a level always looks the same."""
CELL = 4
"""Cell width on a narrow terminal; wide terminals get ``WIDE_CELL``."""
WIDE_CELL = 6


def render_heatmap(heatmap: Heatmap, cell: int = CELL) -> Text:
    """Rows of coloured cells, highest likelihood on top, with the axes numbered."""
    size = heatmap.matrix.size
    text = Text(no_wrap=True)
    for likelihood in range(size, 0, -1):
        text.append(f"{likelihood:>2} ", style="dim")
        for severity in range(1, size + 1):
            level = heatmap.level(likelihood, severity)
            background, colour = LEVEL_COLOURS.get(level.rank, ("#808080", "#000000"))
            count = heatmap.counts.get((likelihood, severity), 0)
            label = str(count) if count else "·"
            text.append(f"{label:^{cell}}", style=f"bold {colour} on {background}")
        text.append("\n")
    text.append("   ")
    for severity in range(1, size + 1):
        text.append(f"{severity:^{cell}}", style="dim")
    return text


class HeatmapView(Static):
    """One heatmap in a titled box; the subtitle counts the risks it leaves out."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__("loading…", id=id)
        self.title = title
        self.border_title = title

    def show(self, heatmap: Heatmap, *, wide: bool = False) -> None:
        self.border_title = f"{self.title} {heatmap.matrix.name}"
        notes = []
        if heatmap.unscored:
            notes.append(f"{heatmap.unscored} not scored")
        if heatmap.elsewhere:
            notes.append(f"{heatmap.elsewhere} on other matrices")
        self.border_subtitle = ", ".join(notes) or f"{heatmap.total} risks"
        self.update(render_heatmap(heatmap, WIDE_CELL if wide else CELL))
