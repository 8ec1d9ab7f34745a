"""The register browser's tables: one listing per tab, with the facets its filters use.

Each listing is read with a few bulk queries (never one per entity), so a tab of tens of
thousands of rows loads in about a second. Filtering and sorting are pure functions over the
rows, run on the UI side as the user types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import pyoxigraph as ox

from riskgraph.model.entities import ControlStatus, FindingStatus, TreatmentOption, TreatmentStatus
from riskgraph.register import Register
from riskgraph.scoring import all_levels
from riskgraph.store.base import SelectResult, Store, Term
from riskgraph.tui.data.nodes import natural_key, short_key
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, REGISTER_GRAPH, RG, SKOS

SortKind = Literal["key", "text", "level", "date", "number"]
Facet = Literal["system", "level", "status", "owner"]

TABS: tuple[tuple[str, str], ...] = (
    ("systems", "Systems"),
    ("components", "Components"),
    ("risks", "Risks"),
    ("controls", "Controls"),
    ("treatments", "Treatments"),
    ("evidence", "Evidence"),
    ("findings", "Findings"),
    ("catalogue", "ISO 42001"),
)
"""Tab name and heading, in the order the browser shows them."""


@dataclass(frozen=True)
class Column:
    name: str
    sort: SortKind = "text"


@dataclass(frozen=True)
class Row:
    iri: str
    cells: tuple[str, ...]
    systems: frozenset[str] = frozenset()
    """IDs of the AI systems the row concerns (for the system filter)."""
    level: str | None = None
    """Current risk level name (for the level filter), e.g. 'high'."""
    status: str | None = None
    owner: str | None = None
    search: str = ""
    """Lower-case text the search box matches."""


@dataclass(frozen=True)
class Listing:
    tab: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    facets: frozenset[Facet]
    owners: dict[str, str] = field(default_factory=dict)
    """Owner ID -> name, for the owner filter's choices."""

    def choices(self, facet: Facet) -> list[str]:
        """The values a filter offers: those that occur in the rows."""
        if facet == "system":
            return sorted({s for row in self.rows for s in row.systems}, key=natural_key)
        if facet == "level":
            ranks = {lv.name: lv.rank for lv in all_levels().values()}
            found = {row.level for row in self.rows if row.level}
            return sorted(found, key=lambda name: -ranks.get(name, 0))
        values = {getattr(row, facet) for row in self.rows}
        return sorted((v for v in values if v), key=natural_key)


@dataclass(frozen=True)
class Filters:
    text: str = ""
    system: str | None = None
    level: str | None = None
    status: str | None = None
    owner: str | None = None


def filter_rows(rows: Iterable[Row], filters: Filters) -> list[Row]:
    words = filters.text.lower().split()
    return [
        row
        for row in rows
        if all(word in row.search for word in words)
        and (filters.system is None or filters.system in row.systems)
        and (filters.level is None or row.level == filters.level)
        and (filters.status is None or row.status == filters.status)
        and (filters.owner is None or row.owner == filters.owner)
    ]


def sort_rows(rows: list[Row], columns: tuple[Column, ...], index: int, reverse: bool) -> list[Row]:
    """Rows sorted on one column; empty cells last whichever the direction."""
    kind = columns[index].sort
    filled = [row for row in rows if row.cells[index]]
    empty = [row for row in rows if not row.cells[index]]
    filled.sort(key=lambda row: _sort_key(kind, row.cells[index]), reverse=reverse)
    return filled + empty


_RANKS = {lv.label: lv.rank for lv in all_levels().values()}


def _sort_key(kind: SortKind, text: str) -> tuple[object, ...]:
    if kind == "level":
        return (_RANKS.get(text, 0),)
    if kind == "number":
        return (int(text) if text.isdigit() else 0,)
    if kind == "key":
        return natural_key(text)
    return (text.lower(),)


# --- reading ---------------------------------------------------------------------------------

_Props = dict[str, dict[str, list[Term]]]
_CONCEPTS = {
    member.iri: member.value
    for enum in (ControlStatus, TreatmentStatus, TreatmentOption, FindingStatus)
    for member in enum
}


def _rg(*names: str) -> list[str]:
    return [RG + name for name in names]


def _select(store: Store, sparql: str) -> Iterable[dict[str, Term | None]]:
    """Rows of a query on the register graph, written ``GRAPH ?g``; the IRIs in these queries are
    constants of our vocabulary, never user input."""
    result = store.query(sparql.replace("GRAPH ?g", f"GRAPH <{REGISTER_GRAPH}>"))
    assert isinstance(result, SelectResult)
    return result.rows


