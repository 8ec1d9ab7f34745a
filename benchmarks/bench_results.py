"""Render the runner's results as Markdown, between two markers of benchmarks/RESULTS.md.

Only the part between ``BEGIN`` and ``END`` is rewritten, so the analysis written around it by
hand (why a target is missed, what would fix it) survives the next run.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from benchmarks.bench_common import median

BEGIN = "<!-- measured: written by python -m benchmarks.run; edits here are overwritten -->"
END = "<!-- end of measured -->"

TARGETS = {
    "rules_l_s": 3.0,
    "report_l_s": 5.0,
    "report_mb": 300.0,
    "remote": 1.2,
    "rdflib": 100.0,
    "import": 2.0,
    "import_mb": 1000.0,
    "tui": 2.0,
    "rank_s": 10.0,
    "rank_mb": 500.0,
    "startup": 1.5,
}
"""Issue 16's targets."""


def seconds(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def ratio(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}×"


def megabytes(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def rule_medians(engine: dict[str, Any] | None) -> dict[str, float | None]:
    """Rule -> median seconds; None when it was stopped or not measured."""
    if not engine:
        return {}
    return {
        name: median(rule["times"]) if rule.get("times") else None
        for name, rule in engine["rules"].items()
    }


def stop_limit(engine: dict[str, Any] | None) -> float | None:
    """The time limit a rule of this engine was stopped at, if any was."""
    for rule in (engine or {}).get("rules", {}).values():
        if "timeout" in rule:
            return float(rule["timeout"])
    return None


def side_by_side(engines: dict[str, Any], other: str = "raw") -> tuple[float, float, list[str]]:
    """riskgraph's and ``other``'s totals over the rules both finished, and the rules of
    ``other`` not finished by both (every rule when ``other`` is raw pyoxigraph)."""
    ours, raw = rule_medians(engines.get("riskgraph")), rule_medians(engines.get(other))
    both = [n for n in ours if ours.get(n) is not None and raw.get(n) is not None]
    names = ours if other == "raw" else raw
    stopped = [n for n in names if n not in both]
    return (
        sum(ours[n] or 0.0 for n in both),
        sum(raw[n] or 0.0 for n in both),
        stopped,
    )


def rdflib_lower_bound(engine: dict[str, Any]) -> tuple[float, int]:
    """rdflib's total over all rules, counting a stopped rule as its limit; and how many were
    stopped (then the total is a lower bound)."""
    medians = rule_medians(engine)
    limit = stop_limit(engine) or 0.0
    stopped = sum(1 for v in medians.values() if v is None)
    return sum(v for v in medians.values() if v is not None) + limit * stopped, stopped


def render(results: dict[str, Any]) -> str:
    lines: list[str] = [BEGIN, ""]
    add = lines.append
    m = results["machine"]
    add(
        f"Run of {results['started']} ({seconds(results['duration_s'])} in all), command: "
        f"`{results['command']}`."
    )
    add("")
    add(f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, {m['os']}.")
    add(
        f"- Load average (1, 5, 15 min) before: {results['load_before']}, after: "
        f"{results['load_after']} (the machine is shared: other engineers' test runs)."
    )
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    add(f"- Versions: {versions}.")
    add(
        f"- Medians of {results['settings']['repeat']} runs after one warm-up run (S and M; "
        f"L: {results['settings']['repeat_large']}; XL: {_xl_runs(results['settings'])}); rdflib: "
        f"one run per rule, stopped at {results['settings']['rdflib_timeout']:g} s."
    )
    add("")
    lines.extend(_targets(results))
    lines.extend(_data(results))
    lines.extend(_gaps(results))
    lines.extend(_rules(results))
    lines.extend(_report(results))
    lines.extend(_import(results))
    lines.extend(_startup(results))
    lines.extend(_tui(results))
    lines.extend(_rank(results))
    if results.get("errors"):
        add("### Measurements that failed")
        add("")
        for error in results["errors"]:
            add(f"- {error}")
        add("")
    add(END)
    return "\n".join(lines)


def _rules_alone(results: dict[str, Any], size: str) -> tuple[float, list[str]] | None:
    """riskgraph's total over every gap rule at ``size``, and the rules it did not finish."""
    engine = results.get("gaps", {}).get(size, {}).get("riskgraph")
    if not engine:
        return None
    medians = rule_medians(engine)
    return sum(v or 0.0 for v in medians.values()), [n for n, v in medians.items() if v is None]


def _xl_runs(settings: dict[str, Any]) -> str:
    runs = settings.get("repeat_xl", settings["repeat_large"])
    return "one run without a warm-up" if runs == 0 else str(runs)


def _targets(results: dict[str, Any]) -> list[str]:
    """The targets of issue 16, in its order; then two ratios shown for reference."""
    rows = []
    alone = _rules_alone(results, "L")
    if alone:
        total, stopped = alone
        count = len(results["gaps"]["L"]["riskgraph"]["rules"])
        shown = f"{seconds(total)} ({count} rules)"
        original, _, _ = side_by_side(results["gaps"]["L"], "limit")
        if original:  # the rules the figure was about (the limit runs the same ones)
            shown += f"; the issue's eleven rules: {seconds(original)}"
        if stopped:
            shown += f"; not finished: {', '.join(stopped)}"
        rows.append(
            (
                "the gap rules alone at L (riskgraph, sum of the per-rule medians)",
                "≤ 3 s",
                shown,
                _verdict(not stopped and total <= TARGETS["rules_l_s"]),
            )
        )
    report = results.get("report", {}).get("L", {}).get("embedded")
    if report:
        took, peak = _report_time(report), report["peak_rss_mb"]
        note = " (when stopped)" if "timeout" in report else ""
        rows.append(
            (
                "`riskgraph gaps` at L (the whole report, `run_gaps`); peak memory",
                "≤ 5 s; ≤ 300 MB",
                f"{_report_text(report)}; {megabytes(peak)}{note}",
                _verdict(
                    took is not None
                    and "timeout" not in report
                    and took <= TARGETS["report_l_s"]
                    and peak <= TARGETS["report_mb"]
                ),
            )
        )
    remote_ratios = []
    for size in ("M", "L"):
        backends = results.get("report", {}).get(size, {})
        here, there = _report_time(backends.get("embedded")), _report_time(backends.get("remote"))
        if here and there:
            remote_ratios.append((size, there / here))
    if remote_ratios:
        rows.append(
            (
                "gap report against an Oxigraph server / embedded, M and L",
                "≤ 1.2×",
                ", ".join(f"{size} {ratio(r)}" for size, r in remote_ratios),
                _verdict(all(r <= TARGETS["remote"] for _, r in remote_ratios)),
            )
        )
    imported = results.get("import")
    if imported and imported.get("riskgraph") and imported.get("raw"):
        ours = median(imported["riskgraph"]["times"])
        bulk = median(imported["raw"]["bulk_load"])
        peak = imported["riskgraph"]["peak_rss_mb"]
        rows.append(
            (
                f"import {imported['rows']:,} risk rows / raw bulk load; peak memory",
                "≤ 2×; ≤ 1 GB",
                f"{ratio(ours / bulk)}; {megabytes(peak)}",
                _verdict(ours / bulk <= TARGETS["import"] and peak <= TARGETS["import_mb"]),
            )
        )
    startup = results.get("startup")
    if startup:
        ours = median(startup["commands"]["riskgraph --help"]["times"])
        typer = median(startup["commands"]["import typer"]["times"])
        rows.append(
            (
                "`riskgraph --help` / `import typer`",
                "≤ 1.5×",
                ratio(ours / typer),
                _verdict(ours / typer <= TARGETS["startup"]),
            )
        )
    rows.extend(_rank_targets(results))
    rows.extend(_tui_targets(results))
    at_m = results.get("gaps", {}).get("M", {})
    if at_m.get("rdflib") and at_m.get("riskgraph"):
        slow, halted = rdflib_lower_bound(at_m["rdflib"])
        quick = sum(v or 0.0 for v in rule_medians(at_m["riskgraph"]).values())
        if quick:
            rows.append(
                (
                    "gap rules at M: rdflib / riskgraph",
                    "≥ 100×",
                    ("> " if halted else "") + ratio(slow / quick),
                    _verdict(slow / quick >= TARGETS["rdflib"]),
                )
            )
    for label, other in (("raw pyoxigraph", "raw"), ("the DuckDB limit", "limit")):
        parts = []
        for size, engines in results.get("gaps", {}).items():
            mine, theirs, _ = side_by_side(engines, other)
            if mine and theirs:
                parts.append(f"{size} {ratio(mine / theirs)}")
        if parts:
            rows.append(
                (f"gap rules: riskgraph / {label} (for reference)", "–", ", ".join(parts), "–")
            )
    lines = ["### Targets", "", "| measure | target | measured | verdict |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    hashed = [
        (size, backends["embedded"]["hash_s"])
        for size, backends in results.get("report", {}).items()
        if (backends.get("embedded") or {}).get("hash_s") is not None
    ]
    if hashed:
        lines += [
            "",
            "The register hash is kept by every commit (a test checks it equals a full "
            "recomputation after random edit sequences: tests/core/test_register_hash_kept.py); "
            "one read of it on its own took "
            + ", ".join(f"{seconds(value)} at {size}" for size, value in hashed)
            + ".",
        ]
    return [*lines, ""]


def _data(results: dict[str, Any]) -> list[str]:
    lines = [
        "### Data",
        "",
        "| size | triples (register graph) | generate | load into a register | "
        "this size's part of the run |",
        "|---|---:|---:|---:|---:|",
    ]
    for size, data in results.get("data", {}).items():
        lines.append(
            f"| {size} | {data['triples']:,} | {seconds(data.get('generate_s'))} | "
            f"{seconds(data.get('load_s'))} | {seconds(data.get('measured_s'))} |"
        )
    note = (
        "Generation and loading are cached between runs (– when cached). A size's part of the "
        "run: its data, gap rules, gap report, TUI and rank risks (the import is timed apart)."
    )
    return [*lines, "", note, ""]


def _gaps(results: dict[str, Any]) -> list[str]:
    limit = results["settings"].get("rule_timeout")
    lines = [
        "### Gap queries: time against size",
        "",
        "All built-in gap rules, every row read: the sum of the per-rule medians over the rules "
        f"both engines finished (a run longer than {limit:g} s is stopped). riskgraph and raw "
        "pyoxigraph take turns in one process per rule (so they share its peak memory); rdflib "
        "runs every rule in one process, one run each. The limit: the eleven original rules as "
        "SQL over a columnar projection of the store in DuckDB (`benchmarks/bench_limit.py`), "
        "against riskgraph on the same eleven rules; building the projection (read the store, "
        "load DuckDB) is timed apart.",
        "",
        "| size | riskgraph | raw pyoxigraph | overhead | stopped | rdflib | rdflib / riskgraph "
        "| limit (projection) | riskgraph / limit, same rules "
        "| peak memory riskgraph + raw / rdflib / limit |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, engines in results.get("gaps", {}).items():
        ours, raw, stopped = side_by_side(engines)
        rdflib = engines.get("rdflib")
        if rdflib:
            slow, halted = rdflib_lower_bound(rdflib)
            everything = sum(v or 0.0 for v in rule_medians(engines.get("riskgraph")).values())
            rdflib_text = ("> " if halted else "") + seconds(slow)
            if halted:
                rdflib_text += f" ({halted} stopped at {stop_limit(rdflib):g} s)"
            versus = ("> " if halted else "") + ratio(slow / everything) if not stopped else "–"
        else:
            rdflib_text, versus = "not run", "–"
        limit_text, limit_ratio = "not run", "–"
        if engines.get("limit"):
            same, fastest, unfinished = side_by_side(engines, "limit")
            load = engines["limit"].get("load_s")
            limit_text = f"{seconds(fastest)} ({seconds(load)})"
            if same and fastest and not unfinished:
                limit_ratio = ratio(same / fastest)
        memory = " / ".join(
            megabytes(engines[e]["peak_rss_mb"]) if engines.get(e) else "–"
            for e in ("riskgraph", "rdflib", "limit")
        )
        lines.append(
            f"| {size} | {seconds(ours)} | {seconds(raw)} | "
            f"{ratio(ours / raw) if ours and raw else '–'} | {', '.join(stopped) or 'none'} | "
            f"{rdflib_text} | {versus} | {limit_text} | {limit_ratio} | {memory} |"
        )
    return [*lines, ""]


def _rules(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for size, engines in results.get("gaps", {}).items():
        ours, raw, rdflib, limit = (
            rule_medians(engines.get(e)) for e in ("riskgraph", "raw", "rdflib", "limit")
        )
        rows = {
            name: rule.get("rows")
            for name, rule in engines.get("raw", {"rules": {}})["rules"].items()
        }
        lines += [
            f"#### Gap rules one by one, size {size}",
            "",
            "| rule | rows | riskgraph | raw pyoxigraph | overhead | rdflib | limit (DuckDB) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ours:
            mine, theirs = ours.get(name), raw.get(name)
            slow = _rule_text(engines.get("rdflib"), name, rdflib)
            fastest = _rule_text(engines.get("limit"), name, limit)
            limit_rows = (engines.get("limit") or {"rules": {}})["rules"].get(name, {}).get("rows")
            if limit_rows is not None and rows.get(name) is not None and limit_rows != rows[name]:
                fastest += f" ({limit_rows} rows)"
            lines.append(
                f"| {name} | {rows.get(name) if rows.get(name) is not None else '–'} | "
                f"{_rule_text(engines.get('riskgraph'), name, ours)} | "
                f"{_rule_text(engines.get('raw'), name, raw)} | "
                f"{ratio(mine / theirs) if mine and theirs else '–'} | {slow} | {fastest} |"
            )
        lines.append("")
    return lines


def _rule_text(engine: dict[str, Any] | None, name: str, medians: dict[str, float | None]) -> str:
    if not engine or name not in engine["rules"]:
        return "–"
    rule = engine["rules"][name]
    if "timeout" in rule:
        return f"> {rule['timeout']:g} s"
    value = medians.get(name)
    return seconds(value) if value is not None else "not measured"


def _report(results: dict[str, Any]) -> list[str]:
    lines = [
        "### Gap report: embedded store against an Oxigraph server",
        "",
        "`run_gaps`: every rule, every row, and the register hash (the value every commit "
        "keeps). Remote: `oxigraph serve` on 127.0.0.1, the same data, riskgraph's SPARQL "
        "protocol client, the server's kind known (as discovery records it), so the rules' fast "
        "forms run there too. On L and XL one run each, without a warm-up, "
        f"stopped after {results['settings'].get('report_timeout', 0):g} s.",
        "",
        "| size | embedded | remote | remote / embedded | peak memory embedded | "
        "peak memory remote (client / server) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, backends in results.get("report", {}).items():
        if "skipped" in backends:
            why = ", ".join(backends["skipped"])
            lines.append(f"| {size} | not run: {why} did not finish in the rule runs | | | | |")
            continue
        embedded, remote = backends.get("embedded"), backends.get("remote")
        here, there = _report_time(embedded), _report_time(remote)
        both = embedded and remote and embedded.get("times") and remote.get("times")
        lines.append(
            f"| {size} | {_report_text(embedded)} | {_report_text(remote)} | "
            f"{ratio(there / here) if both and here and there else '–'} | "
            f"{megabytes(embedded['peak_rss_mb']) if embedded else '–'} | "
            f"{megabytes(remote['peak_rss_mb']) if remote else '–'} / "
            f"{megabytes(remote.get('server_rss_mb')) if remote else '–'} |"
        )
    return [*lines, ""]


def _report_time(result: dict[str, Any] | None) -> float | None:
    return median(result["times"]) if result and result.get("times") else None


def _report_text(result: dict[str, Any] | None) -> str:
    if result is None:
        return "–"
    if "timeout" in result and not result.get("times"):
        return f"> {result['timeout']:g} s"
    return seconds(_report_time(result))


def _import(results: dict[str, Any]) -> list[str]:
    imported = results.get("import")
    if not imported:
        return []
    ours, raw = imported.get("riskgraph"), imported.get("raw")
    lines = [
        f"### Import of {imported['rows']:,} risk rows on top of size {imported['size']}",
        "",
        "| how | time | rate | peak memory |",
        "|---|---:|---:|---:|",
    ]
    rows = imported["rows"]
    if ours:
        t = median(ours["times"])
        lines.append(
            f"| `riskgraph import` (mapping, validation, links, staged bulk load, stamps) | "
            f"{seconds(t)} | {rows / t:,.0f} rows/s | {megabytes(ours['peak_rss_mb'])} |"
        )
    if raw:
        for method, label in (
            ("bulk_load", "pyoxigraph `bulk_load` of the same triples"),
            ("extend", "pyoxigraph `extend` (one transaction)"),
        ):
            if not raw.get(method):
                continue
            t = median(raw[method])
            lines.append(
                f"| {label} | {seconds(t)} | {rows / t:,.0f} rows/s | "
                f"{megabytes(raw['peak_rss_mb'])} |"
            )
        lines.append("")
        lines.append(f"{raw['quads']:,} triples written for the risks (revision stamps aside).")
    return [*lines, ""]


def _startup(results: dict[str, Any]) -> list[str]:
    startup = results.get("startup")
    if not startup:
        return []
    lines = ["### Start-up", "", "| command | time | peak memory |", "|---|---:|---:|"]
    for name, run in startup["commands"].items():
        lines.append(f"| `{name}` | {seconds(median(run['times']))} | {megabytes(run['rss_mb'])} |")
    return [*lines, ""]


def _tui_targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for size, tui in results.get("tui", {}).items():
        if not tui:
            continue
        bare = median(tui["bare_first_frame"])
        for key, when in _TUI_OPENS:
            if key not in tui:
                continue
            ours = median(tui[key])
            rows.append(
                (
                    f"TUI first dashboard at {size}, {when} / a bare Textual app's first frame",
                    "≤ 2×",
                    f"{ratio(ours / bare)} ({seconds(ours)} / {seconds(bare)})",
                    _verdict(ours / bare <= TARGETS["tui"]),
                )
            )
    return rows


_TUI_OPENS = (
    ("first_dashboard_cold", "first open after a change"),
    ("first_dashboard", "reopened, register unchanged"),
)
"""The two ways the TUI is opened (``benchmarks.bench_tui``): the dashboard's read models
computed from the store, or kept from the last open of the same register state."""


def _rank_targets(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows = []
    for size, rank in results.get("rank", {}).items():
        if not rank:
            continue
        took, peak = median(rank["times"]), rank["traced_peak_mb"]
        rows.append(
            (
                f"`rank risks` at {size} (graph built), time; memory it allocates",
                "≤ 10 s; ≤ 500 MB",
                f"{seconds(took)}; {megabytes(peak)}",
                _verdict(took <= TARGETS["rank_s"] and peak <= TARGETS["rank_mb"]),
            )
        )
    return rows


def _tui(results: dict[str, Any]) -> list[str]:
    measured = {size: tui for size, tui in results.get("tui", {}).items() if tui}
    if not measured:
        return []
    lines = [
        "### TUI",
        "",
        "Headless (`App.run_test`, 120x40), each run a fresh process; from the app's creation "
        "until the dashboard shows its counts (first dashboard), until every panel has filled in, "
        "and from the browser's risk tab until its rows are listed. A first open after a change "
        "reads every panel from the store (the read models kept per register state are removed "
        "first); a reopen of an unchanged register finds them kept by the open before. The bare "
        "app is a Textual app showing one line of text, timed the same way. Peak memory: the "
        "largest of the processes.",
        "",
        "| size | opened | first dashboard | bare Textual app, first frame | ratio | every panel | "
        "risks tab | peak memory | notes |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, tui in measured.items():
        bare = median(tui["bare_first_frame"])
        for key, when in _TUI_OPENS:
            if key not in tui:
                continue
            ours = median(tui[key])
            panels = tui.get(key.replace("first_", "full_"), [])
            tab = seconds(median(tui["risks_tab"])) if key == "first_dashboard" else "–"
            lines.append(
                f"| {size} | {when} | {seconds(ours)} | {seconds(bare)} | {ratio(ours / bare)} | "
                f"{seconds(median(panels)) if panels else '–'} | {tab} | "
                f"{megabytes(tui['children_peak_rss_mb'])} | {'; '.join(tui['notes']) or '–'} |"
            )
    return [*lines, ""]


def _rank(results: dict[str, Any]) -> list[str]:
    measured = {size: rank for size, rank in results.get("rank", {}).items() if rank}
    if not measured:
        return []
    lines = [
        "### rank risks and the graph analytics",
        "",
        "The typed graph built once from a read-only store (as the CLI does), then the risk "
        "clusters; allocated: what one clustering allocated at its peak (tracemalloc); peak "
        "memory: the whole process, graph included.",
        "",
        "| size | build the graph | rank risks | clusters (risks in them) | allocated | "
        "peak memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for size, rank in measured.items():
        lines.append(
            f"| {size} | {seconds(rank['graph_s'])} | {seconds(median(rank['times']))} | "
            f"{rank['clusters']:,} ({rank['clustered']:,}) | {megabytes(rank['traced_peak_mb'])} | "
            f"{megabytes(rank['peak_rss_mb'])} |"
        )
    for size, rank in measured.items():
        if not rank.get("analytics"):
            continue
        lines += [
            "",
            f"#### Graph analytics, size {size}: typed graph {rank['nodes']:,} nodes, "
            f"{rank['edges']:,} edges",
            "",
            "On the graph built above; busiest inputs; medians after one warm-up run.",
            "",
            "| step | time |",
            "|---|---:|",
            f"| build the typed graph | {seconds(rank['graph_s'])} |",
        ]
        lines += [f"| {name} | {seconds(median(t))} |" for name, t in rank["analytics"].items()]
        lines.append(f"| rank risks | {seconds(median(rank['times']))} |")
    return [*lines, ""]


def write(results: dict[str, Any], path: Path) -> None:
    """Replace the measured part of ``path`` (or create the file around it)."""
    measured = render(results)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + measured + tail
    else:
        text = (text or "# Benchmark results\n\n") + measured + "\n"
    path.write_text(text, encoding="utf-8")
