"""Damaged register folders: every command fails cleanly (no traceback, a message that says what
is wrong and what to do, a non-zero exit), and ``riskgraph doctor --repair`` restores the register
exactly where a good copy exists."""

from __future__ import annotations

import os
import resource
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_run import run
from crash_support import child, register_quads

from riskgraph.register import init_register
from riskgraph.store.versions import LAST_GOOD, VERSIONS_DIR


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example register, made once; each test damages its own copy."""
    folder = tmp_path_factory.mktemp("template") / "register"
    init_register(folder, with_example=True)
    assert run("add", "person", "--title", "Before Damage", "-r", str(folder)).code == 0
    return folder


@pytest.fixture
def register(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "register"
    shutil.copytree(template, folder, symlinks=True)
    return folder


def _version(folder: Path) -> Path:
    return (folder / "store").resolve()


def _config_latin1(folder: Path) -> None:
    text = (folder / "register.toml").read_text(encoding="utf-8")
    (folder / "register.toml").write_bytes(
        text.replace('name = "', 'name = "Café ', 1).encode("latin-1")
    )


def _config_utf16_without_bom(folder: Path) -> None:
    text = (folder / "register.toml").read_text(encoding="utf-8")
    (folder / "register.toml").write_bytes(text.encode("utf-16-le"))


def _base_iri_not_an_iri(folder: Path) -> None:
    path = folder / "register.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    fixed = ['base_iri = "not an iri"' if ln.startswith("base_iri") else ln for ln in lines]
    path.write_text("\n".join(fixed) + "\n", encoding="utf-8")


def _empty_current(folder: Path) -> None:
    (_version(folder) / "CURRENT").write_bytes(b"")


def _garbage_manifest(folder: Path) -> None:
    manifest = next(_version(folder).glob("MANIFEST-*"))
    manifest.write_bytes(os.urandom(512))


def _missing_sst(folder: Path) -> None:
    tables = sorted(_version(folder).glob("*.sst"))
    assert tables, "the example store has no table files"
    tables[0].unlink()


def _link_loop(folder: Path) -> None:
    (folder / "store").unlink()
    (folder / "store").symlink_to("store")


def _link_deleted(folder: Path) -> None:
    (folder / "store").unlink()


def _empty_version(folder: Path) -> None:
    version = _version(folder)
    shutil.rmtree(version)
    version.mkdir()


def _access_lock_folder(folder: Path) -> None:
    (folder / "access.lock").unlink(missing_ok=True)
    (folder / "access.lock").mkdir()


def _writer_lock_folder(folder: Path) -> None:
    (folder / "writer.lock").unlink(missing_ok=True)
    (folder / "writer.lock" / "inside").mkdir(parents=True)


def _versions_deleted(folder: Path) -> None:
    shutil.rmtree(folder / VERSIONS_DIR)


@dataclass(frozen=True)
class Damage:
    make: Callable[[Path], None]
    says: str
    """A fragment of the message every failing command prints."""
    repairable: bool
    readers_fail: bool = True

    def __str__(self) -> str:
        return self.make.__name__.strip("_")


DAMAGES = [
    Damage(_config_latin1, "is not UTF-8 text", repairable=False),
    Damage(_config_utf16_without_bom, "UTF-16 without a byte order mark", repairable=False),
    Damage(_base_iri_not_an_iri, "is not an absolute IRI", repairable=False),
    Damage(_empty_current, "damaged", repairable=True),
    Damage(_garbage_manifest, "damaged", repairable=True),
    Damage(_missing_sst, "damaged", repairable=True),
    Damage(_link_loop, "link loop", repairable=True),
    Damage(_link_deleted, "is missing", repairable=True),
    Damage(_empty_version, "holds no store", repairable=True),
    Damage(_access_lock_folder, "access.lock is not a lock file", repairable=True),
    Damage(_writer_lock_folder, "writer.lock is not a lock file", True, readers_fail=False),
    Damage(_versions_deleted, "is missing", repairable=False),
]


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
def test_a_damaged_register_fails_cleanly_and_doctor_repairs_it(
    register: Path, damage: Damage
) -> None:
    before = register_quads(register)
    damage.make(register)
    r = str(register)

    written = run("add", "person", "--title", "After Damage", "-r", r)
    assert written.code != 0 and damage.says in written.err, written.err
    read = run("stats", "-r", r)
    if damage.readers_fail:
        assert read.code != 0 and damage.says in read.err, read.err
    else:
        assert read.code == 0, read.err
    if "store" in damage.says or damage.repairable:
        assert "riskgraph doctor" in written.err

    diagnosed = run("doctor", "-r", r)
    assert diagnosed.code == 1 and "problem:" in diagnosed.err, diagnosed.err
    repaired = run("doctor", "-r", r, "--repair")
    if not damage.repairable:
        assert repaired.code == 1 and "to fix it:" in repaired.err, repaired.err
        return
    assert repaired.code == 0, repaired.err
    assert "sound" in repaired.out
    assert register_quads(register) == before
    # The next command needs no manual cleanup.
    assert run("add", "person", "--title", "After Repair", "-r", r).code == 0
    assert run("doctor", "-r", r).code == 0


def test_a_utf16_config_with_a_byte_order_mark_is_read(register: Path) -> None:
    path = register / "register.toml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert run("stats", "-r", str(register)).code == 0


def test_init_refuses_a_base_iri_that_is_not_an_iri(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "new"), "--base-iri", "not an iri")
    assert done.code == 2 and "--base-iri" in done.err and "absolute IRI" in done.err
    assert not (tmp_path / "new").exists()


def test_a_register_without_a_last_good_copy_gets_one(register: Path) -> None:
    shutil.rmtree(register / VERSIONS_DIR / LAST_GOOD)
    assert run("doctor", "-r", str(register)).code == 1
    assert run("doctor", "-r", str(register), "--repair").code == 0
    assert (register / VERSIONS_DIR / LAST_GOOD / "CURRENT").is_file()


def _file_size_limit(limit: int) -> Callable[[], None]:
    """A child whose files cannot grow past ``limit`` bytes: writes fail as on a full disk."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("limit", [0, 2_000, 60_000])
def test_a_full_disk_fails_cleanly_and_writes_nothing(register: Path, limit: int) -> None:
    before = register_quads(register)
    done = child(
        "add", "person", "--title", "No Room", "-r", str(register), preexec=_file_size_limit(limit)
    )
    assert done.returncode != 0 or limit >= 60_000, "the limit did not stop the write"
    if done.returncode == 0:  # the limit left room for this small write: it is whole
        assert run("list", "person", "-r", str(register)).out.count("No Room") == 1
    else:
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (2, 3) and "error:" in done.stderr, done.stderr
        assert register_quads(register) == before
    # The next command (with room again) needs no cleanup.
    assert run("add", "person", "--title", "Room Again", "-r", str(register)).code == 0
    assert run("doctor", "-r", str(register)).code == 0
