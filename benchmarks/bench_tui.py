"""Benchmark of the TUI on synthetic registers (``benchmarks.synth``): how long until a first
dashboard shows, until every dashboard panel has filled in, and until the browser's risk tab
lists every risk. The app runs headless (Textual's ``run_test``) at 120x40; each run is a fresh
app, in a process of its own (so that no evaluation left running by one run slows the next), on
the same register folder; the figures are medians over the runs.

Two kinds of runs: the first open after a change ("cold": the read models the dashboard keeps per
register state, ``riskgraph.views.kept``, are removed first, so every panel reads the store), and
an open of a register that has not changed since it was last open ("kept": the runs after a cold
run find them).

    python -m benchmarks.bench_tui                       # S and M, 5 runs each
    python -m benchmarks.bench_tui --sizes S M L --runs 3
    python -m benchmarks.bench_tui --bench L --runs 3 --work W   # for benchmarks.run (JSON)
    python -m benchmarks.bench_tui --sizes L --cold              # first opens after a change

Beside riskgraph's app, ``--bench`` times a bare Textual app (one line of text) to its first
frame, the same way and in processes of the same kind: the floor any Textual app starts from.

Registers are generated once into the work folder (default: a temporary folder) and reused
when ``--work`` names one that already holds them. Prints a Markdown table (the "Measured"
section of docs/tui.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from textual.app import App, ComposeResult
from textual.widgets import Static

from benchmarks.bench_common import emit
from benchmarks.synth.profile import SIZES, profile_for
from benchmarks.synth.register import write_register
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.browser.browser import BrowserScreen
from riskgraph.tui.dashboard.dashboard import DashboardScreen, Panel
from riskgraph.views.kept import KEPT_DIR

SIZE = (120, 40)
TODAY = date(2026, 11, 1)
"""The generator's default as-of day, so that reviews due are the same every run."""
POLL = 0.01
DEADLINE = 600.0
"""Seconds a run may take before it is given up."""


@dataclass
class Run:
    first_dashboard: float
    """Counts and heatmaps on screen."""
    full_dashboard: float
    """Gaps, reviews due and drafts on screen too (or their error)."""
    risks_tab: float
    """From switching to the browser's risk tab until its rows are in the table."""
    notes: str = ""


def make_register(size: str, work: Path) -> Path:
    """A register folder holding the synthetic register of ``size`` (built once)."""
    folder = work / f"register-{size}"
    done = work / f"register-{size}.complete"
    if done.exists():
        return folder
    data = work / f"{size}.nq"
    with data.open("w", encoding="utf-8") as out:
        write_register(out, profile_for(size), fmt="nq")
    register = init_register(folder, name=f"synthetic register {size}")
    with register.writer() as store:
        assert isinstance(store, EmbeddedStore)
        store.raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        commit(store, ChangeSet())
    data.unlink()
    done.touch()
    return folder


async def _until(condition: Callable[[], bool], what: str) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > DEADLINE:
            raise TimeoutError(f"gave up waiting for {what} after {DEADLINE:g} s")
        await asyncio.sleep(POLL)
    return time.perf_counter()


def _filled(screen: DashboardScreen, panel: str) -> bool:
    options = screen.query_one(f"#{panel}", Panel)
    return options.option_count > 0 and "loading" not in str(options.get_option_at_index(0).prompt)


def _gap_problem(screen: DashboardScreen) -> str:
    """What the gaps panel says when it could not show the gaps (e.g. a rule timed out)."""
    gaps = screen.query_one("#gaps", Panel)
    if "rules" in str(gaps.border_subtitle):
        return ""
    return f"gaps panel: {gaps.get_option_at_index(0).prompt}"


def forget_kept(folder: Path) -> None:
    """Remove the read models kept for ``folder``'s register: the next open reads the store."""
    shutil.rmtree(folder / KEPT_DIR, ignore_errors=True)


