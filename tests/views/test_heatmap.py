"""One Heatmap for the HTML report and the TUI dashboard: risks on other matrices count alike."""

from __future__ import annotations

from pathlib import Path

from riskgraph.model.entities import AISystem, Entity, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.store.base import commit
from riskgraph.views.dashboard import read_overview
from riskgraph.views.heatmap import build_heatmaps, read_scored_risks


def register_with(tmp_path: Path, entities: list[Entity]) -> Register:
    folder = tmp_path / "reg"
    init_register(folder)
    register = Register.open(folder)
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(entities).changes)
    return register


def test_report_and_dashboard_place_and_count_the_same_risks(tmp_path: Path) -> None:
    register = register_with(
        tmp_path,
        [
            AISystem(id="SYS-1", title="S"),
            Risk(id="R-1", title="a", affects=["SYS-1"], likelihood=5, severity=5),
            Risk(
                id="R-2",
                title="b",
                affects=["SYS-1"],
                likelihood=4,
                severity=4,
                residual_likelihood=1,
                residual_severity=1,
            ),
            Risk(id="R-3", title="c", affects=["SYS-1"], matrix="3x3", likelihood=3, severity=3),
        ],
    )
    default = register.config.risk.matrix
    with register.reader() as store:
        risks = read_scored_risks(store, default)
        report = {pair.matrix.name: pair for pair in build_heatmaps(store, risks, default)}
        overview = read_overview(store, register)
    assert set(report) == {"3x3", default}
    ours = report[default]
    # The dashboard shows the register's matrix: the same cells as the report's.
    assert overview.inherent.counts == ours.inherent.counts == {(5, 5): 1, (4, 4): 1}
    assert overview.residual.counts == ours.residual.counts == {(1, 1): 1}
    # The risk on the 3x3 matrix is elsewhere for both, not dropped and not misplaced.
    assert overview.inherent.elsewhere == ours.inherent.elsewhere == 1
    assert report["3x3"].inherent.counts == {(3, 3): 1}
    assert overview.residual.unscored == len(ours.residual.not_placed) == 1
    # Above a moderate appetite on the current level: R-1 (very high) and R-3 (3x3 high);
    # R-2 is very low after treatment.
    assert overview.above_appetite == 2