def _properties(store: Store, types: list[str], predicates: list[str]) -> _Props:
    """Subject -> predicate -> objects, for subjects of ``types`` (our own vocabulary only).

    One query per predicate: each is an index scan joined with the type, several times faster
    than one query over every property of every subject.
    """
    type_values = " ".join(f"<{t}>" for t in types)
    found: _Props = defaultdict(lambda: defaultdict(list))
    for predicate in [*_NAMES, *predicates]:
        rows = _select(
            store,
            f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s a ?type ; <{predicate}> ?o }} "
            f"VALUES ?type {{ {type_values} }} }}",
        )
        for row in rows:
            s, o = row["s"], row["o"]
            if s is not None and o is not None:
                found[s.value][predicate].append(o)
    return found


_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NAMES = [DCTERMS + "identifier", DCTERMS + "title", _TYPE]


def _pairs(store: Store, predicate: str) -> list[tuple[str, str]]:
    """(subject, object) IRIs of one predicate in the register graph."""
    rows = _select(store, f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }}")
    return [
        (row["s"].value, row["o"].value)
        for row in rows
        if isinstance(row["s"], ox.NamedNode) and isinstance(row["o"], ox.NamedNode)
    ]


class _Reader:
    """Shared lookups for one listing: IDs, owners' names, risks' systems and levels."""

    def __init__(self, store: Store, base_iri: str) -> None:
        self.store = store
        self.base = base_iri
        self._affects: dict[str, set[str]] | None = None

    def key(self, iri: str) -> str:
        return short_key(iri, self.base)

    def keys(self, terms: Iterable[Term]) -> list[str]:
        return sorted((self.key(t.value) for t in terms), key=natural_key)

    def risk_systems(self) -> dict[str, set[str]]:
        """Risk IRI -> IDs of the AI systems it affects."""
        if self._affects is None:
            affects: dict[str, set[str]] = defaultdict(set)
            for risk, system in _pairs(self.store, RG + "affects"):
                affects[risk].add(self.key(system))
            self._affects = affects
        return self._affects

    def owners(self, props: _Props) -> dict[str, str]:
        """Owner ID -> name, for the owners that ``props`` mention."""
        iris = {o.value for p in props.values() for o in p.get(RG + "owner", [])}
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


def _one(props: dict[str, list[Term]], predicate: str) -> str:
    values = props.get(predicate)
    return min(v.value for v in values) if values else ""


def _concept(props: dict[str, list[Term]], predicate: str) -> str:
    iri = _one(props, predicate)
    return _CONCEPTS.get(iri, iri.rsplit("#", 1)[-1].lower()) if iri else ""


def _level_name(props: dict[str, list[Term]], predicate: str) -> str:
    iri = _one(props, predicate)
    level = all_levels().get(iri)
    return level.name if level else ""


def _label(name: str) -> str:
    return name.replace("-", " ")


def _row(
    r: _Reader,
    iri: str,
    props: dict[str, list[Term]],
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


def load_listing(register: Register, tab: str) -> Listing:
    with register.reader() as store:
        return read_listing(store, register.base_iri, tab)


def read_listing(store: Store, base_iri: str, tab: str) -> Listing:
    builder = _BUILDERS.get(tab)
    if builder is None:
        raise ValueError(f"unknown browser tab {tab!r}")
    return builder(_Reader(store, base_iri))


def _systems(r: _Reader) -> Listing:
    props = _properties(r.store, _rg("AISystem"), _rg("lifecycleStage", "owner", "reviewDue"))
    risks_of: dict[str, int] = defaultdict(int)
    for systems in r.risk_systems().values():
        for system in systems:
            risks_of[system] += 1
    rows = []
    for iri, p in props.items():
        key = _one(p, DCTERMS + "identifier")
        owner = r.keys(p.get(RG + "owner", []))
        cells = [
            key,
            _one(p, DCTERMS + "title"),
            _one(p, RG + "lifecycleStage"),
            ", ".join(owner),
            _one(p, RG + "reviewDue"),
            str(risks_of.get(key, 0)),
        ]
        rows.append(_row(r, iri, p, cells, systems=frozenset({key})))
    return _listing(
        "systems",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Stage"),
            Column("Owner", "key"),
            Column("Review due", "date"),
            Column("Risks", "number"),
        ],
        rows,
        {"system", "owner"},
        r.owners(props),
    )


_COMPONENT_TYPES = {
    RG + "Model": "model",
    RG + "Dataset": "dataset",
    RG + "ThirdPartyService": "service",
}


