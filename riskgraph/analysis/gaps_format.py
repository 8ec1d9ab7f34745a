"""A gap report as text: JSON (the stable form), Markdown (summary, then items) and CSV (items).

The terminal table lives with the command (``riskgraph.cli.audit_cmds``); these three are plain
text, so other tools (the HTML report, the TUI) can reuse them.
"""

from __future__ import annotations

import csv
import io
import json

from riskgraph.analysis.gaps import GapReport, GapRule
from riskgraph.results.formulas import neutralise
from riskgraph.results.tabular import markdown_cell

CSV_FIXED_COLUMNS = ("rule", "item")
"""The first CSV columns; the rules' own columns follow, each once, in report order."""


def gaps_json(report: GapReport) -> str:
    """The report in its stable JSON form (docs/gaps-json.md), indented, ending in a newline."""
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def gaps_csv(report: GapReport) -> str:
    """One row per gap: the rule's name, the item's IRI, then every rule's columns.

    A rule's row leaves the other rules' columns empty. Rules that found nothing have no rows;
    the JSON and Markdown forms carry the summary.
    """
    columns = csv_columns(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for rule in report.rules:
        for iri, row in zip(_iris(rule), rule.rows, strict=True):
            record = {"rule": rule.name, "item": iri, **row}
            writer.writerow([neutralise(str(record.get(column) or "")) for column in columns])
    return out.getvalue()


def csv_columns(report: GapReport) -> list[str]:
    columns = list(CSV_FIXED_COLUMNS)
    for rule in report.rules:
        columns.extend(c for c in rule.columns if c not in columns)
    return columns


# Prose (headings, descriptions) escapes only what would start markup there.
_PROSE_ESCAPES = {ord(c): "\\" + c for c in "\\`*_[]<>|"}


def _prose(text: str) -> str:
    return " ".join(text.split()).translate(_PROSE_ESCAPES)


def gaps_markdown(report: GapReport) -> str:
    """A Markdown document: what was checked, a summary table, then each rule's items."""
    lines = [f"# Gap report: {_prose(report.register_name)}", ""]
    lines += [f"- {label}: {value}" for label, value in _facts(report)]
    lines += ["", "## Summary", "", "| Rule | Gaps |", "|---|---:|"]
    for rule in report.rules:
        lines.append(f"| {_prose(rule.title)} (`{rule.name}`) | {rule.count} |")
    lines.append(f"| **Total** | **{report.total}** |")
    if report.omitted:
        names = ", ".join(f"`{name}`" for name in report.omitted)
        lines += ["", f"Organisation-wide rules not run for one AI system: {names}."]
    for rule in report.rules:
        lines += [
            "",
            f"## {_prose(rule.title)}",
            "",
            f"`{rule.name}`: {_prose(rule.description)}",
        ]
        lines += ["", *_markdown_table(rule)]
    return "\n".join(lines) + "\n"


def _facts(report: GapReport) -> list[tuple[str, str]]:
    scope = f"AI system {_prose(report.system)}" if report.system else "the whole register"
    generated = report.to_json()["generated_at"]
    return [
        ("Today", report.today.isoformat()),
        ("Risk appetite", report.appetite),
        ("Scope", scope),
        ("Register SHA-256", f"`{report.register_sha256}`"),
        ("Generated", generated),
    ]


def _markdown_table(rule: GapRule) -> list[str]:
    if not rule.rows:
        return ["_none_"]
    lines = [
        "| " + " | ".join(markdown_cell(c) for c in rule.columns) + " |",
        "|" + "|".join("---" for _ in rule.columns) + "|",
    ]
    for row in rule.rows:
        lines.append(
            "| " + " | ".join(markdown_cell(row.get(c) or "") for c in rule.columns) + " |"
        )
    return lines


def _iris(rule: GapRule) -> list[str | None]:
    return list(rule.iris) if rule.iris else [None] * rule.count
