"""The register browser's tables: one listing per tab, with the facets its filters use.

Each listing is read with a few bulk queries (never one per entity); filtering and sorting
(``riskgraph.views.table``) are pure functions over the rows, run on the UI side as the
user types.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from riskgraph.register import Register
from riskgraph.store.base import Store
from riskgraph.tui.data.tab_reader import (
    TYPE,
    TabReader,
    concept,
    current_level_name,
    level_label,
    level_name,
    make_listing,
    make_row,
    one,
    pairs,
    properties,
    rg,
    subjects_of_type,
)
from riskgraph.views.table import Column, Listing, Row
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, RG, SKOS


def load_listing(register: Register, tab: str) -> Listing:
    with register.reader() as store:
        return read_listing(store, register.base_iri, tab)


def read_listing(store: Store, base_iri: str, tab: str) -> Listing:
    builder = _BUILDERS.get(tab)
    if builder is None:
        raise ValueError(f"unknown browser tab {tab!r}")
    return builder(TabReader(store, base_iri))


def _systems(r: TabReader) -> Listing:
    props = properties(r.store, rg("AISystem"), rg("lifecycleStage", "owner", "reviewDue"))
    risks_of: dict[str, int] = defaultdict(int)
    for systems in r.risk_systems().values():
        for system in systems:
            risks_of[system] += 1
    rows = []
    for iri, p in props.items():
        key = one(p, DCTERMS + "identifier")
        owner = r.keys(p.get(RG + "owner", []))
        cells = [
            key,
            one(p, DCTERMS + "title"),
            one(p, RG + "lifecycleStage"),
            ", ".join(owner),
            one(p, RG + "reviewDue"),
            str(risks_of.get(key, 0)),
        ]
        rows.append(make_row(r, iri, p, cells, systems=frozenset({key})))
    return make_listing(
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


def _components(r: TabReader) -> Listing:
    props = properties(
        r.store, [*_COMPONENT_TYPES, RG + "Component"], rg("providedBy", "version", "owner")
    )
    systems_of = _dependants(r)
    rows = []
    for iri, p in props.items():
        kinds = sorted({_COMPONENT_TYPES.get(t, "") for t in p.get(TYPE, [])} - {""})
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            ", ".join(kinds),
            ", ".join(r.keys(p.get(RG + "providedBy", []))),
            one(p, RG + "version"),
            ", ".join(r.keys(p.get(RG + "owner", []))),
        ]
        rows.append(make_row(r, iri, p, cells, systems=frozenset(systems_of.get(iri, ()))))
    return make_listing(
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


def _dependants(r: TabReader) -> dict[str, set[str]]:
    """Component IRI -> IDs of the AI systems that depend on it, directly or through others."""
    edges: dict[str, set[str]] = defaultdict(set)
    for source, target in pairs(r.store, RG + "dependsOn"):
        edges[source].add(target)
    systems = subjects_of_type(r.store, RG + "AISystem")
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


def _risks(r: TabReader) -> Listing:
    props = properties(
        r.store,
        rg("Risk"),
        rg("affects", "inherentLevel", "residualLevel", "owner", "reviewDue"),
    )
    rows = []
    for iri, p in props.items():
        inherent = level_name(p, RG + "inherentLevel")
        residual = level_name(p, RG + "residualLevel")
        systems = r.keys(p.get(RG + "affects", []))
        current = current_level_name(p)  # the core's rule (riskgraph.scoring.current_level)
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            level_label(current),
            ", ".join(r.keys(p.get(RG + "owner", []))),
            one(p, RG + "reviewDue"),
            ", ".join(systems),
            level_label(inherent),
            level_label(residual),
        ]
        rows.append(make_row(r, iri, p, cells, systems=frozenset(systems), level=current or None))
    return make_listing(
        "risks",
        [
            Column("ID", "key"),
            Column("Title"),
            Column("Level", "level"),
            Column("Owner", "key"),
            Column("Review due", "date"),
            Column("Systems", "key"),
            Column("Inherent", "level"),
            Column("Residual", "level"),
        ],
        rows,
        {"system", "level", "owner"},
        r.owners(props),
    )


def _risk_facets(r: TabReader) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Risk IRI -> its systems, and risk IRI -> its current level name."""
    levels: dict[str, str] = {}
    props = properties(r.store, rg("Risk"), rg("inherentLevel", "residualLevel"))
    for iri, p in props.items():
        levels[iri] = current_level_name(p)
    return r.risk_systems(), levels