async def one_run(folder: Path, *, cold: bool = False) -> Run:
    if cold:
        forget_kept(folder)
    app = RiskgraphApp(Register.open(folder), today=TODAY)
    app.animation_level = "none"
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:

        def dashboard() -> DashboardScreen | None:
            return app.screen if isinstance(app.screen, DashboardScreen) else None

        first = await _until(
            lambda: (screen := dashboard()) is not None and screen.overview is not None,
            "the dashboard",
        )
        full = await _until(
            lambda: (
                (screen := dashboard()) is not None
                and all(_filled(screen, panel) for panel in ("gaps", "due", "drafts"))
            ),
            "every dashboard panel",
        )
        screen = dashboard()
        assert screen is not None
        notes = _gap_problem(screen)
        await pilot.press("2")
        tab_start = time.perf_counter()
        await _until(lambda: isinstance(app.screen, BrowserScreen), "the browser")
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        browser.load_tab("risks")
        listed = await _until(lambda: "risks" in browser.listings, "the risk tab")
    return Run(first - start, full - start, listed - tab_start, notes)


class _Bare(App[None]):
    """The least a Textual app can show: one line of text."""

    def compose(self) -> ComposeResult:
        yield Static("ready", id="ready")


async def bare_run() -> float:
    """Seconds until a bare Textual app has its first frame on screen (its widget mounted)."""
    app = _Bare()
    app.animation_level = "none"
    start = time.perf_counter()
    async with app.run_test(size=SIZE):
        shown = await _until(
            lambda: bool(app.query("#ready")) and app.query_one("#ready").is_mounted,
            "the bare app's first frame",
        )
    return shown - start


def bench_json(size: str, runs: int, work: Path) -> dict[str, Any]:
    """For ``benchmarks.run``: ``runs`` cold riskgraph runs, as many kept runs (each after a
    cold one, so that it finds what that one kept) and as many bare-app runs, each in a
    process of its own, on the register folder of ``benchmarks.bench_data``; peak memory is
    the largest of those processes'."""
    from benchmarks.bench_data import register_folder

    folder = register_folder(size, work)
    cold, warm = [], []
    for _ in range(runs):
        cold.append(_in_child(folder, cold=True))
        warm.append(_in_child(folder))
    bare = [_bare_in_child() for _ in range(runs)]
    forget_kept(folder)  # the register folder is shared with the other benchmarks
    return {
        "size": size,
        "first_dashboard": [r.first_dashboard for r in warm],
        "full_dashboard": [r.full_dashboard for r in warm],
        "risks_tab": [r.risks_tab for r in warm],
        "first_dashboard_cold": [r.first_dashboard for r in cold],
        "full_dashboard_cold": [r.full_dashboard for r in cold],
        "bare_first_frame": bare,
        "notes": sorted({r.notes for r in cold + warm if r.notes}),
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _bare_in_child() -> float:
    return float(_child("--bare"))


def bench_size(size: str, runs: int, work: Path, *, cold: bool) -> list[Run]:
    folder = make_register(size, work)
    return [_in_child(folder, cold=cold) for _ in range(runs)]


def _in_child(folder: Path, *, cold: bool = False) -> Run:
    return Run(**_child("--one", str(folder), *(["--cold"] if cold else [])))


def _child(*args: str) -> Any:
    """One run in a process of its own: the JSON on the last line it prints."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_tui", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=DEADLINE * 3,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_tui", description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=["S", "M"], choices=list(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None, help="folder to keep registers in")
    parser.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--cold", action="store_true", help="remove the kept read models before every run"
    )
    parser.add_argument(
        "--bench", choices=list(SIZES), default=None, help="one size, as JSON for benchmarks.run"
    )
    args = parser.parse_args(argv)
    if args.one is not None:  # one run, in a child process: print its figures as JSON
        print(json.dumps(asdict(asyncio.run(one_run(args.one, cold=args.cold)))), flush=True)
        return
    if args.bare:  # one run of the bare app, in a child process
        print(json.dumps(asyncio.run(bare_run())), flush=True)
        return
    if args.bench is not None:
        if args.work is None:
            parser.error("--bench needs --work")
        emit(bench_json(args.bench, args.runs, args.work))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="riskgraph-bench-tui-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| size | first dashboard | every panel | risks tab | notes |")
    print("|---|---:|---:|---:|---|")
    for size in args.sizes:
        results = bench_size(size, args.runs, work, cold=args.cold)
        notes = "; ".join(sorted({r.notes for r in results if r.notes}))
        print(
            f"| {size} | {_median(results, 'first_dashboard')} | "
            f"{_median(results, 'full_dashboard')} | {_median(results, 'risks_tab')} | {notes} |",
            flush=True,
        )


def _median(runs: list[Run], name: str) -> str:
    return f"{statistics.median(getattr(r, name) for r in runs):.2f} s"


if __name__ == "__main__":
    main()