def _components(r: _Reader) -> Listing:
    props = _properties(
        r.store, [*_COMPONENT_TYPES, RG + "Component"], _rg("providedBy", "version", "owner")
    )
    systems_of = _dependants(r)
    rows = []
    for iri, p in props.items():
        kinds = sorted({_COMPONENT_TYPES.get(t.value, "") for t in p.get(_TYPE, [])} - {""})
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            ", ".join(kinds),
            ", ".join(r.keys(p.get(RG + "providedBy", []))),
            _one(p, RG + "version"),
            ", ".join(r.keys(p.get(RG + "owner", []))),
        ]
        rows.append(_row(r, iri, p, cells, systems=frozenset(systems_of.get(iri, ()))))
    return _listing(
        "components",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Type"),
            Column("Supplier", "key"),
            Column("Version"),
            Column("Owner", "key"),
        ],
        rows,
        {"system", "owner"},
        r.owners(props),
    )


def _dependants(r: _Reader) -> dict[str, set[str]]:
    """Component IRI -> IDs of the AI systems that depend on it, directly or through others."""
    edges: dict[str, set[str]] = defaultdict(set)
    for source, target in _pairs(r.store, RG + "dependsOn"):
        edges[source].add(target)
    systems = _subjects_of_type(r.store, RG + "AISystem")
    found: dict[str, set[str]] = defaultdict(set)
    for system in systems:
        seen: set[str] = set()
        todo = list(edges.get(system, ()))
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            found[node].add(r.key(system))
            todo.extend(edges.get(node, ()))
    return found


def _subjects_of_type(store: Store, rdf_type: str) -> list[str]:
    rows = _select(store, f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a <{rdf_type}> }} }}")
    return [row["s"].value for row in rows if isinstance(row["s"], ox.NamedNode)]


def _risks(r: _Reader) -> Listing:
    props = _properties(
        r.store,
        _rg("Risk"),
        _rg("affects", "inherentLevel", "residualLevel", "owner", "reviewDue"),
    )
    rows = []
    for iri, p in props.items():
        inherent = _level_name(p, RG + "inherentLevel")
        residual = _level_name(p, RG + "residualLevel")
        systems = r.keys(p.get(RG + "affects", []))
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            ", ".join(systems),
            _label(inherent),
            _label(residual),
            ", ".join(r.keys(p.get(RG + "owner", []))),
            _one(p, RG + "reviewDue"),
        ]
        rows.append(
            _row(r, iri, p, cells, systems=frozenset(systems), level=residual or inherent or None)
        )
    return _listing(
        "risks",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Systems", "key"),
            Column("Inherent", "level"),
            Column("Residual", "level"),
            Column("Owner", "key"),
            Column("Review due", "date"),
        ],
        rows,
        {"system", "level", "owner"},
        r.owners(props),
    )


