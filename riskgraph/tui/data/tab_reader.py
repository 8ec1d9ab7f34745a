"""The bulk reads the browser's tabs share: properties of every subject of a type, one query per
predicate; links of one predicate; display values; and how a row is assembled."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from riskgraph.ids import natural_key
from riskgraph.model.entities import ControlStatus, FindingStatus, TreatmentOption, TreatmentStatus
from riskgraph.scoring import all_levels, current_level
from riskgraph.store.base import Store, Term
from riskgraph.views.nodes import short_key
from riskgraph.views.table import Column, Listing, Row
from riskgraph.vocab import DCTERMS, REGISTER_GRAPH, RG

Props = dict[str, dict[str, list[str]]]
"""Subject IRI -> predicate IRI -> values: IRIs, or the lexical forms of literals."""
_CONCEPTS = {
    member.iri: member.value
    for enum in (ControlStatus, TreatmentStatus, TreatmentOption, FindingStatus)
    for member in enum
}


def rg(*names: str) -> list[str]:
    return [RG + name for name in names]


def select(store: Store, sparql: str) -> Iterable[dict[str, Term | None]]:
    """Rows of a query on the register graph, written ``GRAPH ?g``; the IRIs in these queries are
    constants of our vocabulary, never user input."""
    result = store.select(sparql.replace("GRAPH ?g", f"GRAPH <{REGISTER_GRAPH}>"))
    return result.rows


def properties(store: Store, types: list[str], predicates: list[str]) -> Props:
    """Subject -> predicate -> values (IRIs and lexical forms), for subjects of ``types`` (our
    own vocabulary only).

    One grouped query: the store joins and groups (in Rust), and Python reads one row per
    subject, several times faster than reading one row per value.
    """
    wanted = [*_NAMES, *predicates]
    columns = " ".join(
        f'(GROUP_CONCAT(DISTINCT STR(?v{i}); separator="{_SEPARATOR}") AS ?c{i})'
        for i in range(len(wanted))
    )
    optionals = " ".join(f"OPTIONAL {{ ?s <{p}> ?v{i} }}" for i, p in enumerate(wanted))
    type_values = " ".join(f"<{t}>" for t in types)
    rows = select(
        store,
        f"SELECT ?s {columns} WHERE {{ GRAPH ?g {{ ?s a ?type . {optionals} }} "
        f"VALUES ?type {{ {type_values} }} }} GROUP BY ?s",
    )
    found: Props = {}
    for row in rows:
        subject = row["s"]
        if subject is None:
            continue
        values: dict[str, list[str]] = {}
        for i, predicate in enumerate(wanted):
            joined = row[f"c{i}"]
            if joined is not None and joined.value:
                values[predicate] = joined.value.split(_SEPARATOR)
        found[subject.value] = values
    return found


_SEPARATOR = "\u001f"
"""Between the values of one property in a grouped row (a control character no text uses)."""


TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NAMES = [DCTERMS + "identifier", DCTERMS + "title", TYPE]


def pairs(store: Store, predicate: str) -> list[tuple[str, str]]:
    """(subject, object) IRIs of one predicate in the register graph."""
    rows = select(store, f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }}")
    return [
        (row["s"].value, row["o"].value)
        for row in rows
        if isinstance(row["s"], ox.NamedNode) and isinstance(row["o"], ox.NamedNode)
    ]


class TabReader:
    """Shared lookups for one listing: IDs, owners' names, risks' systems and levels."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base = base_iri
        self._affects: dict[str, set[str]] | None = None

    def key(self, iri: str) -> str:
        return short_key(iri, self.base)

    def keys(self, iris: list[str]) -> list[str]:
        if len(iris) < 2:
            return [self.key(iri) for iri in iris]
        return sorted((self.key(iri) for iri in iris), key=natural_key)

    def risk_systems(self) -> dict[str, set[str]]:
        """Risk IRI -> IDs of the AI systems it affects."""
        if self._affects is None:
            affects: dict[str, set[str]] = defaultdict(set)
            for risk, system in pairs(self.store, RG + "affects"):
                affects[risk].add(self.key(system))
            self._affects = affects
        return self._affects

    def owners(self, props: Props) -> dict[str, str]:
        """Owner ID -> name, for the owners that ``props`` mention."""
        iris = {owner for p in props.values() for owner in p.get(RG + "owner", [])}
        names: dict[str, str] = {}
        for iri in iris:
            title = next(
                (
                    q.object.value
                    for q in self.store.quads(REGISTER_GRAPH, subject=iri)
                    if q.predicate.value == DCTERMS + "title" and isinstance(q.object, ox.Literal)
                ),
                "",
            )
            names[self.key(iri)] = title
        return names


def one(props: dict[str, list[str]], predicate: str) -> str:
    values = props.get(predicate)
    return min(values) if values else ""


def concept(props: dict[str, list[str]], predicate: str) -> str:
    iri = one(props, predicate)
    return _CONCEPTS.get(iri, iri.rsplit("#", 1)[-1].lower()) if iri else ""


def level_name(props: dict[str, list[str]], predicate: str) -> str:
    iri = one(props, predicate)
    level = all_levels().get(iri)
    return level.name if level else ""


def current_level_name(props: dict[str, list[str]]) -> str:
    """A risk's current level (``riskgraph.scoring.current_level``) by name, '' if unscored."""
    known = all_levels()
    level = current_level(
        known.get(one(props, RG + "inherentLevel")), known.get(one(props, RG + "residualLevel"))
    )
    return level.name if level else ""


def level_label(name: str) -> str:
    return name.replace("-", " ")


def make_row(
    r: TabReader,
    iri: str,
    props: dict[str, list[str]],
    cells: list[str],
    *,
    systems: frozenset[str] = frozenset(),
    level: str | None = None,
    status: str | None = None,
) -> Row:
    owners = r.keys(props.get(RG + "owner", []))
    return Row(
        iri=iri,
        cells=tuple(cells),
        systems=systems,
        level=level,
        status=status,
        owner=owners[0] if owners else None,
        search=" ".join(cells).lower(),
    )


def make_listing(
    tab: str,
    columns: list[Column],
    rows: list[Row],
    facets: set[str],
    owners: dict[str, str],
) -> Listing:
    ordered = sorted(rows, key=lambda row: natural_key(row.cells[0]))
    return Listing(tab, tuple(columns), tuple(ordered), frozenset(facets), owners)  # type: ignore[arg-type]


def subjects_of_type(store: Store, rdf_type: str) -> list[str]:
    rows = select(store, f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{rdf_type}> }} }}")
    return [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]
