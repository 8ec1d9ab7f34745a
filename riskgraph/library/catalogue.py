"""Libraries in a register: which are loaded, loading and unloading them, reading their concepts.

A loaded library lives in its own named graph (``LIBRARY_GRAPH_PREFIX + name``), never in the
register graph. Loading, updating and unloading are each one all-or-nothing change through the
store (``Register.commit``), so a failed load leaves the register exactly as it was.

This is the core API other parts use (the assistant, risk identification, the TUI):
``list_libraries``, ``loaded_libraries``, ``concepts``, ``concept``, ``load``, ``unload``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.errors import UnlessSet, UserError
from riskgraph.library.bundled import bundled, bundled_library, bundled_triples
from riskgraph.library.model import (
    KINDS,
    LIBRARY_GRAPH_PREFIX,
    RGL,
    Library,
    check_name,
    concept_iri,
    library_graph,
)
from riskgraph.library.rdf import library_triples, read_library
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, Store
from riskgraph.vocab import ISO42001, ISO42001_GRAPH, REGISTER_GRAPH, sparql_prefix_block

PREFIXES = sparql_prefix_block() + f"PREFIX rgl: <{RGL}>\n"


@dataclass(frozen=True)
class LibraryInfo:
    name: str
    title: str
    version: str
    license_name: str
    bundled: bool
    loaded_version: str | None
    """The version loaded in the register, or None when it is not loaded."""
    concepts: int | None = None
    mappings: int | None = None

    @property
    def status(self) -> str:
        if self.loaded_version is None:
            return "available"
        if self.bundled and self.loaded_version != self.version:
            return f"loaded {self.loaded_version} (bundled {self.version})"
        return "loaded"


@dataclass(frozen=True)
class ConceptRow:
    """A library concept with its texts, as the assistant and the TUI read them."""

    iri: str
    library: str
    notation: str
    label: str
    kind: str
    definition: str
    broader: str | None = None


def select_rows(store: Store, query: str, bindings: dict | None = None) -> list[dict]:
    """The rows of a SELECT over the library vocabulary (``PREFIXES`` are prepended)."""
    result = store.select(PREFIXES + query, bindings)
    return list(result.rows)


def term_text(term: object) -> str:
    """A term's lexical value; '' for an unbound variable."""
    return getattr(term, "value", "") if term is not None else ""


def loaded_libraries(store: Store) -> dict[str, tuple[str, str]]:
    """Name -> (version, title) of every library loaded in the store."""
    rows = select_rows(
        store,
        "SELECT ?g ?name ?version ?title WHERE { GRAPH ?g { ?lib a rgl:Library ; rgl:name ?name "
        "; skos:prefLabel ?title . OPTIONAL { ?lib owl:versionInfo ?version } } }",
    )
    out = {}
    for row in rows:
        graph = term_text(row["g"])
        if graph.startswith(LIBRARY_GRAPH_PREFIX):
            out[term_text(row["name"])] = (term_text(row["version"]), term_text(row["title"]))
    return dict(sorted(out.items()))


def list_libraries(store: Store) -> list[LibraryInfo]:
    """Every bundled library and every library loaded in the register (bundled or imported)."""
    loaded = loaded_libraries(store)
    out = [
        LibraryInfo(
            b.name,
            b.title,
            b.version,
            b.license_name,
            True,
            loaded.get(b.name, (None,))[0],
            b.concepts,
            b.mappings,
        )
        for b in bundled().values()
    ]
    for name, (version, title) in loaded.items():
        if name not in bundled():
            out.append(LibraryInfo(name, title, version, "", False, version))
    return out


def library_in_store(store: Store, name: str) -> Library | None:
    check_name(name)
    quads = list(store.quads(library_graph(name)))
    if not quads:
        return None
    return read_library(quads, where=f"the loaded library {name}")


def resolve(store: Store, name: str) -> Library:
    """A library by name: as loaded in the register, else as bundled."""
    found = library_in_store(store, name)
    if found is not None:
        return found
    if name in bundled():
        return read_library(bundled_triples(name), where=bundled_library(name).file)
    raise UserError(_unknown(store, name))


def _unknown(store: Store, name: str) -> str:
    names = sorted(set(bundled()) | set(loaded_libraries(store)))
    return f"no library named {name!r}; known libraries: {', '.join(names)}"