def _controls(r: TabReader) -> Listing:
    props = properties(r.store, rg("Control"), rg("status", "owner", "mitigates", "addresses"))
    systems_of, _levels = _risk_facets(r)
    rows = []
    for iri, p in props.items():
        risks = p.get(RG + "mitigates", [])
        status = concept(p, RG + "status")
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            status,
            ", ".join(r.keys(p.get(RG + "owner", []))),
            str(len(risks)),
            ", ".join(r.keys(p.get(RG + "addresses", []))),
        ]
        systems = frozenset(s for risk in risks for s in systems_of.get(risk, ()))
        rows.append(make_row(r, iri, p, cells, systems=systems, status=status or None))
    return make_listing(
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


def _treatments(r: TabReader) -> Listing:
    props = properties(
        r.store,
        rg("Treatment"),
        rg("treats", "option", "status", "approvedBy", "dueDate", "owner"),
    )
    systems_of, levels = _risk_facets(r)
    rows = []
    for iri, p in props.items():
        risk = one(p, RG + "treats")
        status = concept(p, RG + "status")
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            r.key(risk) if risk else "",
            concept(p, RG + "option"),
            status,
            ", ".join(r.keys(p.get(RG + "approvedBy", []))),
            one(p, RG + "dueDate"),
        ]
        rows.append(
            make_row(
                r,
                iri,
                p,
                cells,
                systems=frozenset(systems_of.get(risk, ())),
                level=levels.get(risk) or None,
                status=status or None,
            )
        )
    return make_listing(
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


def _evidence(r: TabReader) -> Listing:
    props = properties(
        r.store, rg("Evidence"), [*rg("supports", "expires", "owner"), DCTERMS + "issued"]
    )
    rows = []
    for iri, p in props.items():
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            ", ".join(r.keys(p.get(RG + "supports", []))),
            one(p, DCTERMS + "issued"),
            one(p, RG + "expires"),
        ]
        rows.append(make_row(r, iri, p, cells))
    return make_listing(
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


def _findings(r: TabReader) -> Listing:
    props = properties(r.store, list(_FINDING_TYPES), rg("status", "grade", "concerns", "raisedOn"))
    rows = []
    for iri, p in props.items():
        kinds = sorted({_FINDING_TYPES.get(t, "") for t in p.get(TYPE, [])} - {""})
        status = concept(p, RG + "status")
        cells = [
            one(p, DCTERMS + "identifier"),
            one(p, DCTERMS + "title"),
            kinds[-1] if kinds else "",
            status,
            one(p, RG + "grade"),
            ", ".join(r.keys(p.get(RG + "concerns", []))),
            one(p, RG + "raisedOn"),
        ]
        rows.append(make_row(r, iri, p, cells, status=status or None))
    return make_listing(
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


def _catalogue(r: TabReader) -> Listing:
    result = r.store.select(_CATALOGUE)
    controls: dict[str, int] = defaultdict(int)
    for _control, addressed in pairs(r.store, RG + "addresses"):
        controls[addressed] += 1
    applicable = _applicability(r)
    rows = []
    for found in result.rows:
        item, rdf_type, ref, heading = found["c"], found["type"], found["ref"], found["heading"]
        if item is None or rdf_type is None or ref is None or heading is None:
            continue
        iri = item.value
        kind = _CATALOGUE_KINDS[rdf_type.value]
        decision = applicable.get(iri, "") if kind == "Annex A control" else ""
        cells = [
            ref.value,
            heading.value,
            kind,
            str(controls.get(iri, 0)) if kind != "Annex A objective" else "",
            decision,
        ]
        rows.append(Row(iri, tuple(cells), status=decision or None, search=" ".join(cells).lower()))
    return make_listing(
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


def _applicability(r: TabReader) -> dict[str, str]:
    """Annex A control IRI -> 'applicable' or 'excluded', from the Statement of Applicability."""
    props = properties(r.store, rg("ApplicabilityStatement"), rg("annexAControl", "applicable"))
    found = {}
    for p in props.values():
        control = one(p, RG + "annexAControl")
        value = one(p, RG + "applicable")
        if control and value:
            found[control] = "applicable" if value in ("true", "1") else "excluded"
    return found


_BUILDERS: dict[str, Callable[[TabReader], Listing]] = {
    "systems": _systems,
    "components": _components,
    "risks": _risks,
    "controls": _controls,
    "treatments": _treatments,
    "evidence": _evidence,
    "findings": _findings,
    "catalogue": _catalogue,
}
