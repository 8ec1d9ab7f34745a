"""Run the benchmarks and write benchmarks/RESULTS.md.

    python -m benchmarks.run                          # S, M, L and XL, 5 runs each
    python -m benchmarks.run --sizes S,M --repeat 3   # a quick look
    python -m benchmarks.run --skip-xl                # all but XL

The command that regenerates RESULTS.md is in benchmarks/README.md ("Regenerating RESULTS.md").

Side by side, in one run: the gap rules through riskgraph, on raw pyoxigraph, on rdflib and
as SQL over a columnar projection in DuckDB (the limit, ``bench_limit``); the whole gap report
on the embedded store and on an Oxigraph server; importing a risk CSV against a raw bulk load
of the same triples; ``riskgraph --help`` against ``import typer``; the TUI's first dashboard
against a bare Textual app's first frame; ``rank risks``.
Each measurement runs in its own process, which reports its peak memory. Sizes run from small
to large, so the long ones come last. Data are built once in ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import bench_data
from benchmarks.bench_common import ChildFailed, machine, run_child
from benchmarks.bench_gaps import gap_rules
from benchmarks.bench_results import write
from benchmarks.synth.profile import SIZES

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
LARGE = ("L", "XL")
CHILD_TIMEOUT = 4 * 3600.0
TUI_RUNS = 3
"""TUI runs of each kind at least (a first open after a change, a reopen, the bare app): one
run of each takes seconds, and a single one varies by tens of milliseconds."""


def _sizes(text: str, skip_xl: bool) -> list[str]:
    sizes = [s.strip().upper() for s in text.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size {', '.join(unknown)}; expected {', '.join(SIZES)}")
    ordered = [s for s in SIZES if s in sizes]
    return [s for s in ordered if not (skip_xl and s == "XL")]


def _say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


class Runner:
    """Runs the measurements in order and keeps going when one fails (it is reported)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.results: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "python -m benchmarks.run " + " ".join(sys.argv[1:]),
            "machine": machine(),
            "load_before": machine()["load"],
            "settings": {
                "sizes": args.sizes,
                "repeat": args.repeat,
                "repeat_large": min(args.repeat, args.repeat_large),
                "repeat_xl": min(args.repeat, args.repeat_large, args.repeat_xl),
                "rdflib_timeout": args.rdflib_timeout,
                "rule_timeout": args.rule_timeout,
                "report_timeout": args.report_timeout,
            },
            "data": {},
            "gaps": {},
            "report": {},
            "errors": [],
        }

    def runs(self, size: str) -> str:
        """Runs of the measurements that need one at least (TUI, rank risks, import)."""
        return str(max(1, int(self.repeat(size))))

    def repeat(self, size: str) -> str:
        """Timed runs after a warm-up; 0 (``--repeat-xl 0``): the one run is timed, cold."""
        if size == "XL":
            return str(min(self.args.repeat, self.args.repeat_large, self.args.repeat_xl))
        return str(
            self.args.repeat if size not in LARGE else min(self.args.repeat, self.args.repeat_large)
        )

    def attempt(self, what: str, step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``step(*args, **kwargs)``, or None (and the error noted) when it fails."""
        _say(what)
        try:
            return step(*args, **kwargs)
        except (ChildFailed, RuntimeError, OSError) as exc:
            _say(f"failed: {what}: {exc}")
            self.results["errors"].append(f"{what}: {str(exc).splitlines()[0]}")
            return None

    def prepare(self, size: str) -> None:
        """The size's data, built in a child process (see ``bench_data``)."""
        data = run_child("bench_data", "--prepare", size, "--work", str(self.work))
        self.results["data"][size] = data

    def child(self, what: str, module: str, *args: str) -> dict[str, Any] | None:
        """A measurement in its own process (see ``bench_common.run_child``), or None."""
        result: dict[str, Any] | None = self.attempt(
            what, run_child, module, *args, "--work", str(self.work), timeout=CHILD_TIMEOUT
        )
        return result

    def gaps(self, size: str) -> None:
        """Each rule in a process of its own (a rule pyoxigraph takes too long on ends only
        that process); rdflib, slow to load, runs every rule in one process."""
        engines: dict[str, Any] = self.results["gaps"].setdefault(size, {})
        for rule, _, _ in gap_rules():
            result = self.child(
                f"gap rule {rule.name}, riskgraph and raw pyoxigraph, size {size}",
                "bench_gaps",
                *("--engine", "pyoxigraph", "--size", size, "--rule", rule.name),
                *("--repeat", self.repeat(size), "--timeout", str(self.args.rule_timeout)),
            )
            self._merge(engines, result)
        result = self.child(
            f"gap rules, DuckDB limit, size {size}",
            "bench_limit",
            *("--size", size, "--repeat", self.repeat(size)),
        )
        self._merge(engines, result)
        if size in self.args.rdflib_sizes:
            result = self.child(
                f"gap rules, rdflib, size {size}",
                "bench_gaps",
                *("--engine", "rdflib", "--size", size),
                *("--timeout", str(self.args.rdflib_timeout)),
            )
            self._merge(engines, result)

    def stopped_rules(self, size: str) -> list[str]:
        """Rules that pyoxigraph did not finish within --rule-timeout at ``size``."""
        engines = self.results["gaps"].get(size, {})
        return sorted(
            {
                name
                for engine in ("riskgraph", "raw")
                for name, rule in engines.get(engine, {}).get("rules", {}).items()
                if not rule.get("times")
            }
        )

    @staticmethod
    def _merge(engines: dict[str, Any], result: dict[str, Any] | None) -> None:
        if result is None:
            return
        for name, measured in result["engines"].items():
            engine = engines.setdefault(name, {"rules": {}, "peak_rss_mb": 0.0})
            engine["rules"].update(measured["rules"])
            engine["peak_rss_mb"] = max(engine["peak_rss_mb"], result["peak_rss_mb"])
            if "load_s" in measured:
                engine["load_s"] = measured["load_s"]

    def report(self, size: str) -> None:
        backends = self.results["report"].setdefault(size, {})
        repeat = "0" if size in LARGE else self.repeat(size)  # L, XL: one (long) run
        common = ("--size", size, "--repeat", repeat, "--timeout", str(self.args.report_timeout))
        backends["embedded"] = self.child(
            f"gap report, embedded, size {size}",
            "bench_gap_report",
            *("--backend", "embedded", *common),
        )
        if size not in self.args.remote_sizes:
            return
        built = self.child(f"Oxigraph server data, size {size}", "bench_data", "--server", size)
        if built is None:
            return
        server = bench_data.start_server(Path(built["folder"]))
        try:
            urls = server.settings()
            assert urls.update_url is not None and urls.store_url is not None
            remote = self.child(
                f"gap report, remote, size {size}",
                "bench_gap_report",
                *("--backend", "remote", *common, "--query-url", urls.query_url),
                *("--update-url", urls.update_url, "--store-url", urls.store_url),
                *("--server-kind", urls.server_kind or ""),
            )
            if remote is not None:
                remote["server_rss_mb"] = server.peak_rss_mb()
            backends["remote"] = remote
        finally:
            server.stop()

    def imports(self) -> None:
        size, rows = self.args.import_size, self.args.import_rows
        if size not in self.args.sizes:
            _say(f"import skipped: size {size} is not among --sizes")
            return
        result: dict[str, Any] = {"size": size, "rows": rows}
        for engine in ("riskgraph", "raw"):
            extend = ("--extend",) if engine == "raw" and self.args.import_extend else ()
            result[engine] = self.child(
                f"import of {rows:,} risk rows, {engine}, size {size}",
                "bench_import",
                *("--engine", engine, "--size", size, "--rows", str(rows)),
                *("--repeat", self.runs(size), *extend),
            )
        self.results["import"] = result

    def tui(self, size: str) -> None:
        """First dashboard of riskgraph's TUI against a bare Textual app's first frame."""
        self.results.setdefault("tui", {})[size] = self.child(
            f"TUI first dashboard and a bare Textual app, size {size}",
            "bench_tui",
            *("--bench", size, "--runs", str(max(TUI_RUNS, int(self.runs(size))))),
        )

    def rank(self, size: str) -> None:
        self.results.setdefault("rank", {})[size] = self.child(
            f"rank risks, size {size}",
            "bench_rank",
            *("--size", size, "--repeat", self.runs(size)),
        )

    def startup(self) -> None:
        self.results["startup"] = self.attempt(
            "start-up", run_child, "bench_startup", "--repeat", str(max(self.args.repeat, 10))
        )

    def run(self) -> dict[str, Any]:
        began = time.perf_counter()
        self.startup()
        for size in self.args.sizes:
            size_began = time.perf_counter()
            self.attempt(f"data for size {size}", self.prepare, size)
            self.gaps(size)
            stopped = self.stopped_rules(size)
            if size == "XL" and stopped:
                _say(f"gap report on XL skipped: {', '.join(stopped)} did not finish")
                self.results["report"][size] = {"skipped": stopped}
            else:
                self.report(size)
            if size in self.args.tui_sizes:
                self.tui(size)
            if size in self.args.rank_sizes:
                self.rank(size)
            if size in self.results["data"]:
                self.results["data"][size]["measured_s"] = time.perf_counter() - size_began
        self.imports()
        self.results["load_after"] = machine()["load"]
        self.results["duration_s"] = time.perf_counter() - began
        return self.results


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="S,M,L,XL", help="comma-separated (%(default)s)")
    parser.add_argument("--skip-xl", action="store_true", help="leave XL out")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (%(default)s)")
    parser.add_argument(
        "--repeat-large", type=int, default=3, help="at most this many runs on L and XL"
    )
    parser.add_argument(
        "--repeat-xl",
        type=int,
        default=1,
        help="at most this many runs on XL; 0: one run without a warm-up (%(default)s)",
    )
    parser.add_argument("--rdflib-sizes", default="S,M", help="sizes rdflib runs on (%(default)s)")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=60.0, help="seconds per rule (%(default)s)"
    )
    parser.add_argument(
        "--rule-timeout",
        type=float,
        default=120.0,
        help="stop a gap rule run through pyoxigraph after this many seconds (%(default)s)",
    )
    parser.add_argument(
        "--report-timeout",
        type=float,
        default=1200.0,
        help="stop a whole gap report after this many seconds (%(default)s)",
    )
    parser.add_argument(
        "--remote-sizes",
        default="S,M,L,XL",
        help="sizes the gap report is also timed on against an Oxigraph server (%(default)s)",
    )
    parser.add_argument("--tui-sizes", default="L", help="sizes the TUI is timed on (%(default)s)")
    parser.add_argument(
        "--rank-sizes", default="L", help="sizes rank risks is timed on (%(default)s)"
    )
    parser.add_argument("--import-size", default="L", help="register the CSV goes on")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--import-extend",
        action="store_true",
        help="also time pyoxigraph's one-transaction extend of the imported triples, once "
        "(minutes at 100,000 rows; no target depends on it)",
    )
    parser.add_argument("--work", type=Path, default=bench_data.DEFAULT_WORK)
    parser.add_argument("--output", type=Path, default=RESULTS, help="%(default)s")
    args = parser.parse_args()
    args.sizes = _sizes(args.sizes, args.skip_xl)
    args.rdflib_sizes = _sizes(args.rdflib_sizes, False)
    args.tui_sizes = _sizes(args.tui_sizes, False)
    args.remote_sizes = _sizes(args.remote_sizes, False)
    args.rank_sizes = _sizes(args.rank_sizes, False)
    args.work.mkdir(parents=True, exist_ok=True)

    results = Runner(args).run()
    (args.work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    write(results, args.output)
    _say(f"wrote {args.output} (raw numbers: {args.work / 'results.json'})")


if __name__ == "__main__":
    main()
