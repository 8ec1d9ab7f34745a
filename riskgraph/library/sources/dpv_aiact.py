"""The EU AI Act extension of W3C DPV (eu-aiact.ttl): risk levels, operator roles, high-risk and
prohibited system categories, and the measures and documents the Act asks for."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from riskgraph.errors import InputError, Location
from riskgraph.library.model import Concept, Library, Scheme, concept_iri
from riskgraph.library.sources.common import one_line
from riskgraph.vocab import DPV, OWL, RDF, SKOS

NAME = "eu-ai-act"
NAMESPACE = "https://w3id.org/dpv/legal/eu/aiact#"
_TECH = "https://w3id.org/dpv/tech#"
_CONTROL_TYPES = {DPV + "OrganisationalMeasure", _TECH + "Documentation"}
_CONTROL_PARENTS = {
    DPV + "HumanOversight",
    DPV + "Assessment",
    _TECH + "Plan",
    DPV + "RiskManagement",
    DPV + "AIGovernance",
}
_RISK_TYPES = {"https://w3id.org/dpv/risk#RiskConcept"}
_RISK_PARENTS = {DPV + "Risk", "https://w3id.org/dpv/risk#Misuse"}


def read_dpv_aiact(path: Path) -> Library:
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"not valid Turtle: {exc}", location=Location(str(path))) from None
    props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            props[t.subject.value][t.predicate.value].append(t.object)

    def text(subject: str, predicate: str) -> str:
        values = props[subject][predicate]
        english = [v for v in values if isinstance(v, ox.Literal) and v.language in ("en", None)]
        return one_line(english[0].value) if english else ""

    ontology = NAMESPACE.rstrip("#")
    version = text(ontology, OWL + "versionInfo")
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="EU AI Act vocabulary (W3C DPV)",
            description="Concepts of the EU AI Act from the W3C Data Privacy Vocabulary: risk "
            "levels, operator roles, high-risk and prohibited system categories, and the "
            "measures and documents the Act requires.",
            license="https://www.w3.org/copyright/document-license-2023/",
            license_name="W3C Document License",
            attribution="W3C Data Privacy Vocabularies and Controls Community Group, DPV "
            f"{version} EU AI Act extension (eu-aiact). Copyright W3C; W3C Document License",
            source="https://w3id.org/dpv/legal/eu/aiact",
            publisher="W3C DPVCG",
            version=version,
        ),
    )
    concepts = sorted(
        s
        for s, p in props.items()
        if s.startswith(NAMESPACE)
        and ox.NamedNode(SKOS + "Concept") in p[RDF + "type"]
        and ox.NamedNode(RDF + "Property") not in p[RDF + "type"]
    )
    inside = set(concepts)
    broader = {
        s: [o.value for o in props[s][SKOS + "broader"] if isinstance(o, ox.NamedNode)]
        for s in concepts
    }
    has_children = {b for bs in broader.values() for b in bs if b in inside}
    for subject in concepts:
        local = subject.removeprefix(NAMESPACE)
        types = {o.value for o in props[subject][RDF + "type"] if isinstance(o, ox.NamedNode)}
        parents = set(broader[subject])
        if types & _CONTROL_TYPES or parents & _CONTROL_PARENTS:
            kind = "control"
        elif types & _RISK_TYPES or parents & _RISK_PARENTS:
            kind = "risk"
        elif subject in has_children:
            kind = "group"
        else:
            kind = "term"
        library.add(
            Concept(
                local_id=local,
                notation=local,
                label=text(subject, SKOS + "prefLabel") or local,
                kind=kind,
                definition=text(subject, SKOS + "definition"),
                broader=[
                    concept_iri(NAME, b.removeprefix(NAMESPACE))
                    for b in broader[subject]
                    if b in inside and b != subject
                ],
                see_also=subject,
            )
        )
    return library
