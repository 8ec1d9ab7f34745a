"""Headless fuzzing of the screens with hostile strings: Rich markup, links, escape sequences,
very long text, right-to-left text, emoji, empty text and control characters, put into every
field the screens show of a risk, its owner, its system and the register's name.

The strings go straight into the store (not through the forms' checks), as data from an import
or another tool could. Each run visits the dashboard, the browser (risks and systems tabs, with
the preview), the explorer, the form, the link picker, the query console with the values in its
results, the help and the command palette. Passing means: no crash, and markup shown as the
characters it is made of (a printable string shows on screen exactly as written).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import make_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.widgets import Tabs
from tui_helpers import settle

from riskgraph.register import Register
from riskgraph.store.base import ChangeSet
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.browser.browser import PREVIEW_DELAY
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.query.console import QueryScreen
from riskgraph.tui.query.sparql_area import SparqlArea
from riskgraph.vocab import DCTERMS, REGISTER_GRAPH, RG

HOSTILE = [
    "[/bold]",
    "[bold red]loud[/]",
    "[link=https://evil.example]click me[/link]",
    "[@click=app.quit]quit[/]",
    "\x1b[31mred\x1b[0m \x07 bell",
    "",
    "x" * 5000,
    "مخاطر التحيز في نموذج الائتمان",  # right-to-left
    "\u202eevil\u202c override",
    "🔥💥 risk 👩🏽‍💻",
    "line one\nline two\r\nthree\ttab",
    "\x00\x08\x0b\x0c\x7f\x9b",
    "{register} {keys} %s {0}",
    "`code` **bold** <script>alert(1)</script>",
]
PRINTABLE = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,38}[\x21-\x7e]$")
SIZE = (160, 48)


@pytest.fixture(scope="module")
def hostile_folder(example_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "register"
    shutil.copytree(example_folder, folder)
    return folder


def put(register: Register, subject: str, predicate: str, value: str) -> None:
    """Replace the value of ``predicate`` of ``subject`` with ``value``, straight in the store."""
    graph = ox.NamedNode(REGISTER_GRAPH)
    node, prop = ox.NamedNode(register.base_iri + subject), ox.NamedNode(predicate)
    with register.reader() as store:
        old = list(store.quads(REGISTER_GRAPH, subject=register.base_iri + subject))
    remove = [q for q in old if q.predicate == prop]
    register.commit(ChangeSet(remove=remove, add=[ox.Quad(node, prop, ox.Literal(value), graph)]))


def screen_text(app: RiskgraphApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def visit_every_screen(app: RiskgraphApp) -> dict[str, str]:
    """Visit the screens that show the values; return each screen's text by name."""
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen["dashboard"] = screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        for tab in ("risks", "systems"):
            app.screen.query_one("#tabs", Tabs).active = tab
            await settle(pilot)
            await pilot.pause(PREVIEW_DELAY + 0.05)
            await settle(pilot)
            seen[tab] = screen_text(app)
        app.open_node(app.register.base_iri + "R-001")
        await settle(pilot)
        seen["explorer"] = screen_text(app)
        app.edit("R-001")
        await settle(pilot)
        if isinstance(app.screen, EditorScreen):  # data the model refuses does not open a form
            seen["form"] = screen_text(app)
            app.screen.query_one("#field-owner").focus()
            await pilot.press("enter")  # the link picker lists people by name
            await settle(pilot)
            seen["picker"] = screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        console = app.screen
        assert isinstance(console, QueryScreen)
        console.query_one("#editor", SparqlArea).load_text(
            "SELECT ?title ?name WHERE { <" + app.register.base_iri + "R-001> dcterms:title "
            "?title ; rg:owner/dcterms:title ?name }"
        )
        await pilot.press("ctrl+enter")
        await settle(pilot)
        seen["console"] = screen_text(app)
        await pilot.press("f1")
        await settle(pilot)
        seen["help"] = screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"R-001")  # the palette finds entities by ID and title
        await pilot.pause(0.3)
        await settle(pilot)
        seen["palette"] = screen_text(app)
    return seen


FIELDS = ("title", "description", "category", "owner", "system", "register")
"""Where the strings go: the risk R-001's title, description and category, the name of its
owner, the title of its AI system, and the register's name (mode bar, help)."""


def spread(offset: int) -> dict[str, str]:
    """The hostile strings dealt over the fields, starting at ``offset``."""
    return {field: HOSTILE[(offset + i) % len(HOSTILE)] for i, field in enumerate(FIELDS)}


@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
@given(
    values=st.fixed_dictionaries(
        {
            field: st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
            for field in FIELDS
        }
    )
)
@example(values=spread(0))
@example(values=spread(6))
@example(values=spread(12))
async def test_hostile_strings_in_every_field_shown(
    hostile_folder: Path, values: dict[str, str]
) -> None:
    register = Register.open(hostile_folder)
    put(register, "R-001", DCTERMS + "title", values["title"])
    put(register, "R-001", DCTERMS + "description", values["description"])
    put(register, "R-001", RG + "category", values["category"])
    put(register, "P-DMURPHY", DCTERMS + "title", values["owner"])
    put(register, "SYS-CREDIT", DCTERMS + "title", values["system"])
    register.config.general.name = values["register"] or "(empty)"
    app = make_app(register)
    seen = await visit_every_screen(app)  # run_test re-raises any crash of the app
    assert app.return_code in (None, 0)
    title = values["title"]
    if PRINTABLE.match(title):
        assert title in seen["explorer"], "the title is not shown as written in the explorer"
        assert title in seen["console"], "the query result does not show the title as written"
    if PRINTABLE.match(title) and len(title) <= 30:
        assert title in seen["palette"], "the palette does not show the title as written"
    system = values["system"]
    if PRINTABLE.match(system) and len(system) <= 30:
        assert system in seen["systems"], "the system's title is not shown as written"


def test_the_spread_covers_every_hostile_string() -> None:
    dealt = {value for offset in (0, 6, 12) for value in spread(offset).values()}
    assert dealt == set(HOSTILE)
