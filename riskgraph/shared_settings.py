"""Settings that change what a shared register means, kept with the register on its endpoint.

A register on a SPARQL endpoint is read by several people, each with a folder of their own. The
settings that change what the data means (its name, the base of its IRIs, its risk matrix and
appetite) must be the same for all of them, or two people see different "above appetite" gaps and
differently titled reports of the same data. So they live in the register itself, in
``SETTINGS_GRAPH``, one node per setting; every client reads them when it opens the register,
and they win over the folder's ``register.toml``. A local value that differs is reported, never
silently used. The folder keeps only local things (endpoint URLs, credentials' user name,
assistant and UI preferences).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.store.base import ChangeSet, Store
from riskgraph.vocab import RG, SETTINGS_GRAPH


@dataclass(frozen=True)
class SharedSetting:
    key: str
    """As written in register.toml: ``section.field``."""
    read: Callable[[RegisterConfig], str]
    write: Callable[[RegisterConfig, str], None]


def _set_name(config: RegisterConfig, value: str) -> None:
    config.general.name = value


def _set_base(config: RegisterConfig, value: str) -> None:
    config.general.base_iri = value


def _set_matrix(config: RegisterConfig, value: str) -> None:
    config.risk.matrix = value  # type: ignore[assignment]  # validated when read back


def _set_appetite(config: RegisterConfig, value: str) -> None:
    config.risk.appetite = value  # type: ignore[assignment]


def _review_days(kind: str) -> SharedSetting:
    def write(config: RegisterConfig, value: str) -> None:
        setattr(config.review, f"{kind}_days", int(value))

    return SharedSetting(f"review.{kind}_days", lambda c: str(c.review.days_for(kind)), write)


def _set_authority(config: RegisterConfig, value: str) -> None:
    config.acceptance.authority_role = value or None


SHARED: tuple[SharedSetting, ...] = (
    SharedSetting("general.name", lambda c: c.general.name, _set_name),
    SharedSetting("general.base_iri", lambda c: c.general.base_iri, _set_base),
    SharedSetting("risk.matrix", lambda c: str(c.risk.matrix), _set_matrix),
    SharedSetting("risk.appetite", lambda c: str(c.risk.appetite), _set_appetite),
    *(_review_days(kind) for kind in ("risk", "control", "treatment", "system")),
    SharedSetting(
        "acceptance.authority_role",
        lambda c: c.acceptance.authority_role or "",
        _set_authority,
    ),
)
"""The settings that live with the register, in register.toml's spelling."""

_KEY = ox.NamedNode(RG + "settingKey")
_VALUE = ox.NamedNode(RG + "settingValue")
_A = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _node(key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{SETTINGS_GRAPH}#{key}")


def settings_quads(config: RegisterConfig) -> list[ox.Quad]:
    """The shared settings of ``config`` as quads of the settings graph."""
    graph = ox.NamedNode(SETTINGS_GRAPH)
    quads = []
    for setting in SHARED:
        node = _node(setting.key)
        quads += [
            ox.Quad(node, _A, ox.NamedNode(RG + "RegisterSetting"), graph),
            ox.Quad(node, _KEY, ox.Literal(setting.key), graph),
            ox.Quad(node, _VALUE, ox.Literal(setting.read(config)), graph),
        ]
    return quads


def read_shared(store: Store) -> dict[str, str]:
    """The settings stored with the register (empty when it holds none yet)."""
    values: dict[str, str] = {}
    for quad in store.quads(SETTINGS_GRAPH):
        if quad.predicate == _VALUE and isinstance(quad.object, ox.Literal):
            key = quad.subject.value.rpartition("#")[2] if hasattr(quad.subject, "value") else ""
            values[key] = quad.object.value
    return values


def write_shared(store: Store, config: RegisterConfig) -> None:
    """Store ``config``'s shared settings with the register, replacing what was there."""
    with store.exclusive():
        old = list(store.quads(SETTINGS_GRAPH))
        store.apply(ChangeSet(remove=old, add=settings_quads(config)))


def settings_to_folder(store: Store) -> None:
    """Drop the settings graph from a register kept in a folder, whose register.toml holds them
    (after a pull has copied them there)."""
    if SETTINGS_GRAPH in store.graph_names():
        store.update(f"DROP SILENT GRAPH <{SETTINGS_GRAPH}>", keeps_hash=True)  # not hashed


def adopt(config: RegisterConfig, shared: dict[str, str]) -> list[str]:
    """Make ``config`` use the register's shared settings; return one line per local value that
    differed (and was overruled)."""
    differences = []
    for setting in SHARED:
        if setting.key not in shared:
            continue
        local, value = setting.read(config), shared[setting.key]
        if local != value:
            differences.append(
                f"{setting.key}: the shared register says {value!r}; this folder's register.toml "
                f"says {local!r} (ignored: shared settings are the same for everyone; change "
                f"them with 'riskgraph settings set {setting.key} VALUE')"
            )
            setting.write(config, value)
    return differences


def check_key(key: str) -> SharedSetting:
    for setting in SHARED:
        if setting.key == key:
            return setting
    from riskgraph.errors import InputError

    raise InputError(
        "is not a shared setting",
        value=key,
        expected=", ".join(s.key for s in SHARED),
    )
