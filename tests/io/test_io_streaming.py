"""Streaming imports: a large import into a register folder goes through a staged bulk load, and
ends exactly as the same import made as one transaction (entities, stamps, register hash), or
not at all."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.errors import InputErrors
from riskgraph.io import streaming
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.register import STORE_DIR, Register, init_register
from riskgraph.store import bulk, fingerprint
from riskgraph.store.base import read_revision
from riskgraph.store.versions import LAST_GOOD, VERSIONS_DIR

ROWS = 1_500
SOURCES = ["RS-PROXY-FEATURES", "RS-HISTORICAL-BIAS", "RS-UNREPRESENTATIVE-DATA"]


def _systems(path: Path, rows: int, *, extra: str = "") -> Path:
    """Components, each depending on the one before (a link to an earlier row); an AI system
    may not depend on another system, so these are components."""
    lines = "".join(
        f"SYS-{5_000 + n},System {n},{f'SYS-{4_999 + n}' if n else ''}\n" for n in range(rows)
    )
    path.write_text("id,title,depends_on\n" + lines + extra, encoding="utf-8")
    return path


def _risks(path: Path, rows: int, *, extra: str = "") -> Path:
    """Risks that link to systems of the example and to each other (forward and back)."""
    header = "# riskgraph template: risk v1\nid,title,likelihood,severity,affects,sources\n"
    lines = "".join(
        f"RB-{n},Bulk risk {n},{n % 5 + 1},{n * 3 % 5 + 1},SYS-CREDIT,{SOURCES[n % 3]}\n"
        for n in range(rows)
    )
    path.write_text(header + lines + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "register"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def twins(example: Path, tmp_path: Path) -> tuple[Register, Register]:
    """Two copies of the example register folder."""
    copies = []
    for name in ("streamed", "plain"):
        folder = tmp_path / name
        shutil.copytree(example, folder, symlinks=True)
        copies.append(Register.open(folder))
    return copies[0], copies[1]


_TIME = re.compile(r'"[^"]*"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>')


def _state(register: Register) -> list[str]:
    """Every quad, the times of stamps blanked."""
    with register.reader() as store:
        return sorted(_TIME.sub('"T"', str(q)) for q in store.quads())


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "STREAM_FROM_QUADS", 10**12)


def _import(
    register: Register, path: Path, monkeypatch: pytest.MonkeyPatch, *, streamed: bool, **kw: object
) -> object:
    with monkeypatch.context() as patch:
        if streamed:
            patch.setattr(streaming, "STREAM_FROM_QUADS", 500)
            patch.setattr(bulk, "BATCH_QUADS", 1_000)  # several batches
        else:
            _plain(patch)
        loads = []
        original = bulk.BulkLoad.__init__

        def counted(self: bulk.BulkLoad, store: object) -> None:
            loads.append(self)
            original(self, store)  # type: ignore[arg-type]

        patch.setattr(bulk.BulkLoad, "__init__", counted)
        report = import_file(register, path, ImportOptions(**kw))  # type: ignore[arg-type]
        assert bool(loads) == streamed
    return report


def _hash_is_kept(register: Register) -> None:
    with register.reader() as store:
        kept = fingerprint.cached_hash(store)
        assert kept is not None, "the import did not keep the register hash"
        assert kept == fingerprint.full_hash(store)


def _no_copies_left(register: Register) -> None:
    assert register.folder is not None
    link = register.folder / STORE_DIR
    left = {p.name for p in (register.folder / VERSIONS_DIR).iterdir()}
    assert left <= {link.resolve().name, LAST_GOOD}


@pytest.mark.parametrize("make", [_systems, _risks], ids=["systems", "risks"])
def test_a_streamed_import_ends_as_the_same_import_in_one_transaction(
    twins: tuple[Register, Register],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make: object,
) -> None:
    streamed, plain = twins
    kind = "component" if make is _systems else None
    path = make(tmp_path / "rows.csv", ROWS)  # type: ignore[operator]
    one = _import(streamed, path, monkeypatch, streamed=True, kind=kind)
    two = _import(plain, path, monkeypatch, streamed=False, kind=kind)
    assert one.plan.added == two.plan.added  # type: ignore[attr-defined]
    assert len(one.plan.added) == ROWS  # type: ignore[attr-defined]
    assert _state(streamed) == _state(plain)
    _hash_is_kept(streamed)
    _no_copies_left(streamed)


def test_a_streamed_import_updates_existing_entities_beside_the_new_ones(
    twins: tuple[Register, Register], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed, plain = twins
    path = _risks(
        tmp_path / "rows.csv", ROWS, extra="R-001,Renamed by the import,2,2,SYS-CREDIT,\n"
    )
    one = _import(streamed, path, monkeypatch, streamed=True)
    _import(plain, path, monkeypatch, streamed=False)
    assert list(one.plan.changed) == ["R-001"]  # type: ignore[attr-defined]
    assert _state(streamed) == _state(plain)
    _hash_is_kept(streamed)


def test_skipped_rows_are_taken_out_of_a_streamed_import(
    twins: tuple[Register, Register], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated ID (both rows bad), a link to a bad row, a link to nothing: all skipped."""
    streamed, plain = twins
    extra = (
        "SYS-5003,System 3 again,\n"
        "SYS-9001,Links to a bad row,SYS-5003\n"
        "SYS-9002,Links to nothing,SYS-NOPE\n"
        "SYS-9003,Links forward,SYS-9004\n"
        "SYS-9004,The target,\n"
    )
    path = _systems(tmp_path / "rows.csv", ROWS, extra=extra)
    options = {"kind": "component", "skip_bad_rows": True}
    one = _import(streamed, path, monkeypatch, streamed=True, **options)
    two = _import(plain, path, monkeypatch, streamed=False, **options)
    assert one.plan.added == two.plan.added  # type: ignore[attr-defined]
    assert "SYS-5003" not in one.plan.added and "SYS-9003" in one.plan.added  # type: ignore[attr-defined]
    assert [e.render() for e in one.skipped] == [e.render() for e in two.skipped]  # type: ignore[attr-defined]
    kept = str(fingerprint.HASH_PREDICATE)  # a dropped repeated ID leaves the hash unkept
    assert [q for q in _state(streamed) if kept not in q] == [
        q for q in _state(plain) if kept not in q
    ]
    _no_copies_left(streamed)
    with streamed.reader() as store:  # the hash is right, kept or not
        assert (fingerprint.cached_hash(store) or fingerprint.full_hash(store)) == (
            fingerprint.full_hash(store)
        )


