"""Read models kept per register state, so that a face opening again on a register that has not
changed shows them at once instead of reading the store again.

A kept read model is a JSON file in the register folder's ``cache/`` (``KEPT_DIR``), stored with
the key it was computed for. The key is a SHA-256 of everything the read model depends on:

- the register's state: its revision and the register hash that the revision's commit kept
  (``riskgraph.store.fingerprint``). A write that does not keep the hash removes it, and then
  nothing is kept or served until the next commit, which computes it again;
- the register's settings (``register.toml``): every read model is computed under them;
- what the caller names (``inputs``): the day, the rules it ran;
- riskgraph's version and the read model's ``format`` (bumped when its JSON changes).

So a read model is served only for exactly the state it was computed on; any commit, setting or
day changes the key and it is computed again. The state is read before and after computing, and
a read model is kept only when the two agree (a commit in between would make it a mix). Keeping
is an optimisation: a file that cannot be read or written (a read-only folder, a damaged or older
file) is computed again and never an error. Registers without a folder (in memory) and frozen
registers (snapshots) are computed every time.

The read models kept: the dashboard's overview and reviews due (``riskgraph.views.dashboard``)
and its gap summary (``riskgraph.analysis.gap_summary``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from riskgraph import __version__
from riskgraph.register import Register
from riskgraph.store.base import read_revision
from riskgraph.store.fingerprint import hash_quads, stored_value

KEPT_DIR = "cache"
"""The folder, inside the register folder, that holds the kept read models."""

T = TypeVar("T")


def kept(
    register: Register,
    name: str,
    *,
    format: int,
    inputs: Mapping[str, Any],
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """The read model ``name``: the one kept for the register's current state and ``inputs``
    when there is one, else ``compute()`` (kept for next time when the state stayed the same
    while it ran). ``encode`` turns it into JSON data, ``decode`` back."""
    path = kept_path(register, name)
    if path is None:
        return compute()
    key = state_key(register, name, format, inputs)
    if key is not None:
        found = _read(path, key, decode)
        if found is not None:
            return found
    value = compute()
    if key is not None and state_key(register, name, format, inputs) == key:
        _write(path, key, encode(value))
    return value


def kept_path(register: Register, name: str) -> Path | None:
    """Where ``name`` is kept, or None for a register that keeps nothing."""
    if register.folder is None or register.frozen is not None:
        return None
    return register.folder / KEPT_DIR / f"{name}.json"


def state_key(register: Register, name: str, format: int, inputs: Mapping[str, Any]) -> str | None:
    """The key of ``name`` for the register's current state and settings, or None when the
    register hash of the current revision is not known (a write that does not keep it came
    last)."""
    with register.reader() as store:
        revision = read_revision(store)
        register_hash = stored_value(hash_quads(store), revision)
    if register_hash is None:
        return None
    described = {
        "name": name,
        "format": format,
        "riskgraph": __version__,
        "revision": revision,
        "register_hash": register_hash,
        "settings": register.config.model_dump(mode="json"),
        "inputs": inputs,
    }
    text = json.dumps(described, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path, key: str, decode: Callable[[Any], T]) -> T | None:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        return decode(stored["value"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # computed again instead
        return None


def _write(path: Path, key: str, value: Any) -> None:
    """Write atomically (a reader sees the old file or the new one); a folder that cannot be
    written keeps nothing."""
    try:
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": key, "value": value}, out, separators=(",", ":"))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
