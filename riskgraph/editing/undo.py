"""The undo log: every write of the write pipeline (add, edit, remove, from any face) records its
change set in the register's meta graph, in the same transaction as the write. Undo writes the
reverse of one recorded change set as another transaction, and drops its record.

An entry holds the quads the write removed and added (as N-Quads text) in the register graph
and the drafts graph (accepting an assistant's draft writes the decision with the treatment it
makes), a description and a sequence number. Undo is refused when the register has moved on
in a way the reverse would break: the entities were changed since (the added quads are gone,
or removed ones are back), entities it would remove are now linked from others, links it
would restore point to entities that are gone, or the entities it restores would break the
SHACL shapes (checked as the write pipeline checks a write's entities, in
``editing.shapes``). The log keeps the last ``UNDO_DEPTH`` writes.

Part of the core: the CLI's ``undo`` and the terminal UI's ``u`` both call ``undo``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from riskgraph.editing.shapes import shape_issues
from riskgraph.errors import UserError
from riskgraph.store.base import (
    ChangeSet,
    SelectResult,
    Store,
    commit,
    contributor,
    read_stamp_revisions,
)
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, META_GRAPH, REGISTER_GRAPH, RG, XSD

UNDO_DEPTH = 50
"""How many writes the log keeps (the oldest are dropped)."""

_META = ox.NamedNode(META_GRAPH)
_REGISTER = ox.NamedNode(REGISTER_GRAPH)
_RECORDED_GRAPHS = (REGISTER_GRAPH, DRAFTS_GRAPH)
"""The graphs whose changes a write's undo entry records."""
_RECORDED = {ox.NamedNode(g) for g in _RECORDED_GRAPHS}
_SEQUENCE = ox.NamedNode(RG + "undoSequence")
_REMOVED = ox.NamedNode(RG + "undoRemoved")
_ADDED = ox.NamedNode(RG + "undoAdded")
_DESCRIPTION = ox.NamedNode(DCTERMS + "description")
_CREATED = ox.NamedNode(DCTERMS + "created")
_CONTRIBUTOR = ox.NamedNode("http://purl.org/dc/elements/1.1/contributor")
_IDENTIFIER = DCTERMS + "identifier"
_INTEGER = ox.NamedNode(XSD + "integer")
_DATE_TIME = ox.NamedNode(XSD + "dateTime")


@dataclass(frozen=True)
class UndoEntry:
    """One recorded write."""

    iri: str
    sequence: int
    description: str
    created: str
    contributor: str
    removed: tuple[ox.Quad, ...]
    added: tuple[ox.Quad, ...]

    @property
    def entity_ids(self) -> list[str]:
        """IDs of the entities the write touched, in order."""
        ids = {
            q.object.value
            for q in (*self.removed, *self.added)
            if q.predicate.value == _IDENTIFIER and isinstance(q.object, ox.Literal)
        }
        return sorted(ids)


@dataclass(frozen=True)
class Undone:
    """What an undo did."""

    entry: UndoEntry
    revision: int


def record(store: Store, changes: ChangeSet, description: str) -> tuple[ChangeSet, str]:
    """``changes`` plus the undo log entry for them (and the removal of entries beyond
    ``UNDO_DEPTH``), to commit as one transaction; and the entry's IRI."""
    entries = _entries(store)
    sequence = (entries[0].sequence if entries else 0) + 1
    node = ox.NamedNode(f"urn:riskgraph:undo:{uuid.uuid4()}")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    add = [
        ox.Quad(node, _SEQUENCE, ox.Literal(str(sequence), datatype=_INTEGER), _META),
        ox.Quad(node, _DESCRIPTION, ox.Literal(description), _META),
        ox.Quad(node, _CREATED, ox.Literal(now, datatype=_DATE_TIME), _META),
        ox.Quad(node, _CONTRIBUTOR, ox.Literal(contributor()), _META),
        ox.Quad(node, _REMOVED, ox.Literal(_nquads(set(changes.remove) - set(changes.add))), _META),
        ox.Quad(node, _ADDED, ox.Literal(_nquads(set(changes.add) - set(changes.remove))), _META),
    ]
    dropped = [q for entry in entries[UNDO_DEPTH - 1 :] for q in _entry_quads(store, entry.iri)]
    recorded = ChangeSet(
        remove=[*changes.remove, *dropped],
        add=[*changes.add, *add],
        preconditions=dict(changes.preconditions),
    )
    return recorded, node.value


def history(store: Store) -> list[UndoEntry]:
    """The recorded writes, newest first."""
    return _entries(store)


def plan_undo(store: Store, entry: UndoEntry | None = None) -> tuple[UndoEntry, ChangeSet]:
    """The change set that reverses ``entry`` (default: the newest), checked against the
    register as it is now. Raises UserError when there is nothing to undo or it is unsafe."""
    if entry is None:
        entries = _entries(store)
        if not entries:
            raise UserError("nothing to undo: no write is recorded in this register")
        entry = entries[0]
    current = {
        q
        for graph in _RECORDED_GRAPHS
        for subject in _subjects(entry)
        for q in store.quads(graph, subject=subject)
    }
    gone = [q for q in entry.added if q not in current]
    back = [q for q in entry.removed if q in current]
    if gone or back:
        changed = sorted({_name(q.subject) for q in (*gone, *back)})
        raise UserError(
            f"cannot undo '{entry.description}': {', '.join(changed)} changed since; "
            "edit them by hand instead"
        )
    after = (current - set(entry.added)) | set(entry.removed)
    disappearing = _entity_subjects(current) - _entity_subjects(after)
    for subject in sorted(disappearing):
        others = _referrers(store, subject, exclude=_subjects(entry))
        if others:
            raise UserError(
                f"cannot undo '{entry.description}': {', '.join(others[:5])} now link to "
                f"{_name(ox.NamedNode(subject))}; remove those links first"
            )
    targets = {
        q.object.value
        for q in entry.removed
        if isinstance(q.object, ox.NamedNode) and q.object.value not in _entity_subjects(after)
    }
    stamped = read_stamp_revisions(store, targets) if targets else {}
    missing = [
        t
        for t in sorted(targets)
        if stamped.get(t, 0) and not any(True for _ in store.quads(REGISTER_GRAPH, subject=t))
    ]
    if missing:
        raise UserError(
            f"cannot undo '{entry.description}': it would link again to "
            f"{', '.join(_name(ox.NamedNode(t)) for t in missing[:5])}, which no longer exist"
        )
    _check_shapes(store, entry, after, disappearing)
    changes = ChangeSet(
        remove=[*entry.added, *_entry_quads(store, entry.iri)],
        add=list(entry.removed),
    )
    return entry, changes