def _quads(name: str, triples: Iterable[ox.Triple]) -> list[ox.Quad]:
    graph = ox.NamedNode(library_graph(name))
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def load_changes(store: Store, library: Library | str, *, replace: bool = False) -> ChangeSet:
    """The change that loads a library (a bundled one by name, or a Library read from a file).

    A library already loaded at the same version gives an empty change; at another version it is
    refused unless ``replace`` (see ``riskgraph.library.update`` for what an update changes).
    """
    if isinstance(library, str):
        name = check_name(library)
        entry = bundled_library(name)
        version, triples = entry.version, bundled_triples(name)
    else:
        name, version, triples = library.name, library.meta.version, library_triples(library)
    graph = library_graph(name)
    current = loaded_libraries(store).get(name)
    if current is not None:
        if current[0] == version and not replace:
            return ChangeSet()
        if not replace:
            raise UnlessSet(
                f"library {name} is loaded at version {current[0] or '(none)'}; loading "
                f"version {version or '(none)'} replaces it: run 'riskgraph library update "
                f"{name}' to see what changes",
                field="replace",
                action="load it",
            )
    new = _quads(name, triples)
    old = list(store.quads(graph)) if current is not None else []
    if current is not None and set(old) == set(new):
        return ChangeSet()
    return ChangeSet(remove=old, add=new)


def load(register: Register, libraries: Sequence[Library | str], *, replace: bool = False) -> int:
    """Load several libraries in one transaction; returns the number of quads added."""
    with register.write_session():
        with register.reader() as store:
            changes = ChangeSet()
            for library in libraries:
                part = load_changes(store, library, replace=replace)
                changes.remove.extend(part.remove)
                changes.add.extend(part.add)
        if changes:
            register.commit(changes)
    return len(changes.add)


def linked_entities(store: Store, name: str) -> list[str]:
    """IDs of register entities that link to concepts of a library (adopted or linked)."""
    rows = select_rows(
        store,
        "SELECT DISTINCT ?id WHERE { GRAPH ?reg { ?e dcterms:identifier ?id ; ?p ?c } "
        "GRAPH ?lib { ?c a skos:Concept } }",
        {"reg": ox.NamedNode(REGISTER_GRAPH), "lib": ox.NamedNode(library_graph(name))},
    )
    return sorted(term_text(r["id"]) for r in rows)


def unload(register: Register, name: str, *, force: bool = False) -> int:
    """Remove a library's graph; refused while register entities link to it unless ``force``."""
    check_name(name)
    with register.write_session():
        with register.reader() as store:
            if name not in loaded_libraries(store):
                raise UserError(f"library {name} is not loaded in this register")
            linked = linked_entities(store, name)
            if linked and not force:
                shown = ", ".join(linked[:10]) + (" and more" if len(linked) > 10 else "")
                raise UnlessSet(
                    f"register entities link to concepts of {name}: {shown}; their links would "
                    "point nowhere. Remove the links first",
                    field="force",
                    action="unload it",
                )
            old = list(store.quads(library_graph(name)))
        register.commit(ChangeSet(remove=old))
    return len(old)