def _risk_facets(r: _Reader) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Risk IRI -> its systems, and risk IRI -> its current level name."""
    levels: dict[str, str] = {}
    props = _properties(r.store, _rg("Risk"), _rg("inherentLevel", "residualLevel"))
    for iri, p in props.items():
        levels[iri] = _level_name(p, RG + "residualLevel") or _level_name(p, RG + "inherentLevel")
    return r.risk_systems(), levels


def _controls(r: _Reader) -> Listing:
    props = _properties(r.store, _rg("Control"), _rg("status", "owner", "mitigates", "addresses"))
    systems_of, _levels = _risk_facets(r)
    rows = []
    for iri, p in props.items():
        risks = [t.value for t in p.get(RG + "mitigates", [])]
        status = _concept(p, RG + "status")
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            status,
            ", ".join(r.keys(p.get(RG + "owner", []))),
            str(len(risks)),
            ", ".join(r.keys(p.get(RG + "addresses", []))),
        ]
        systems = frozenset(s for risk in risks for s in systems_of.get(risk, ()))
        rows.append(_row(r, iri, p, cells, systems=systems, status=status or None))
    return _listing(
        "controls",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Status"),
            Column("Owner", "key"),
            Column("Risks", "number"),
            Column("Addresses", "key"),
        ],
        rows,
        {"system", "status", "owner"},
        r.owners(props),
    )


def _treatments(r: _Reader) -> Listing:
    props = _properties(
        r.store,
        _rg("Treatment"),
        _rg("treats", "option", "status", "approvedBy", "dueDate", "owner"),
    )
    systems_of, levels = _risk_facets(r)
    rows = []
    for iri, p in props.items():
        risk = _one(p, RG + "treats")
        status = _concept(p, RG + "status")
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            r.key(risk) if risk else "",
            _concept(p, RG + "option"),
            status,
            ", ".join(r.keys(p.get(RG + "approvedBy", []))),
            _one(p, RG + "dueDate"),
        ]
        rows.append(
            _row(
                r,
                iri,
                p,
                cells,
                systems=frozenset(systems_of.get(risk, ())),
                level=levels.get(risk) or None,
                status=status or None,
            )
        )
    return _listing(
        "treatments",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Risk", "key"),
            Column("Option"),
            Column("Status"),
            Column("Approved by", "key"),
            Column("Due", "date"),
        ],
        rows,
        {"system", "level", "status", "owner"},
        r.owners(props),
    )


def _evidence(r: _Reader) -> Listing:
    props = _properties(
        r.store, _rg("Evidence"), [*_rg("supports", "expires", "owner"), DCTERMS + "issued"]
    )
    rows = []
    for iri, p in props.items():
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            ", ".join(r.keys(p.get(RG + "supports", []))),
            _one(p, DCTERMS + "issued"),
            _one(p, RG + "expires"),
        ]
        rows.append(_row(r, iri, p, cells))
    return _listing(
        "evidence",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Supports", "key"),
            Column("Issued", "date"),
            Column("Expires", "date"),
        ],
        rows,
        {"owner"},
        r.owners(props),
    )


_FINDING_TYPES = {RG + "AuditFinding": "finding", RG + "Nonconformity": "nonconformity"}


def _findings(r: _Reader) -> Listing:
    props = _properties(
        r.store, list(_FINDING_TYPES), _rg("status", "grade", "concerns", "raisedOn")
    )
    rows = []
    for iri, p in props.items():
        kinds = sorted({_FINDING_TYPES.get(t.value, "") for t in p.get(_TYPE, [])} - {""})
        status = _concept(p, RG + "status")
        cells = [
            _one(p, DCTERMS + "identifier"),
            _one(p, DCTERMS + "title"),
            kinds[-1] if kinds else "",
            status,
            _one(p, RG + "grade"),
            ", ".join(r.keys(p.get(RG + "concerns", []))),
            _one(p, RG + "raisedOn"),
        ]
        rows.append(_row(r, iri, p, cells, status=status or None))
    return _listing(
        "findings",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Type"),
            Column("Status"),
            Column("Grade"),
            Column("Concerns", "key"),
            Column("Raised", "date"),
        ],
        rows,
        {"status"},
        {},
    )


_CATALOGUE_KINDS = {
    RG + "Clause": "clause",
    RG + "AnnexAObjective": "Annex A objective",
    RG + "AnnexAControl": "Annex A control",
}
_CATALOGUE = f"""
SELECT ?c ?type ?ref ?heading WHERE {{
  GRAPH <{ISO42001_GRAPH}> {{ ?c a ?type ; <{SKOS}notation> ?ref ; <{SKOS}prefLabel> ?heading }}
  VALUES ?type {{ {" ".join(f"<{t}>" for t in _CATALOGUE_KINDS)} }}
}}"""


def _catalogue(r: _Reader) -> Listing:
    result = r.store.query(_CATALOGUE)
    assert isinstance(result, SelectResult)
    controls: dict[str, int] = defaultdict(int)
    for _control, item in _pairs(r.store, RG + "addresses"):
        controls[item] += 1
    applicable = _applicability(r)
    rows = []
    for row in result.rows:
        iri = row["c"].value  # type: ignore[union-attr]
        kind = _CATALOGUE_KINDS[row["type"].value]  # type: ignore[union-attr]
        decision = applicable.get(iri, "") if kind == "Annex A control" else ""
        cells = [
            row["ref"].value,  # type: ignore[union-attr]
            row["heading"].value,  # type: ignore[union-attr]
            kind,
            str(controls.get(iri, 0)) if kind != "Annex A objective" else "",
            decision,
        ]
        rows.append(Row(iri, tuple(cells), status=decision or None, search=" ".join(cells).lower()))
    return _listing(
        "catalogue",
        [
            Column("Ref", "key"),
            Column("Heading"),
            Column("Kind"),
            Column("Controls", "number"),
            Column("SoA"),
        ],
        rows,
        {"status"},
        {},
    )


def _applicability(r: _Reader) -> dict[str, str]:
    """Annex A control IRI -> 'applicable' or 'excluded', from the Statement of Applicability."""
    props = _properties(r.store, _rg("ApplicabilityStatement"), _rg("annexAControl", "applicable"))
    found = {}
    for p in props.values():
        control = _one(p, RG + "annexAControl")
        value = _one(p, RG + "applicable")
        if control and value:
            found[control] = "applicable" if value in ("true", "1") else "excluded"
    return found


def _listing(
    tab: str,
    columns: list[Column],
    rows: list[Row],
    facets: set[str],
    owners: dict[str, str],
) -> Listing:
    ordered = sorted(rows, key=lambda row: natural_key(row.cells[0]))
    return Listing(tab, tuple(columns), tuple(ordered), frozenset(facets), owners)  # type: ignore[arg-type]


_BUILDERS: dict[str, Callable[[_Reader], Listing]] = {
    "systems": _systems,
    "components": _components,
    "risks": _risks,
    "controls": _controls,
    "treatments": _treatments,
    "evidence": _evidence,
    "findings": _findings,
    "catalogue": _catalogue,
}