def _check_shapes(
    store: Store, entry: UndoEntry, after: set[ox.Quad], disappearing: set[str]
) -> None:
    """SHACL on the entities the undo restores or changes back, as the write pipeline runs it on
    the entities a write touches; refused with the shapes' messages on a violation."""
    restored = _entity_subjects(after) & _subjects(entry)
    if not restored:
        return
    quads = [
        q for q in after if isinstance(q.subject, ox.NamedNode) and q.subject.value in restored
    ]
    ids = {
        q.object.value
        for q in quads
        if q.predicate.value == _IDENTIFIER and isinstance(q.object, ox.Literal)
    }
    issues = shape_issues(store, restored, quads, gone=frozenset(disappearing))
    problems = sorted(
        {f"{i.focus}: {i.message}" for i in issues if i.severity == "Violation" and i.focus in ids}
    )
    if problems:
        raise UserError(
            f"cannot undo '{entry.description}': the register would not conform to its shapes: "
            + "; ".join(problems)
        )


def undo(store: Store, entry: UndoEntry | None = None) -> Undone:
    """Reverse ``entry`` (default: the newest recorded write) in one transaction."""
    found, changes = plan_undo(store, entry)
    return Undone(found, commit(store, changes))


def entry_by_iri(store: Store, iri: str) -> UndoEntry | None:
    return next((e for e in _entries(store) if e.iri == iri), None)


# --- reading the log ------------------------------------------------------------------------


def _entries(store: Store) -> list[UndoEntry]:
    result = store.query(
        "SELECT ?e ?p ?o WHERE { GRAPH ?g { ?e ?seq ?n . ?e ?p ?o } }",
        {"g": _META, "seq": _SEQUENCE},
    )
    props: dict[str, dict[str, str]] = {}
    for row in result.rows if isinstance(result, SelectResult) else []:
        entry, predicate, obj = row["e"], row["p"], row["o"]
        if entry is not None and predicate is not None and obj is not None:
            props.setdefault(entry.value, {})[predicate.value] = obj.value
    entries = [
        UndoEntry(
            iri=iri,
            sequence=int(p.get(_SEQUENCE.value, "0")),
            description=p.get(_DESCRIPTION.value, ""),
            created=p.get(_CREATED.value, ""),
            contributor=p.get(_CONTRIBUTOR.value, ""),
            removed=_parse(p.get(_REMOVED.value, "")),
            added=_parse(p.get(_ADDED.value, "")),
        )
        for iri, p in props.items()
    ]
    return sorted(entries, key=lambda e: e.sequence, reverse=True)


def _entry_quads(store: Store, iri: str) -> list[ox.Quad]:
    return list(store.quads(META_GRAPH, subject=iri))


def _nquads(quads: Iterable[ox.Quad]) -> str:
    """The register and drafts quads of a change (net: a quad removed and added again is no
    change), in the form the store keeps them (a dateTime's '+00:00' becomes 'Z'), so that undo
    finds them. Drafts are recorded so that undoing the acceptance of a draft makes it pending
    again."""
    canonical = ox.Store()
    canonical.extend(q for q in quads if q.graph_name in _RECORDED)
    kept = sorted(canonical, key=str)
    return (ox.serialize(kept, format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")


def _parse(text: str) -> tuple[ox.Quad, ...]:
    if not text:
        return ()
    return tuple(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _subjects(entry: UndoEntry) -> set[str]:
    return {
        q.subject.value
        for q in (*entry.removed, *entry.added)
        if isinstance(q.subject, ox.NamedNode)
    }


def _entity_subjects(quads: Iterable[ox.Quad]) -> set[str]:
    """Register entities among the subjects (a draft has an identifier too, in its graph)."""
    return {
        q.subject.value
        for q in quads
        if q.predicate.value == _IDENTIFIER
        and q.graph_name == _REGISTER
        and isinstance(q.subject, ox.NamedNode)
    }


def _referrers(store: Store, subject: str, *, exclude: set[str]) -> list[str]:
    result = store.query(
        "SELECT DISTINCT ?s ?id WHERE { GRAPH ?g { ?s ?p ?o . OPTIONAL { ?s ?idp ?id } } }",
        {"g": _REGISTER, "o": ox.NamedNode(subject), "idp": ox.NamedNode(_IDENTIFIER)},
    )
    found = []
    for row in result.rows if isinstance(result, SelectResult) else []:
        s = row["s"]
        if s is None or s.value in exclude:
            continue
        found.append(row["id"].value if row["id"] is not None else s.value)
    return sorted(set(found))


def _name(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    value = getattr(node, "value", str(node))
    return value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
