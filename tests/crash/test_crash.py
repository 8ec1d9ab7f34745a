"""kill -9 during import, edit and push, at named moments and at random ones: the register is
exactly its state before the command or after it, and the next command needs no cleanup.

Named moments are the crash points of ``riskgraph.store.failpoints`` (the process kills itself
there); random moments are a SIGKILL from outside after a random delay. The random delays come
from a fixed seed ($RISKGRAPH_CRASH_SEED) so a failure can be replayed; $RISKGRAPH_CRASH_RANDOM
sets how many random kills each command gets (2 in CI, more for a nightly run).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_run import run
from crash_support import ROOT, register_quads
from remote_support import OxigraphServer, free_port

from riskgraph.config import EndpointSettings
from riskgraph.register import init_register
from riskgraph.store.base import CONTRIBUTOR
from riskgraph.store.failpoints import ENV_VAR
from riskgraph.store.fingerprint import HASH_PREDICATE
from riskgraph.store.remote import STAGING_GRAPHS, RemoteStore
from riskgraph.store.remote_http import SparqlEndpoint
from riskgraph.store.remote_lease import is_claim
from riskgraph.store.remote_transfer import RISKGRAPH_GRAPHS
from riskgraph.store.versions import LAST_GOOD, VERSIONS_DIR
from riskgraph.vocab import REGISTER_GRAPH, SETTINGS_GRAPH

SEED = int(os.environ.get("RISKGRAPH_CRASH_SEED", "20261204"))
RANDOM_KILLS = int(os.environ.get("RISKGRAPH_CRASH_RANDOM", "2"))
BIG_IMPORT_ROWS = 4_000
"""Enough people for a change above the staged-write threshold."""
STREAMED_IMPORT_ROWS = 60_000
"""Enough people for an import that streams into a bulk load in several batches."""

COMMANDS = {
    "edit": (["edit", "R-001", "--title", "Renamed after a crash test"], 2.0),
    "import": (["import", "{small}", "--kind", "person"], 2.5),
    "staged-import": (["import", "{big}", "--kind", "person"], 6.0),
    "streamed-import": (["import", "{huge}", "--kind", "person"], 12.0),
}
"""Command -> its arguments and the window (seconds) random kills fall in."""

POINTS = [
    ("edit", "commit:applied", "post"),
    ("edit", "last-good:swapping", "post"),
    ("import", "commit:applied", "post"),
    ("staged-import", "staged:copied", "pre"),
    ("staged-import", "staged:switched", "post"),
    ("staged-import", "last-good:swapping", "post"),
    ("streamed-import", "bulk:batch", "pre"),
    ("streamed-import", "bulk:loaded", "pre"),
    ("streamed-import", "staged:copied", "pre"),
    ("streamed-import", "staged:switched", "post"),
    ("streamed-import", "commit:applied", "post"),
]
"""Command, crash point, and the state the register must be in after a kill there."""


_UNDO = re.compile(r"urn:riskgraph:undo:[0-9a-f-]+")
_TIME = re.compile(r'"[^"]*"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>')


def _normal(quad: str) -> str:
    """A quad with what differs from run to run blanked: times, undo record names, and which
    program wrote a stamp."""
    quad = _TIME.sub('"T"', _UNDO.sub("urn:riskgraph:undo:X", quad))
    if str(CONTRIBUTOR) in quad:
        return quad.split(" ", 2)[0] + f" {CONTRIBUTOR} ?"
    return quad


def state(folder: Path) -> list[str]:
    return sorted(_normal(q) for q in register_quads(folder))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("inputs")
    small = folder / "people.csv"
    small.write_text("id,title\nP-901,Ada\nP-902,Grace\n", encoding="utf-8")
    big = folder / "many-people.csv"
    rows = "".join(f"P-{10_000 + i},Person {i}\n" for i in range(BIG_IMPORT_ROWS))
    big.write_text("id,title\n" + rows, encoding="utf-8")
    huge = folder / "more-people.csv"
    rows = "".join(f"P-{100_000 + i},Person {i}\n" for i in range(STREAMED_IMPORT_ROWS))
    huge.write_text("id,title\n" + rows, encoding="utf-8")
    return {"small": str(small), "big": str(big), "huge": str(huge)}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base") / "register"
    init_register(folder, with_example=True)
    return folder


def _args(command: str, folder: Path, inputs: dict[str, str]) -> list[str]:
    args, _ = COMMANDS[command]
    return [a.format(**inputs) for a in args] + ["-r", str(folder)]


@pytest.fixture(scope="module")
def outcomes(
    base: Path, inputs: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[list[str], list[str]]]:
    """Each command's register state before and after a run that is not interrupted."""
    found = {}
    for command in COMMANDS:
        folder = tmp_path_factory.mktemp(command) / "register"
        shutil.copytree(base, folder, symlinks=True)
        done = run(*_args(command, folder, inputs))
        assert done.code == 0, done.err
        found[command] = (state(base), state(folder))
    return found