def test_a_bad_row_at_the_end_of_a_streamed_import_writes_nothing(
    twins: tuple[Register, Register], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    streamed, _ = twins
    before = _state(streamed)
    with streamed.reader() as store:
        revision = read_revision(store)
    path = _systems(tmp_path / "rows.csv", ROWS, extra="SYS-9001,Links to nothing,SYS-NOPE\n")
    with pytest.raises(InputErrors) as caught:
        _import(streamed, path, monkeypatch, streamed=True, kind="component")
    assert f"row {ROWS + 2}" in str(caught.value) and "SYS-NOPE" in str(caught.value)
    assert _state(streamed) == before
    with streamed.reader() as store:
        assert read_revision(store) == revision
    _no_copies_left(streamed)


def test_the_serialized_lines_hash_as_the_definition_says() -> None:
    quads = [
        ox.Quad(
            ox.NamedNode("https://example.org/a"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal(text),
            ox.NamedNode("https://example.org/g"),
        )
        for text in ("plain", 'quote " and \\ back', "line\nbreak", "ünï\tcode")
    ]
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    assert fingerprint.digest_lines(data) == sum(fingerprint.line_digest(q) for q in quads)
    assert fingerprint.digest_sum(quads) == sum(fingerprint.line_digest(q) for q in quads)
