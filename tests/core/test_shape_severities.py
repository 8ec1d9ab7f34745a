"""Running only the shapes of some severities (what an import does: it lists violations and
warnings, and leaves notes to ``validate``) finds exactly what a full run finds of those; running
only the shapes that can target some classes (what the write pipeline does for the entities it
writes) finds exactly what a full run finds about instances of those classes."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from riskgraph.register import init_register
from riskgraph.validation import (
    SEVERITIES,
    VALIDATED_GRAPHS,
    shapes_for_classes,
    shapes_graph,
    shapes_of_severity,
    superclasses,
    validate_quads,
)
from riskgraph.vocab import RG


def test_every_shape_is_chosen_by_exactly_its_own_severity() -> None:
    graph = shapes_graph()
    chosen = {s: set(shapes_of_severity(frozenset({s}))) for s in SEVERITIES}
    everything = set(shapes_of_severity(frozenset(SEVERITIES)))
    assert set.union(*chosen.values()) == everything
    assert sum(len(c) for c in chosen.values()) == len(everything)  # none in two
    assert chosen["Info"] and chosen["Warning"] and chosen["Violation"]
    for severity, shapes in chosen.items():
        for shape in shapes:
            stated = graph.value(rdflib.URIRef(shape), SH.severity)
            assert (stated or SH.Violation) == SH[severity]
    # every top-level shape of the file is named, so choosing by name loses none
    typed = [s for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)]
    nested = {o for p in (SH.property, SH.node, SH["not"]) for o in graph.objects(None, p)}
    top_level = [s for s in typed if s not in nested]
    assert all(isinstance(s, rdflib.URIRef) and str(s) in everything for s in top_level)


@pytest.fixture(scope="module")
def example_quads(tmp_path_factory: pytest.TempPathFactory) -> list:
    register = init_register(tmp_path_factory.mktemp("sev") / "register", with_example=True)
    with register.reader() as store:
        quads = [q for g in VALIDATED_GRAPHS for q in store.quads(g)]
    # one risk affects no AI system: a violation, so that every severity has findings
    affects = "https://w3id.org/riskgraph#affects"
    broken = next(q.subject for q in quads if q.predicate.value == affects)
    return [q for q in quads if not (q.subject == broken and q.predicate.value == affects)]


def test_a_run_of_some_severities_finds_what_a_full_run_finds_of_them(
    example_quads: list,
) -> None:
    full = validate_quads(example_quads).issues
    assert {i.severity for i in full} == set(SEVERITIES)
    for wanted in ({"Violation", "Warning"}, {"Violation"}, {"Warning"}, {"Info"}):
        part = validate_quads(example_quads, severities=wanted).issues
        assert part == [i for i in full if i.severity in wanted]


def test_an_unknown_severity_is_refused(example_quads: list) -> None:
    with pytest.raises(ValueError, match="unknown severities"):
        validate_quads(example_quads[:1], severities={"Fatal"})


_ENTITY_CLASSES = sorted(
    {
        "Risk",
        "AISystem",
        "Control",
        "Treatment",
        "Person",
        "Evidence",
        "ApplicabilityStatement",
        "RiskAcceptance",
        "Incident",
        "ControlTest",
        "Review",
        "Audit",
        "Supplier",
    }
)


@pytest.mark.parametrize("name", _ENTITY_CLASSES)
def test_a_run_for_some_classes_finds_what_a_full_run_finds_about_them(
    example_quads: list, name: str
) -> None:
    full = validate_quads(example_quads).issues
    types = RDF.type.toPython()
    instances = {
        q.subject.value
        for q in example_quads
        if q.predicate.value == types and q.object.value == RG + name
    }
    assert instances, f"the example has no rg:{name}"
    ids = {
        q.object.value
        for q in example_quads
        if q.subject.value in instances and q.predicate.value.endswith("/identifier")
    }
    classes = superclasses({RG + name}, example_quads)
    part = validate_quads(example_quads, focus_classes=classes).issues
    about = [i for i in full if i.focus in ids]
    assert about == [i for i in part if i.focus in ids]
    left_out = set(shapes_of_severity(frozenset(SEVERITIES))) - set(
        shapes_for_classes(shapes_of_severity(frozenset(SEVERITIES)), classes)
    )
    assert left_out, "some shapes only target other classes"


def test_superclasses_follow_subclass_links(example_quads: list) -> None:
    assert RG + "Risk" in superclasses({RG + "Risk"}, example_quads)
    assert superclasses(set(), example_quads) == frozenset()
