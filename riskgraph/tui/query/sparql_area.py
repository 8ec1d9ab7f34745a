"""A TextArea for SPARQL, highlighted by ``sparql_highlight`` and themed with the app."""

from __future__ import annotations

from textual.widgets import TextArea

from riskgraph.tui.query.sparql_highlight import sparql_highlights

DARK_THEME = "vscode_dark"
LIGHT_THEME = "github_light"


class SparqlArea(TextArea):
    """TextArea's highlighting comes from tree-sitter, which has no SPARQL grammar; this area
    fills the same highlight map from riskgraph's own SPARQL tokenizer instead. It overrides
    TextArea's (private) ``_build_highlight_map``, which TextArea calls after every edit."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, show_line_numbers=True, tab_behavior="indent")

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._follow_app_theme())
        self._follow_app_theme()

    def _follow_app_theme(self) -> None:
        self.theme = DARK_THEME if self.app.current_theme.dark else LIGHT_THEME

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        self._highlights.clear()
        self._highlights.update(sparql_highlights(self.text))
