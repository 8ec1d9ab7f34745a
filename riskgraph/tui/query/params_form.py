"""The parameters of the query in the editor, one labelled input each, generated from the
query's ``# param:`` header lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label

from riskgraph.queries import QueryParameter
from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import plain


def placeholder(param: QueryParameter) -> str:
    """'date, default today' / 'iri, optional' / 'integer, required'."""
    parts = [param.type.value]
    if param.default is not None:
        parts.append(f"default {param.default}")
    elif param.optional:
        parts.append("optional")
    else:
        parts.append("required")
    return ", ".join(parts)


class ParamsForm(Horizontal):
    """Inputs for the parameters; empty when the query declares none."""

    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parameters: tuple[QueryParameter, ...] = ()

    def compose(self) -> ComposeResult:
        yield from ()

    async def show(self, parameters: tuple[QueryParameter, ...]) -> None:
        """Rebuild the inputs when the declared parameters change; values of parameters that
        stay are kept."""
        if parameters == self.parameters:
            return
        kept = self.values()
        self.parameters = parameters
        await self.remove_children()
        widgets: list[Widget] = []
        for param in parameters:
            mark = "*" if param.required else ""
            widgets.append(Label(plain(f"{param.name}{mark}"), classes="param-label"))
            field = Input(
                value=kept.get(param.name, ""),
                placeholder=placeholder(param),
                id=f"param-{param.name}",
                classes="param-input",
                compact=True,
                tooltip=plain(param.description) if param.description else None,
            )
            widgets.append(field)
        await self.mount_all(widgets)
        self.display = bool(parameters)

    def values(self) -> dict[str, str]:
        return {
            widget.id.removeprefix("param-"): widget.value
            for widget in self.query(Input)
            if widget.id is not None
        }

    def set_value(self, name: str, value: str) -> None:
        self.query_one(f"#param-{name}", Input).value = value
