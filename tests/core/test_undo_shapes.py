"""Undo checks what it restores with the SHACL shapes, as the write pipeline checks a write: a
reverse that would leave the register not conforming is refused with the shapes' messages and
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.editing import undo as undo_log
from riskgraph.editing.input import Changes, Origin
from riskgraph.editing.write import Draft, prepare_edits, run_write
from riskgraph.errors import UserError
from riskgraph.model.entities import Component
from riskgraph.register import Register, init_register
from riskgraph.results import register_hash
from riskgraph.validation import validate_store


def _edit(register: Register, entity_id: str, changes: Changes) -> None:
    draft = Draft(Component, changes, Origin())
    _, committed = run_write(register, lambda repo: prepare_edits(repo, [(entity_id, draft)]))
    assert committed is not None


def test_undo_that_would_close_a_dependency_cycle_is_refused(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    _edit(register, "MOD-EMBED", Changes(add={"depends_on": ["MOD-SUPPORT-FT"]}))
    _edit(register, "MOD-EMBED", Changes(remove={"depends_on": ["MOD-SUPPORT-FT"]}))
    _edit(register, "MOD-SUPPORT-FT", Changes(add={"depends_on": ["MOD-EMBED"]}))
    with register.writer() as store:
        removal = undo_log.history(store)[1]
        assert removal.description == "edit component MOD-EMBED"
        before = register_hash(store)
        # MOD-EMBED is as that write left it, so only the shapes see the cycle
        with pytest.raises(UserError) as refused:
            undo_log.undo(store, removal)
        assert f"cannot undo '{removal.description}'" in str(refused.value)
        assert "MOD-EMBED: Entity depends on itself through a chain of rg:dependsOn" in str(
            refused.value
        )
        assert register_hash(store) == before
        assert len(undo_log.history(store)) == 3
        # the newest write undoes cleanly, and then the older one is no cycle any more
        undo_log.undo(store)
        undo_log.undo(store, removal)
        assert validate_store(store).conforms


def test_undo_of_a_conforming_restore_passes_the_shapes(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    _edit(register, "MOD-EMBED", Changes(add={"depends_on": ["MOD-SUPPORT-FT"]}))
    with register.writer() as store:
        before = undo_log.plan_undo(store)[0]
        assert undo_log.undo(store).entry == before
        assert validate_store(store).conforms
