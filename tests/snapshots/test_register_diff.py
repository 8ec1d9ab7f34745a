"""The diff read model: entities added, removed and changed, fields with their values as text."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from riskgraph.views.diff import diff_register
from riskgraph.vocab import DCTERMS, RDF, REGISTER_GRAPH, RG

BASE = "https://example.org/reg/"
GRAPH = ox.NamedNode(REGISTER_GRAPH)


def quad(subject: str, predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(BASE + subject), ox.NamedNode(predicate), obj, GRAPH)


def entity(id_: str, cls: str, **fields: list[ox.NamedNode | ox.Literal]) -> list[ox.Quad]:
    quads = [
        quad(id_, DCTERMS + "identifier", ox.Literal(id_)),
        quad(id_, RDF + "type", ox.NamedNode(RG + cls)),
    ]
    for name, values in fields.items():
        predicate = (DCTERMS if name == "title" else RG) + name
        quads += [quad(id_, predicate, value) for value in values]
    return quads


def link(id_: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + id_)


def test_removed_entities_removed_fields_and_lists_of_links() -> None:
    before = [
        *entity("R-2", "Risk", title=[ox.Literal("Drift")], affects=[link("SYS-A")]),
        *entity("R-10", "Risk", title=[ox.Literal("Leak")], category=[ox.Literal("privacy")]),
        *entity("SYS-A", "AISystem"),
        *entity("SYS-B", "AISystem"),
    ]
    after = [
        *entity("R-2", "Risk", title=[ox.Literal("Drift")], affects=[link("SYS-B"), link("SYS-A")]),
        *entity("SYS-A", "AISystem"),
        *entity("SYS-B", "AISystem"),
    ]
    diff = diff_register(before, after, base_iri=BASE, before_name="a", after_name="b")
    assert [(e.id, e.kind, e.change) for e in diff.entities] == [
        ("R-2", "risk", "changed"),
        ("R-10", "risk", "removed"),
    ]
    (changed,) = diff.entities[0].fields
    assert (changed.field, changed.before, changed.after) == (
        "rg:affects",
        ("SYS-A",),
        ("SYS-A", "SYS-B"),
    )
    removed = {f.field: (f.change, f.before, f.after) for f in diff.entities[1].fields}
    assert removed["rg:category"] == ("removed", ("privacy",), ())
    assert removed["dcterms:title"] == ("removed", ("Leak",), ())
    assert diff.counts() == {"added": 0, "removed": 1, "changed": 1}
    assert diff.as_json()["summary"] == diff.counts()


titles = st.dictionaries(
    st.sampled_from(["R-1", "R-2", "R-10", "C-3"]), st.text(max_size=20), max_size=4
)


@given(titles, titles)
def test_a_diff_and_its_reverse_mirror_each_other(old: dict[str, str], new: dict[str, str]) -> None:
    def quads(state: dict[str, str]) -> list[ox.Quad]:
        return [
            q
            for id_, title in state.items()
            for q in entity(id_, "Risk", title=[ox.Literal(title)])
        ]

    forward = diff_register(quads(old), quads(new), base_iri=BASE, before_name="a", after_name="b")
    back = diff_register(quads(new), quads(old), base_iri=BASE, before_name="b", after_name="a")
    assert diff_register(
        quads(old), quads(old), base_iri=BASE, before_name="a", after_name="a"
    ).is_empty
    assert {e.id for e in forward.entities} == {
        id_ for id_ in old.keys() | new.keys() if old.get(id_) != new.get(id_)
    }
    flip = {"added": "removed", "removed": "added", "changed": "changed"}
    assert [(e.id, flip[e.change]) for e in forward.entities] == [
        (e.id, e.change) for e in back.entities
    ]
    for f_entity, b_entity in zip(forward.entities, back.entities, strict=True):
        assert [(f.field, f.before, f.after) for f in f_entity.fields] == [
            (f.field, f.after, f.before) for f in b_entity.fields
        ]