def concepts(
    store: Store,
    library: str | None = None,
    *,
    kind: str | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> list[ConceptRow]:
    """Concepts of the loaded libraries (or of one), with their texts; ``text`` filters on
    notation, label and definition (case-insensitive substring)."""
    if kind is not None and kind not in KINDS:
        raise UserError(f"unknown concept kind {kind!r}; expected one of {', '.join(KINDS)}")
    loaded = loaded_libraries(store)
    if library is not None and library not in loaded:
        raise UserError(
            f"library {library} is not loaded; load it with 'riskgraph library load {library}'"
            if library in bundled()
            else _unknown(store, library)
        )
    names = [library] if library else list(loaded)
    kind_of = {iri: k for k, iri in KINDS.items()}
    out: list[ConceptRow] = []
    needle = text.lower() if text else None
    for name in names:
        rows = select_rows(
            store,
            "SELECT ?c ?type ?notation ?label ?definition (SAMPLE(?b) AS ?broader) WHERE { "
            "GRAPH ?g { ?c a skos:Concept ; a ?type ; skos:notation ?notation ; "
            "skos:prefLabel ?label . OPTIONAL { ?c skos:definition ?definition } "
            "OPTIONAL { ?c skos:broader ?b } } FILTER(?type != skos:Concept) } "
            "GROUP BY ?c ?type ?notation ?label ?definition ORDER BY ?notation",
            {"g": ox.NamedNode(library_graph(name))},
        )
        for row in rows:
            concept_kind = kind_of.get(term_text(row["type"]))
            if concept_kind is None or (kind is not None and concept_kind != kind):
                continue
            item = ConceptRow(
                term_text(row["c"]),
                name,
                term_text(row["notation"]),
                term_text(row["label"]),
                concept_kind,
                term_text(row["definition"]),
                term_text(row["broader"]) or None,
            )
            if needle and not any(
                needle in v.lower() for v in (item.notation, item.label, item.definition)
            ):
                continue
            out.append(item)
            if limit is not None and len(out) >= limit:
                return out
    return out


def concept(store: Store, reference: str) -> ConceptRow:
    """One concept by IRI or by ``LIBRARY:NOTATION`` (e.g. ``finos-aigf:mi-3``); the part after
    the colon may also be the concept's ID in its IRI (``iso-hs:27001-9.2`` for notation
    ``27001 9.2``)."""
    if "://" in reference:
        rows = select_rows(
            store,
            "SELECT ?g WHERE { GRAPH ?g { ?c a skos:Concept } }",
            {"c": ox.NamedNode(reference)},
        )
        graphs = [
            term_text(r["g"]) for r in rows if term_text(r["g"]).startswith(LIBRARY_GRAPH_PREFIX)
        ]
        if not graphs:
            raise UserError(f"no loaded library has the concept <{reference}>")
        name = graphs[0].removeprefix(LIBRARY_GRAPH_PREFIX)
        matches = [c for c in concepts(store, name) if c.iri == reference]
    else:
        name, sep, notation = reference.partition(":")
        if not sep or not notation:
            raise UserError(
                f"{reference!r} is not a concept reference; expected LIBRARY:NOTATION "
                "(e.g. finos-aigf:mi-3) or the concept's IRI"
            )
        local = concept_iri(name, notation)
        matches = [c for c in concepts(store, name) if c.notation == notation or c.iri == local]
        if not matches:
            raise UserError(f"library {name} has no concept with notation {notation!r}")
    return matches[0]


ANNEX_A = "iso42001-annex-a"
"""What ``ConceptRow.library`` says for an ISO/IEC 42001 Annex A control as a mapping target."""


def annex_a_control(store: Store, reference: str) -> ConceptRow | None:
    """The ISO/IEC 42001 Annex A control ``reference`` (``A.6.2.4`` or its IRI), or None when
    it is not one."""
    iri = reference if reference.startswith(ISO42001) else ISO42001 + reference
    rows = select_rows(
        store,
        "SELECT ?notation ?label WHERE { GRAPH ?g { ?c a rg:AnnexAControl ; "
        "skos:notation ?notation ; skos:prefLabel ?label } }",
        {"g": ox.NamedNode(ISO42001_GRAPH), "c": ox.NamedNode(iri)},
    )
    if not rows:
        return None
    return ConceptRow(
        iri, ANNEX_A, term_text(rows[0]["notation"]), term_text(rows[0]["label"]), "control", ""
    )


def mapping_target(store: Store, reference: str) -> ConceptRow:
    """What a register entity may be mapped to: a concept of a loaded library (as ``concept``
    reads it) or an ISO/IEC 42001 Annex A control (``A.6.2.4``)."""
    if reference.startswith("A.") or reference.startswith(ISO42001):
        found = annex_a_control(store, reference)
        if found is None:
            raise UserError(
                f"{reference!r} is not an Annex A control of ISO/IEC 42001; expected an ID "
                "such as A.6.2.4"
            )
        return found
    return concept(store, reference)


def linked_to(store: Store, concept_iri: str) -> list[str]:
    """IDs of register entities that adopted or link to one concept."""
    rows = select_rows(
        store,
        "SELECT DISTINCT ?id WHERE { GRAPH ?reg { ?e dcterms:identifier ?id ; ?p ?c } }",
        {"reg": ox.NamedNode(REGISTER_GRAPH), "c": ox.NamedNode(concept_iri)},
    )
    return sorted(term_text(r["id"]) for r in rows)
