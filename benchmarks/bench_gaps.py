"""Every gap rule on one size: riskgraph and raw pyoxigraph side by side, or rdflib.

    python -m benchmarks.bench_gaps --engine pyoxigraph --size M --repeat 5
    python -m benchmarks.bench_gaps --engine rdflib --size M --timeout 60

- ``riskgraph``: each rule as ``riskgraph gaps`` runs it (its fast form where it has one,
  ``riskgraph.analysis.gap_fast``) through ``riskgraph.queries.run_query`` on the register's
  reader (parameters bound, read-only guard, worker thread, rows as dicts), every row read;
- ``raw``: the very same SPARQL text (parameters bound in the same way) on the same store files
  opened with pyoxigraph directly, union default graph, every value of every row touched.
  The two take turns in one process, so that the machine's changing load hits both alike;
- ``rdflib``: the same text on an in-memory ``rdflib.Dataset`` with the union default graph,
  loaded from the whole store, one run per rule.

A run that takes longer than ``--timeout`` is stopped and reported as such: rdflib by a timer
signal (it is pure Python), pyoxigraph (which cannot cancel a query) by ending the process.

Prints JSON: per engine and rule, the times and the row count; rdflib's load time; the peak
memory of the process.
"""

from __future__ import annotations

import argparse
import signal
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks.bench_common import emit, watchdog
from benchmarks.bench_data import DEFAULT_WORK, TODAY, register_folder, whole_store_nquads
from benchmarks.synth.register import DEFAULT_BASE
from riskgraph.analysis.gap_fast import fast_form
from riskgraph.analysis.gaps import APPETITE_PARAM, TODAY_PARAM, ordered_rules
from riskgraph.config import RegisterConfig
from riskgraph.queries import GAPS_TAG, StoredQuery, bind_parameters, load_library, run_query
from riskgraph.register import STORE_DIR, Register
from riskgraph.store.binding import bind


class RuleTimeout(Exception):
    pass


Run = Callable[[StoredQuery, dict[str, Any], str], int]
"""Runs one rule (given its parameters and its bound text) and returns its row count."""


def gap_rules() -> list[tuple[StoredQuery, dict[str, Any], str]]:
    """(rule, its parameters, its SPARQL with the parameters bound) for every built-in rule."""
    params: dict[str, Any] = {
        TODAY_PARAM: TODAY,
        APPETITE_PARAM: RegisterConfig().risk.appetite_rank,
    }
    rules = []
    for rule in ordered_rules(load_library(None).tagged(GAPS_TAG)):
        given = {name: value for name, value in params.items() if rule.accepts(name)}
        terms = bind_parameters(rule, given, base_iri=DEFAULT_BASE, today=TODAY)
        rules.append((rule, given, bind(rule.sparql, terms)))
    return rules


def riskgraph_runs(size: str, work: Path, stack: ExitStack) -> Run:
    register = Register.open(register_folder(size, work))
    store = stack.enter_context(register.reader())

    def run(rule: StoredQuery, given: dict[str, Any], _text: str) -> int:
        with run_query(
            store,
            fast_form(rule, store, limited_to_system=False),
            given,
            base_iri=DEFAULT_BASE,
            today=TODAY,
            limit=None,
            time_limit=None,
        ) as running:
            rows = getattr(running.result, "rows", None)
            return sum(1 for _ in rows) if rows is not None else 0

    return run


def raw_runs(size: str, work: Path) -> Run:
    store = ox.Store.read_only(str(register_folder(size, work) / STORE_DIR))

    def run(_rule: StoredQuery, _given: dict[str, Any], text: str) -> int:
        count = 0
        for solution in store.query(text, use_default_graph_as_union=True):  # type: ignore[union-attr]
            for _value in solution:
                pass
            count += 1
        return count

    return run


def rdflib_runs(size: str, work: Path, loaded: dict[str, float]) -> Run:
    import rdflib

    start = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(str(whole_store_nquads(size, work)), format="nquads")
    loaded["seconds"] = time.perf_counter() - start

    def run(_rule: StoredQuery, _given: dict[str, Any], text: str) -> int:
        return sum(1 for _ in dataset.query(text))

    return run


def _interrupt(_signum: int, _frame: object) -> None:
    raise RuleTimeout


def measure_rdflib(
    run: Run, rule: StoredQuery, given: dict[str, Any], text: str, limit: float
) -> dict[str, Any]:
    """One run of one rule on rdflib (a warm-up would double a long wait), stopped at
    ``limit`` seconds."""
    start = time.perf_counter()
    try:
        signal.setitimer(signal.ITIMER_REAL, limit)
        rows = run(rule, given, text)
    except RuleTimeout:
        return {"timeout": limit}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"times": [time.perf_counter() - start], "rows": rows}


def measure_side_by_side(
    runs: dict[str, Run],
    rule: StoredQuery,
    given: dict[str, Any],
    text: str,
    repeat: int,
    cap: float | None,
) -> dict[str, dict[str, Any]]:
    """Each engine runs the rule once to warm up, then ``repeat`` times, taking turns, so that
    a change in the machine's load hits both alike (``repeat`` 0: the one run is timed, cold).
    A run longer than ``cap`` seconds stops the process, reporting that engine as stopped (and
    the others as not measured)."""
    rows: dict[str, int] = {}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for round_ in range(max(repeat, 0) + 1):
        for name, run in runs.items():

            def stopped(name: str = name) -> dict[str, Any]:
                return {
                    "engines": {
                        engine: {"rules": {rule.name: {"timeout": cap} if engine == name else {}}}
                        for engine in runs
                    }
                }

            with watchdog(cap, stopped):
                start = time.perf_counter()
                rows[name] = run(rule, given, text)
                if round_ or repeat == 0:
                    times[name].append(time.perf_counter() - start)
    return {name: {"times": times[name], "rows": rows[name]} for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["pyoxigraph", "rdflib"], required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--rule", help="only this rule (default: every gap rule)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0, help="per rule and run")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = parser.parse_args()

    rules = [r for r in gap_rules() if args.rule in (None, r[0].name)]
    if not rules:
        raise SystemExit(f"no gap rule called {args.rule!r}")
    engines: dict[str, dict[str, Any]] = {}
    if args.engine == "rdflib":
        loaded: dict[str, float] = {}
        run = rdflib_runs(args.size, args.work, loaded)
        signal.signal(signal.SIGALRM, _interrupt)
        engines["rdflib"] = {
            "rules": {r.name: measure_rdflib(run, r, g, t, args.timeout) for r, g, t in rules},
            "load_s": loaded["seconds"],
        }
    else:
        with ExitStack() as stack:
            runs = {
                "riskgraph": riskgraph_runs(args.size, args.work, stack),
                "raw": raw_runs(args.size, args.work),
            }
            engines = {name: {"rules": {}} for name in runs}
            for rule, given, text in rules:
                measured = measure_side_by_side(runs, rule, given, text, args.repeat, args.timeout)
                for name, result in measured.items():
                    engines[name]["rules"][rule.name] = result
    emit({"size": args.size, "engines": engines})


if __name__ == "__main__":
    main()
