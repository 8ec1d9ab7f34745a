"""The command palette (ctrl+p): every action of the app, and every entity by ID or title."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen

from riskgraph.tui.data.editing import EDITABLE, Choice
from riskgraph.tui.text import visible

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


def _app(provider: Provider) -> RiskgraphApp:
    return cast("RiskgraphApp", provider.app)


def app_actions(
    app: RiskgraphApp, screen: Screen[object] | None = None
) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of every action the palette offers, with those of ``screen`` (the
    screen the palette was opened on; default: the screen on display)."""
    actions: list[tuple[str, str, Callable[[], object]]] = [
        (
            "Go to dashboard",
            "Counts, heatmaps, gaps, reviews due, drafts (key 1)",
            partial(app.switch_mode, "dashboard"),
        ),
        (
            "Go to browser",
            "Systems, risks, controls ... with search and filters (key 2)",
            partial(app.switch_mode, "browse"),
        ),
        (
            "Go to explorer",
            "The current entity and its neighbours (key 3)",
            partial(app.switch_mode, "explore"),
        ),
        (
            "Go to query console",
            "SPARQL editor, stored queries, export (key 4)",
            partial(app.switch_mode, "query"),
        ),
        (
            "Go to draft review",
            "Accept or reject the assistant's drafts (key 5)",
            partial(app.switch_mode, "review"),
        ),
        ("Help", "What each screen is for, keys, levels and appetite (key ?)", app.action_help),
        (
            "Reviews due",
            "Risks, controls, treatments and AI systems due or overdue for review, by owner "
            "(key R)",
            app.action_due,
        ),
        (
            "Browse libraries",
            "Risk and control libraries, their concepts and mappings (key l)",
            app.action_libraries,
        ),
        (
            "Certification readiness",
            "Per stage of the ISO/IEC 42001 journey: what is done, what is missing (key c)",
            app.action_readiness,
        ),
        (
            "Write trust report",
            "The public HTML page for customers, with only what the register marks public",
            app.action_trust_report,
        ),
        (
            "Open snapshot",
            "Show a snapshot of the register read-only, or the register itself (key o)",
            app.action_snapshots,
        ),
        (
            "Changes between snapshots",
            "What was added, removed and changed between two snapshots or since one (key D)",
            app.action_diff,
        ),
        (
            "Toggle light/dark theme",
            "Switch between the light and the dark theme (ctrl+t)",
            app.action_toggle_theme,
        ),
        (
            "Undo last change",
            "Put back the entity as it was before your last save (key u)",
            app.action_undo,
        ),
        (
            "Reload",
            "Read the register again, e.g. after changes from the command line (ctrl+r)",
            app.action_reload,
        ),
    ]
    for kind in EDITABLE:
        actions.append(
            (f"New {kind}", f"Open an empty {kind} form (key n)", partial(app.new, kind))
        )
    return actions + _screen_actions(app, screen or app.screen)


def _screen_actions(
    app: RiskgraphApp, screen: Screen[object]
) -> list[tuple[str, str, Callable[[], object]]]:
    """The actions of ``screen`` (and its widgets), as its footer shows them."""
    found: dict[str, tuple[str, str, Callable[[], object]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is app or not binding.description or not active.enabled:
            continue
        display = binding.key_display or app.get_key_display(binding)
        found.setdefault(
            binding.description,
            (
                binding.description,
                f"{type(active.node).__name__}: key {display or key}",
                partial(app.run_action, binding.action, active.node),
            ),
        )
    return list(found.values())


class ActionCommands(Provider):
    """Every action, by name."""

    async def discover(self) -> Hits:
        for name, help_text, callback in app_actions(_app(self), self.screen):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in app_actions(_app(self), self.screen):
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class EntityCommands(Provider):
    """Open any entity or catalogue item in the explorer by its ID or title."""

    MAX_HITS = 40

    async def startup(self) -> None:
        _types, self.choices = await asyncio.to_thread(_app(self).link_choices)

    async def search(self, query: str) -> Hits:
        app = _app(self)
        matcher = self.matcher(query)
        hits = 0
        for choice in getattr(self, "choices", []):
            text = visible(f"{choice.key}  {choice.title}")
            if (score := matcher.match(text)) > 0:
                yield Hit(
                    score,
                    plain_highlight(matcher, text),
                    partial(app.open_node, _iri(app, choice)),
                    help=f"Open this {choice.kind or 'item'} in the explorer",
                )
                hits += 1
                if hits >= self.MAX_HITS:
                    return


def plain_highlight(matcher: Matcher, text: str) -> Content:
    """``text`` with the matched characters highlighted, read as text: ``Matcher.highlight``
    reads its candidate as markup, and a title is never markup."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _iri(app: RiskgraphApp, choice: Choice) -> str:
    from riskgraph.model.fields import catalogue_iri

    return catalogue_iri(choice.key) if choice.catalogue else app.register.base_iri + choice.key