def _riskgraph(args: list[str], **env: str) -> subprocess.Popen[bytes]:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, "-m", "riskgraph", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": path, **env},
    )


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> int:
    """SIGKILL ``process`` after ``delay`` seconds unless it has ended; its exit code."""
    try:
        return process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        return process.wait(timeout=60)


def _needs_no_cleanup(folder: Path) -> None:
    """The next commands just work, and leave nothing from the crash behind."""
    assert run("doctor", "-r", str(folder)).code == 0
    again = run("add", "person", "--title", "After the crash", "-r", str(folder))
    assert again.code == 0, again.err
    left = {p.name for p in (folder / VERSIONS_DIR).iterdir()}
    assert left == {(folder / "store").resolve().name, LAST_GOOD}
    assert run("doctor", "-r", str(folder)).code == 0


@pytest.fixture
def register(base: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "register"
    shutil.copytree(base, folder, symlinks=True)
    return folder


@pytest.mark.parametrize(("command", "point", "expected"), POINTS, ids=lambda v: str(v))
def test_a_kill_at_a_named_moment_leaves_the_state_before_or_after(
    register: Path,
    inputs: dict[str, str],
    outcomes: dict[str, tuple[list[str], list[str]]],
    command: str,
    point: str,
    expected: str,
) -> None:
    process = _riskgraph(_args(command, register, inputs), **{ENV_VAR: point})
    assert process.wait(timeout=120) == -signal.SIGKILL, f"{point} was never reached"
    pre, post = outcomes[command]
    assert state(register) == (pre if expected == "pre" else post)
    _needs_no_cleanup(register)


def _random_kills() -> Iterator[tuple[str, float]]:
    rng = random.Random(SEED)
    for command, (_, window) in COMMANDS.items():
        for _ in range(RANDOM_KILLS):
            yield command, round(rng.uniform(0.3, window), 2)


@pytest.mark.parametrize(("command", "delay"), list(_random_kills()), ids=lambda v: str(v))
def test_a_kill_at_a_random_moment_leaves_the_state_before_or_after(
    register: Path,
    inputs: dict[str, str],
    outcomes: dict[str, tuple[list[str], list[str]]],
    command: str,
    delay: float,
) -> None:
    code = _kill_after(_riskgraph(_args(command, register, inputs)), delay)
    pre, post = outcomes[command]
    assert state(register) in (pre, post), f"exit {code}: a state between before and after"
    if code == 0:
        assert state(register) == post
    _needs_no_cleanup(register)


# --- push ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bigger(base: Path, inputs: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a few more people and a change: what a push replaces the example with."""
    folder = tmp_path_factory.mktemp("bigger") / "register"
    shutil.copytree(base, folder, symlinks=True)
    assert run(*_args("import", folder, inputs)).code == 0
    assert run(*_args("edit", folder, inputs)).code == 0
    return folder


def _local(folder: Path) -> list[ox.Quad]:
    store = ox.Store.read_only(str((folder / "store").resolve()))
    return [
        q
        for q in store
        if isinstance(q.graph_name, ox.NamedNode)
        and q.graph_name.value.startswith(RISKGRAPH_GRAPHS)
        and not is_claim(q.subject)
    ]


def _same(left: list[ox.Quad], right: list[ox.Quad]) -> bool:
    """The same quads: exactly, and for quads with blank nodes (the ontology's OWL lists, the
    same on both sides of every push here) the same number in each graph."""

    def split(quads: list[ox.Quad]) -> tuple[set[ox.Quad], dict[str, int]]:
        plain: set[ox.Quad] = set()
        blank: dict[str, int] = {}
        for q in quads:
            if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                blank[str(q.graph_name)] = blank.get(str(q.graph_name), 0) + 1
            else:
                plain.add(q)
        return plain, blank

    # the kept register hash is bookkeeping that a push may drop and the next commit restores
    left = [q for q in left if q.predicate != HASH_PREDICATE]
    right = [q for q in right if q.predicate != HASH_PREDICATE]
    return len(left) == len(right) and split(left) == split(right)


def _on_endpoint(settings: EndpointSettings) -> tuple[list[ox.Quad], list[str]]:
    """The riskgraph quads readers see on the endpoint, and every graph name it holds."""
    endpoint = SparqlEndpoint(settings)
    try:
        store = RemoteStore(endpoint, read_only=True)
        # the shared settings are written beside the staged switch (riskgraph.shared_settings)
        graphs = [
            g for g in store.graph_names() if g.startswith(RISKGRAPH_GRAPHS) and g != SETTINGS_GRAPH
        ]
        quads = [q for g in graphs for q in store.quads(g) if not is_claim(q.subject)]
        return quads, store.all_graph_names()
    finally:
        endpoint.close()


@pytest.fixture
def endpoint(server: OxigraphServer, base: Path) -> EndpointSettings:
    """The endpoint holding the example register (pushed), to be replaced by a bigger one."""
    server.clear()
    settings = server.settings(with_store=False)
    assert (
        run(
            "push", settings.query_url, "--update-url", str(settings.update_url), "-r", str(base)
        ).code
        == 0
    )
    return settings


def _push(settings: EndpointSettings, folder: Path) -> list[str]:
    return [
        "push",
        settings.query_url,
        "--update-url",
        str(settings.update_url),
        "--replace",
        "-r",
        str(folder),
    ]


PUSH_KILLS = [("point", "push:staged"), ("point", "push:switching")] + [
    ("random", str(round(random.Random(SEED + i).uniform(0.3, 2.5), 2)))
    for i in range(RANDOM_KILLS)
]


@pytest.mark.parametrize(("how", "when"), PUSH_KILLS, ids=lambda v: str(v))
def test_a_killed_push_leaves_the_endpoint_before_or_after(
    endpoint: EndpointSettings, base: Path, bigger: Path, how: str, when: str
) -> None:
    pre, post = _local(base), _local(bigger)
    if how == "point":
        process = _riskgraph(_push(endpoint, bigger), **{ENV_VAR: when})
        assert process.wait(timeout=120) == -signal.SIGKILL, f"{when} was never reached"
        code = -signal.SIGKILL
    else:
        code = _kill_after(_riskgraph(_push(endpoint, bigger)), float(when))
    seen, _ = _on_endpoint(endpoint)
    if how == "point":  # both points come before the switch
        assert _same(seen, pre)
    elif code == 0:
        assert _same(seen, post)
    else:
        assert _same(seen, pre) or _same(seen, post)
    # The next push needs no cleanup, and takes the staging graphs away.
    again = run(*_push(endpoint, bigger))
    assert again.code == 0, again.err
    seen, names = _on_endpoint(endpoint)
    assert _same(seen, post)
    assert not [name for name in names if name.startswith(STAGING_GRAPHS)]


def test_readers_never_see_the_staging_graphs_of_a_push(
    endpoint: EndpointSettings, base: Path, bigger: Path, tmp_path: Path
) -> None:
    process = _riskgraph(_push(endpoint, bigger), **{ENV_VAR: "push:switching"})
    assert process.wait(timeout=120) == -signal.SIGKILL
    _, names = _on_endpoint(endpoint)
    assert [name for name in names if name.startswith(STAGING_GRAPHS)], "nothing was staged"
    # A teammate working on the endpoint sees the example register, whole, and nothing staged.
    team = init_register(tmp_path / "team", endpoint=endpoint)
    figures = run("stats", "-r", str(team.folder))
    assert figures.code == 0, figures.err
    held = sum(1 for q in _local(base) if q.graph_name == ox.NamedNode(REGISTER_GRAPH))
    assert f"{held} triples in the register graph" in figures.out
