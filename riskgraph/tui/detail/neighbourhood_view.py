"""The neighbourhood of a node as a tree: ``enter`` opens the node under the cursor,
``space`` folds and unfolds."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from riskgraph.tui.data.neighbourhood import Item, Neighbourhood
from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import plain, visible


class NeighbourhoodTree(Tree[str]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_node", "Fold/unfold", show=True, id="neighbourhood.toggle-node"),
    ]


class NeighbourhoodView(Vertical):
    DEFAULT_CSS = stylesheet(__file__)

    class Follow(Message):
        def __init__(self, iri: str) -> None:
            self.iri = iri
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Static("", id="neighbourhood-summary")
        tree = NeighbourhoodTree("", id="neighbourhood-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree

    def show_message(self, message: str | Text) -> None:
        self.query_one("#neighbourhood-summary", Static).update(
            plain(message) if isinstance(message, str) else message
        )
        self.query_one(NeighbourhoodTree).clear()

    def show(self, neighbourhood: Neighbourhood) -> None:
        summary = Text()
        summary.append(visible(neighbourhood.title) + "\n", style="bold")
        summary.append(visible(neighbourhood.summary), style="dim")
        self.query_one("#neighbourhood-summary", Static).update(summary)
        tree = self.query_one(NeighbourhoodTree)
        tree.clear()
        for item in neighbourhood.items:
            self._add(tree.root, item)
        tree.root.expand()

    def _add(self, parent: TreeNode[str], item: Item) -> None:
        label = plain(item.label, style="" if item.iri else "bold")
        if item.children:
            node = parent.add(label, data=item.iri, expand=item.expanded)
            for child in item.children:
                self._add(node, child)
        else:
            parent.add_leaf(label, data=item.iri)

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.Follow(event.node.data))
        else:
            event.node.toggle()
