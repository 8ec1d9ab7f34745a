"""Graph analytics: trace, impact, and rank controls / risks.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from riskgraph.cli.options import RegisterOption, open_register

if TYPE_CHECKING:
    from collections.abc import Callable

    from pydantic import BaseModel
    from rich.console import RenderableType

    from riskgraph.analysis.graph import RegisterGraph

FormatOption = typer.Option(
    "text",
    "--format",
    "-f",
    help="text (a tree or tables) or json (stable layout, see docs/analytics.md).",
    metavar="text|json",
)
LimitOption = typer.Option(
    None, "--limit", "-n", min=1, help="Show only the first N.", show_default=False
)

M = TypeVar("M", bound="BaseModel")

rank_app = typer.Typer(
    help="Rank controls by the risk they carry, or group risks that one treatment could cover.",
    no_args_is_help=True,
)


def _graph(register: Path | None) -> RegisterGraph:
    from riskgraph.analysis.graph_cache import load_graph

    return load_graph(open_register(register))


def _checked_format(fmt: str) -> str:
    from riskgraph.cli.output import pick_format
    from riskgraph.results.outputs import ANALYSIS

    return pick_format(ANALYSIS, fmt, None).name


def _print_result(result: M, fmt: str, render: Callable[[M], RenderableType]) -> None:
    """The result as JSON (its stable layout) or, for text, as ``render`` draws it."""
    if fmt == "json":
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    from riskgraph.cli.output import console

    console.print(render(result))


def trace(
    entity: str = typer.Argument(
        ...,
        help="An AI system, risk, control, treatment, evidence or risk source ID, or an "
        "ISO/IEC 42001 reference (A.6.2.4, 6.1.3, C.3.4).",
        metavar="ENTITY",
        show_default=False,
    ),
    fmt: str = FormatOption,
    register: Path | None = RegisterOption,
) -> None:
    """Trace every path from an AI system to ISO/IEC 42001, or from a clause or Annex A
    control down to the systems and risks it protects.

    An AI system is traced up: its risks, their controls and treatments, the evidence, and
    the clauses and Annex A controls they address. A clause or Annex A control is traced
    down. A risk, control, treatment or evidence item is traced both ways. Nodes reached
    twice are listed once and marked 'see above'.

    Example:  riskgraph trace SYS-CHATBOT
    """
    from riskgraph.analysis.trace import trace as trace_entity

    name = _checked_format(fmt)
    result = trace_entity(_graph(register), entity)
    from riskgraph.analysis.graph_render import trace_tree

    _print_result(result, name, trace_tree)


def impact(
    entities: list[str] = typer.Argument(
        ...,
        help="Components (models, datasets, services) or suppliers that fail, and controls "
        "that are withdrawn; several are taken together.",
        metavar="ENTITY",
        show_default=False,
    ),
    fmt: str = FormatOption,
    register: Path | None = RegisterOption,
) -> None:
    """Show the blast radius of a failing component or supplier, or a withdrawn control.

    Lists the AI systems exposed (along dependency chains), the risks that lose their
    mitigation and how their levels change (a risk with no control left in effect reverts to
    its inherent level; one that keeps others is 'weakened'), and the Annex A controls and
    clauses that lose their only implementation.

    Example:  riskgraph impact MOD-FOUNDATION
    """
    from riskgraph.analysis.impact import impact as impact_of

    name = _checked_format(fmt)
    report = impact_of(_graph(register), entities)
    from riskgraph.analysis.graph_render import impact_view

    _print_result(report, name, impact_view)


@rank_app.command("controls")
def rank_controls(
    fmt: str = FormatOption,
    limit: int | None = LimitOption,
    spof_min_risks: int = typer.Option(
        2, "--spof-risks", min=1, help="Sole-mitigated risks that make a control a SPOF."
    ),
    spof_level: str = typer.Option(
        "high", "--spof-level", help="Lowest inherent level that counts for a SPOF."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Rank controls by leverage: the risk they carry, weighted by inherent level.

    Flags single points of failure: controls that alone hold back several high risks.
    Betweenness centrality breaks ties.

    Example:  riskgraph rank controls --limit 10
    """
    from riskgraph.analysis.rank import rank_controls as ranking_of
    from riskgraph.config import LEVEL_NAMES
    from riskgraph.errors import InputError

    name = _checked_format(fmt)
    if spof_level not in LEVEL_NAMES:
        raise InputError(
            "unknown risk level for --spof-level", value=spof_level, expected=", ".join(LEVEL_NAMES)
        )
    ranking = ranking_of(_graph(register), spof_min_risks=spof_min_risks, spof_min_level=spof_level)
    if limit is not None:
        ranking.controls = ranking.controls[:limit]
    from riskgraph.analysis.graph_render import controls_table

    _print_result(ranking, name, controls_table)


@rank_app.command("risks")
def rank_risks(
    fmt: str = FormatOption,
    limit: int | None = LimitOption,
    threshold: float = typer.Option(
        0.5,
        "--threshold",
        "-t",
        help="Jaccard similarity of sources and controls (above 0, at most 1) that links risks.",
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Group risks that share sources and controls, so that one treatment can cover a group.

    Example:  riskgraph rank risks --threshold 0.4
    """
    from riskgraph.analysis.graph_clusters import cluster_risks
    from riskgraph.errors import InputError

    name = _checked_format(fmt)
    if not 0 < threshold <= 1:
        raise InputError(
            "the similarity threshold is out of range", value=threshold, expected="0 < t <= 1"
        )
    clustering = cluster_risks(_graph(register), threshold=threshold)
    if limit is not None:
        clustering.clusters = clustering.clusters[:limit]
    from riskgraph.analysis.graph_render import clusters_table

    _print_result(clustering, name, clusters_table)


def attach(app: typer.Typer) -> None:
    app.command()(trace)
    app.command()(impact)
    app.add_typer(rank_app, name="rank")
