"""Catalogue risks not adopted (rg:CatalogueRisk, e.g. imported from the MIT AI Risk Repository)
are counted apart from the register's risks, in every face that shows the dashboard figures:
the read model, ``stats``, the audit report and the terminal UI's counts. They are in no
heatmap and never above appetite."""

from __future__ import annotations

from pathlib import Path

from cli_run import run

from riskgraph.analysis.stats import register_stats
from riskgraph.model.entities import AISystem, Entity, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import commit
from riskgraph.tui.dashboard.dashboard import render_counts
from riskgraph.views.dashboard import CATALOGUE_RISKS, read_overview

CATALOGUE = [
    Risk(id=f"MIT-{n}", title=f"catalogue {n}", likelihood=5, severity=5, catalogue_entry=True)
    for n in range(1, 4)
]


def register_with(folder: Path, entities: list[Entity]) -> Register:
    init_register(folder)
    register = Register.open(folder)
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(entities).changes)
    return register


def test_catalogue_risks_are_counted_apart_in_every_face(tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    register = register_with(
        folder,
        [
            AISystem(id="SYS-1", title="S"),
            Risk(id="R-1", title="a", affects=["SYS-1"], likelihood=5, severity=5),
            *CATALOGUE,
        ],
    )
    with register.reader() as store:
        overview = read_overview(store, register)
        stats = register_stats(store, register.config)
    assert overview.counts["risks"] == 1 and overview.catalogue_risks == 3
    assert overview.inherent.counts == {(5, 5): 1} and overview.inherent.elsewhere == 0
    assert overview.above_appetite == 1
    assert stats.counts["risks"] == 1 and stats.counts[CATALOGUE_RISKS] == 3
    assert sum(stats.levels.values()) == 1

    shown = render_counts(overview, columns=2).plain
    assert shown.startswith("1 above appetite\n3 catalogue risks, not adopted\n")

    done = run("stats", "-r", str(folder))
    assert done.code == 0, done.err
    assert "catalogue risks, not adopted" in done.out
    report = tmp_path / "report.html"
    done = run("report", "-o", str(report), "-r", str(folder))
    assert done.code == 0, done.err
    assert "0 treatments, 0 controls; 3 catalogue risks, not adopted" in report.read_text()


def test_without_catalogue_risks_nothing_extra_is_shown(tmp_path: Path) -> None:
    register = register_with(
        tmp_path / "reg",
        [
            AISystem(id="SYS-1", title="S"),
            Risk(id="R-1", title="a", affects=["SYS-1"], likelihood=2, severity=2),
        ],
    )
    with register.reader() as store:
        overview = read_overview(store, register)
        stats = register_stats(store, register.config)
    assert overview.catalogue_risks == 0 and CATALOGUE_RISKS not in stats.counts
    assert "catalogue" not in render_counts(overview, columns=2).plain
