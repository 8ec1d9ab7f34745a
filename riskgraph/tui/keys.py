"""The key map: every key of the TUI is a Textual binding with an ID (``"browse.edit"``), and the
``[keys]`` section of ``register.toml`` rebinds any of them (``"browse.edit" = "f4"``).

The app applies the map with Textual's keymaps (``App.set_keymap``) when it starts; the help
screen lists each action with its ID and the keys in force. A map that names an action the app
does not have, or gives it no key, is refused before the app starts, naming the file, the
section and the ID.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from textual.binding import Binding, BindingType

from riskgraph.config import CONFIG_FILE
from riskgraph.errors import InputError, Location

_KEY = re.compile(r"^[^\s,]+$")


def sections() -> list[tuple[str, list[Binding]]]:
    """The bindings of each screen and dialog, titled as the help shows them."""
    from riskgraph.tui.app import RiskgraphApp
    from riskgraph.tui.browser.browser import BrowserScreen
    from riskgraph.tui.dashboard.dashboard import DashboardScreen
    from riskgraph.tui.detail.explore import ExploreScreen
    from riskgraph.tui.detail.neighbourhood_view import NeighbourhoodTree
    from riskgraph.tui.due.due_screen import DueScreen
    from riskgraph.tui.editor.fields import LinkButton
    from riskgraph.tui.editor.form import EditorScreen
    from riskgraph.tui.editor.kind_picker import KindPicker
    from riskgraph.tui.editor.link_picker import LinkPicker
    from riskgraph.tui.export.export_dialog import DocumentDialog, ExportDialog
    from riskgraph.tui.help.help import HelpScreen
    from riskgraph.tui.library.library_screen import LibraryScreen
    from riskgraph.tui.query.console import QueryScreen
    from riskgraph.tui.readiness.readiness import ReadinessScreen
    from riskgraph.tui.review.review import ReviewScreen
    from riskgraph.tui.snapshots.diff_screen import DiffScreen
    from riskgraph.tui.snapshots.picker import SnapshotPicker

    found: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", RiskgraphApp.BINDINGS),
        ("Dashboard", DashboardScreen.BINDINGS),
        ("Browse", BrowserScreen.BINDINGS),
        ("Explore", ExploreScreen.BINDINGS + NeighbourhoodTree.BINDINGS),
        ("Query", QueryScreen.BINDINGS),
        ("Export", ExportDialog.BINDINGS),
        ("Review", ReviewScreen.BINDINGS),
        ("Forms", EditorScreen.BINDINGS + LinkButton.BINDINGS + KindPicker.BINDINGS),
        ("Link picker", LinkPicker.BINDINGS),
        ("Libraries", LibraryScreen.BINDINGS),
        ("Readiness", ReadinessScreen.BINDINGS),
        ("Write a document", DocumentDialog.BINDINGS),
        ("Snapshots", SnapshotPicker.BINDINGS),
        ("Changes (diff)", DiffScreen.BINDINGS),
        ("Reviews due", DueScreen.BINDINGS),
        ("Help", HelpScreen.BINDINGS),
    ]
    return [(title, [b for b in bindings if isinstance(b, Binding)]) for title, bindings in found]


def binding_ids() -> set[str]:
    """Every binding ID of the app."""
    return {b.id for _title, bindings in sections() for b in bindings if b.id}


def check_keymap(keys: Mapping[str, str] | None, folder: Path | None = None) -> dict[str, str]:
    """The ``[keys]`` of a register, checked: every ID is one of the app's, every value one or
    more keys separated by commas. Raises ``InputError`` naming the file and the ID."""
    where = str(folder / CONFIG_FILE) if folder else CONFIG_FILE
    known = binding_ids()
    checked: dict[str, str] = {}
    for binding_id, value in (keys or {}).items():
        location = Location(file=where, column=f"[keys] {binding_id}")
        if binding_id not in known:
            raise InputError(
                "the terminal UI has no action with this ID",
                location=location,
                value=binding_id,
                expected="one of " + ", ".join(sorted(known)),
            )
        parts = [part.strip() for part in str(value).split(",")]
        if not parts or not all(part and _KEY.match(part) for part in parts):
            raise InputError(
                "these are not keys",
                location=location,
                value=value,
                expected='one or more key names separated by commas, e.g. "f4" or "ctrl+e,f4"',
            )
        checked[binding_id] = ",".join(parts)
    return checked


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys of ``binding`` in force under ``keymap``."""
    value = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [key.strip() for key in value.split(",") if key.strip()]
