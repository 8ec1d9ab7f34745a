"""``library adopt`` and ``library link`` are writes of the one write pipeline: the same rules,
link-target and SHACL checks as ``add``/``edit``, one transaction and an undo log entry. Accepted
writes leave a register that validates; refused ones leave it byte for byte as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from library_support import run

from riskgraph.editing import undo as undo_log
from riskgraph.library.adopt import ADOPTED_FROM
from riskgraph.library.catalogue import load
from riskgraph.register import Register, init_register
from riskgraph.results import register_hash
from riskgraph.vocab import REGISTER_GRAPH


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "reg"
    load(init_register(folder, with_example=True), ["finos-aigf"])
    return folder


def _hash(folder: Path) -> str:
    with Register.open(folder).reader() as store:
        return register_hash(store)


def _subject_quads(folder: Path, entity_id: str) -> int:
    register = Register.open(folder)
    with register.reader() as store:
        return len(list(store.quads(REGISTER_GRAPH, subject=register.base_iri + entity_id)))


def test_adopt_and_link_validate_and_undo(example: Path) -> None:
    reg = ("-r", str(example))
    adopted = run(
        "library", "adopt", "finos-aigf:ri-10", "--likelihood", "3", "--severity", "4",
        "--affects", "SYS-CHATBOT", *reg,
    )  # fmt: skip
    assert adopted.code == 0, adopted.err
    assert "as risk R-047" in adopted.out
    control = run("library", "adopt", "finos-aigf:mi-3", "--id", "C-900", *reg)
    assert control.code == 0, control.err
    linked = run("library", "link", "R-001", "finos-aigf:mi-3", "--author", "alice", *reg)
    assert linked.code == 0, linked.err
    checked = run("validate", *reg)
    assert checked.code == 0, checked.out + checked.err
    with Register.open(example).reader() as store:
        assert [e.description for e in undo_log.history(store)] == [
            "link R-001 closeMatch finos-aigf:mi-3",
            "adopt finos-aigf:mi-3 as control C-900",
            "adopt finos-aigf:ri-10 as risk R-047",
        ]
    for _ in range(3):
        undone = run("undo", *reg)
        assert undone.code == 0, undone.err
    assert _subject_quads(example, "R-047") == 0
    assert _subject_quads(example, "C-900") == 0
    assert run("validate", *reg).code == 0


def test_undo_reverts_an_adoption_exactly(example: Path) -> None:
    before = _hash(example)
    reg = ("-r", str(example))
    assert run("library", "adopt", "finos-aigf:mi-3", *reg).code == 0
    register = Register.open(example)
    with register.reader() as store:
        kept = [
            q for q in store.quads(REGISTER_GRAPH, subject=register.base_iri + "C-047")
            if q.predicate.value == ADOPTED_FROM
        ]  # fmt: skip
    assert len(kept) == 1
    assert run("undo", *reg).code == 0
    assert _hash(example) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("adopt", "finos-aigf:ri-10", "--likelihood", "9", "--severity", "4"),
            "likelihood is too large (got '9'); expected a whole number from 1 to 5",
        ),
        (
            ("adopt", "finos-aigf:ri-10", "--likelihood", "3", "--severity", "4",
             "--affects", "SYS-NOPE"),
            "affects names SYS-NOPE, which is not in the register",
        ),
        (
            ("adopt", "finos-aigf:mi-3", "--id", "C-001"),
            "C-001 is already used by a control in the register",
        ),
        (("link", "R-001", "finos-aigf:zz-99"), "has no concept with notation 'zz-99'"),
        (("link", "R-NOPE", "finos-aigf:mi-3"), "no entity with ID 'R-NOPE'"),
        (("link", "R-001", "finos-aigf:mi-3", "--confidence", "2"), "confidence is out of range"),
    ],
)  # fmt: skip
def test_refused_library_writes_leave_the_register_as_it_was(
    example: Path, args: tuple[str, ...], message: str
) -> None:
    before = _hash(example)
    refused = run("library", *args, "-r", str(example))
    assert refused.code == 2, refused.out + refused.err
    assert message in refused.err
    assert "Traceback" not in refused.err
    assert _hash(example) == before
    with Register.open(example).reader() as store:
        assert undo_log.history(store) == []
