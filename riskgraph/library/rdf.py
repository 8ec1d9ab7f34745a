"""Libraries to and from RDF: the one place where the library model meets triples.

The library node is a ``skos:ConceptScheme`` and an ``rgl:Library`` with its attribution
(``dcterms:license``, ``dcterms:rights``, ``dcterms:source``, ``dcterms:publisher``,
``owl:versionInfo``). A taxonomy inside a library is a ``skos:ConceptScheme`` that is
``dcterms:isPartOf`` the library. A concept is a ``skos:Concept`` with one kind type
(``rgl:Risk``, ``rgl:Control``, ...), ``skos:notation``, ``skos:prefLabel``, optional
``skos:definition`` and ``skos:broader``. A mapping is asserted as its SKOS triple and described
by an ``rgl:Mapping`` record (subject, predicate, object, justification, author, date,
confidence, the mappings it was derived through).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.library.model import (
    JUSTIFICATION_NAMES,
    JUSTIFICATIONS,
    KIND_OF_TYPE,
    KINDS,
    PREDICATE_NAMES,
    PREDICATES,
    RGL,
    Concept,
    Library,
    Mapping,
    Scheme,
    library_iri,
)
from riskgraph.vocab import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

_TYPE = ox.NamedNode(RDF + "type")
_SCHEME = ox.NamedNode(SKOS + "ConceptScheme")
_CONCEPT = ox.NamedNode(SKOS + "Concept")
_LIBRARY = ox.NamedNode(RGL + "Library")
_MAPPING = ox.NamedNode(RGL + "Mapping")
_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
_NOTATION = ox.NamedNode(SKOS + "notation")
_PREF = ox.NamedNode(SKOS + "prefLabel")
_DEFINITION = ox.NamedNode(SKOS + "definition")
_BROADER = ox.NamedNode(SKOS + "broader")
_SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")
_COMMENT = ox.NamedNode(RDFS + "comment")
_TITLE = ox.NamedNode(DCTERMS + "title")
_DESCRIPTION = ox.NamedNode(DCTERMS + "description")
_LICENSE = ox.NamedNode(DCTERMS + "license")
_RIGHTS = ox.NamedNode(DCTERMS + "rights")
_SOURCE = ox.NamedNode(DCTERMS + "source")
_PUBLISHER = ox.NamedNode(DCTERMS + "publisher")
_PART_OF = ox.NamedNode(DCTERMS + "isPartOf")
_CREATOR = ox.NamedNode(DCTERMS + "creator")
_DATE = ox.NamedNode(DCTERMS + "date")
_VERSION = ox.NamedNode(OWL + "versionInfo")
_NAME = ox.NamedNode(RGL + "name")
_KEY = ox.NamedNode(RGL + "key")
_LICENSE_NAME = ox.NamedNode(RGL + "licenseName")
_PROVENANCE_NOTE = ox.NamedNode(RGL + "derivationNote")
_MITIGATES = ox.NamedNode(RGL + "mitigates")
_M_SUBJECT = ox.NamedNode(RGL + "mappingSubject")
_M_PREDICATE = ox.NamedNode(RGL + "mappingPredicate")
_M_OBJECT = ox.NamedNode(RGL + "mappingObject")
_M_JUSTIFICATION = ox.NamedNode(RGL + "justification")
_M_CONFIDENCE = ox.NamedNode(RGL + "confidence")
_M_VIA = ox.NamedNode(RGL + "derivedVia")
_M_ID = ox.NamedNode(RGL + "mappingId")
_M_SUBJECT_LABEL = ox.NamedNode(RGL + "subjectLabel")
_M_OBJECT_LABEL = ox.NamedNode(RGL + "objectLabel")
_XSD_DATE = ox.NamedNode(XSD + "date")
_XSD_DECIMAL = ox.NamedNode(XSD + "decimal")
_EN = "en"


def scheme_iri(library: Library | str, key: str | None = None) -> str:
    name = library if isinstance(library, str) else library.name
    return library_iri(name) if key is None else f"{library_iri(name)}/scheme/{key}"


def mapping_iri(base: str, mapping: Mapping) -> str:
    """The IRI of a mapping record: ``base`` (a library IRI + '/mapping/', or a register's base
    IRI) followed by the mapping's stable ID."""
    return base + mapping.mapping_id


def _literal(text: str, *, lang: bool = False) -> ox.Literal:
    return ox.Literal(text, language=_EN) if lang else ox.Literal(text)


def _scheme_triples(node: ox.NamedNode, scheme: Scheme) -> list[ox.Triple]:
    out = [
        ox.Triple(node, _TYPE, _SCHEME),
        ox.Triple(node, _KEY, _literal(scheme.key)),
        ox.Triple(node, _PREF, _literal(scheme.title, lang=True)),
        ox.Triple(node, _TITLE, _literal(scheme.title, lang=True)),
    ]
    if scheme.description:
        out.append(ox.Triple(node, _DESCRIPTION, _literal(scheme.description, lang=True)))
    if scheme.license:
        out.append(ox.Triple(node, _LICENSE, ox.NamedNode(scheme.license)))
    if scheme.license_name:
        out.append(ox.Triple(node, _LICENSE_NAME, _literal(scheme.license_name)))
    if scheme.attribution:
        out.append(ox.Triple(node, _RIGHTS, _literal(scheme.attribution, lang=True)))
    if scheme.source:
        out.append(ox.Triple(node, _SOURCE, ox.NamedNode(scheme.source)))
    if scheme.publisher:
        out.append(ox.Triple(node, _PUBLISHER, _literal(scheme.publisher)))
    if scheme.version:
        out.append(ox.Triple(node, _VERSION, _literal(scheme.version)))
    if scheme.note:
        out.append(ox.Triple(node, _PROVENANCE_NOTE, _literal(scheme.note, lang=True)))
    return out


def mapping_triples(mapping: Mapping, record_base: str) -> list[ox.Triple]:
    """The asserted SKOS triple and the provenance record of one mapping."""
    if mapping.predicate not in PREDICATES:
        raise UserError(f"unknown mapping predicate {mapping.predicate!r}")
    if mapping.justification not in JUSTIFICATIONS:
        raise UserError(f"unknown mapping justification {mapping.justification!r}")
    subject, obj = ox.NamedNode(mapping.subject), ox.NamedNode(mapping.object)
    predicate = ox.NamedNode(PREDICATES[mapping.predicate])
    record = ox.NamedNode(mapping_iri(record_base, mapping))
    out = [
        ox.Triple(subject, predicate, obj),
        ox.Triple(record, _TYPE, _MAPPING),
        ox.Triple(record, _M_ID, _literal(mapping.mapping_id)),
        ox.Triple(record, _M_SUBJECT, subject),
        ox.Triple(record, _M_PREDICATE, predicate),
        ox.Triple(record, _M_OBJECT, obj),
        ox.Triple(record, _M_JUSTIFICATION, ox.NamedNode(JUSTIFICATIONS[mapping.justification])),
    ]
    if mapping.author:
        out.append(ox.Triple(record, _CREATOR, _literal(mapping.author)))
    if mapping.date:
        out.append(ox.Triple(record, _DATE, ox.Literal(mapping.date, datatype=_XSD_DATE)))
    if mapping.confidence is not None:
        text = format(mapping.confidence, "g")
        out.append(ox.Triple(record, _M_CONFIDENCE, ox.Literal(text, datatype=_XSD_DECIMAL)))
    if mapping.comment:
        out.append(ox.Triple(record, _COMMENT, _literal(mapping.comment)))
    if mapping.subject_label:
        out.append(ox.Triple(record, _M_SUBJECT_LABEL, _literal(mapping.subject_label)))
    if mapping.object_label:
        out.append(ox.Triple(record, _M_OBJECT_LABEL, _literal(mapping.object_label)))
    # The chain, in order: rdf:_1, rdf:_2 ... would need a container; the IDs keep their order
    # in one literal each, prefixed by position.
    for position, via in enumerate(mapping.derived_via, 1):
        out.append(ox.Triple(record, _M_VIA, _literal(f"{position}:{via}")))
    return out


def library_triples(library: Library) -> list[ox.Triple]:
    """Every triple of a library, sorted, so that the same library always gives the same file."""
    root = ox.NamedNode(library.iri)
    out = [
        ox.Triple(root, _TYPE, _LIBRARY),
        ox.Triple(root, _NAME, _literal(library.name)),
        *_scheme_triples(root, library.meta),
    ]
    for taxonomy in library.taxonomies:
        node = ox.NamedNode(scheme_iri(library, taxonomy.key))
        out.extend(_scheme_triples(node, taxonomy))
        out.append(ox.Triple(node, _PART_OF, root))
    for concept in library.concepts:
        out.extend(concept_triples(library, concept))
    record_base = library.iri + "/mapping/"
    for mapping in library.mappings:
        out.extend(mapping_triples(mapping, record_base))
    return sorted(set(out), key=str)


def concept_triples(library: Library, concept: Concept) -> list[ox.Triple]:
    if concept.kind not in KINDS:
        raise UserError(f"unknown concept kind {concept.kind!r} for {concept.local_id}")
    node = ox.NamedNode(concept.iri)
    out = [
        ox.Triple(node, _TYPE, _CONCEPT),
        ox.Triple(node, _TYPE, ox.NamedNode(KINDS[concept.kind])),
        ox.Triple(node, _IN_SCHEME, ox.NamedNode(library.iri)),
        ox.Triple(node, _NOTATION, _literal(concept.notation)),
        ox.Triple(node, _PREF, _literal(concept.label, lang=True)),
    ]
    for key in concept.schemes:
        out.append(ox.Triple(node, _IN_SCHEME, ox.NamedNode(scheme_iri(library, key))))
    if concept.definition:
        out.append(ox.Triple(node, _DEFINITION, _literal(concept.definition, lang=True)))
    for broader in concept.broader:
        out.append(ox.Triple(node, _BROADER, ox.NamedNode(broader)))
    if concept.see_also:
        out.append(ox.Triple(node, _SEE_ALSO, ox.NamedNode(concept.see_also)))
    for risk in concept.mitigates:
        out.append(ox.Triple(node, _MITIGATES, ox.NamedNode(risk)))
    return out


# --- reading back ---------------------------------------------------------------------------


def _text(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    return next((v.value for v in values if isinstance(v, ox.Literal)), "")


def _iri(values: list[ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    return next((v.value for v in values if isinstance(v, ox.NamedNode)), "")


def _scheme(props: dict[str, list]) -> Scheme:
    return Scheme(
        key=_text(props[_KEY.value]),
        title=_text(props[_TITLE.value]) or _text(props[_PREF.value]),
        description=_text(props[_DESCRIPTION.value]),
        license=_iri(props[_LICENSE.value]),
        license_name=_text(props[_LICENSE_NAME.value]),
        attribution=_text(props[_RIGHTS.value]),
        source=_iri(props[_SOURCE.value]),
        publisher=_text(props[_PUBLISHER.value]),
        version=_text(props[_VERSION.value]),
        note=_text(props[_PROVENANCE_NOTE.value]),
    )


def read_mapping(props: dict[str, list], where: str = "") -> Mapping:
    predicate = PREDICATE_NAMES.get(_iri(props[_M_PREDICATE.value]))
    justification = JUSTIFICATION_NAMES.get(_iri(props[_M_JUSTIFICATION.value]))
    if predicate is None or justification is None:
        raise UserError(f"mapping record {where} has an unknown predicate or justification")
    confidence = _text(props[_M_CONFIDENCE.value])
    via = sorted(
        (v.value for v in props[_M_VIA.value] if isinstance(v, ox.Literal)),
        key=lambda s: int(s.split(":", 1)[0]) if s.split(":", 1)[0].isdigit() else 0,
    )
    return Mapping(
        subject=_iri(props[_M_SUBJECT.value]),
        predicate=predicate,
        object=_iri(props[_M_OBJECT.value]),
        justification=justification,
        author=_text(props[_CREATOR.value]),
        date=_text(props[_DATE.value]),
        confidence=float(confidence) if confidence else None,
        comment=_text(props[_COMMENT.value]),
        derived_via=tuple(v.split(":", 1)[1] for v in via),
        subject_label=_text(props[_M_SUBJECT_LABEL.value]),
        object_label=_text(props[_M_OBJECT_LABEL.value]),
    )


def read_library(triples: Iterable[ox.Triple | ox.Quad], where: str = "the data") -> Library:
    """A library back from its triples (one library per graph or file)."""
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject[t.subject.value][t.predicate.value].append(t.object)
    roots = [s for s, p in by_subject.items() if _LIBRARY in p[_TYPE.value]]
    if len(roots) != 1:
        raise UserError(
            f"{where} holds {len(roots)} libraries; expected exactly one rgl:Library node"
        )
    root = roots[0]
    props = by_subject[root]
    name = _text(props[_NAME.value])
    library = Library(name, _scheme(props))
    if library.iri != root:
        raise UserError(f"{where}: the library {name!r} should have the IRI <{library.iri}>")
    prefix = scheme_iri(name, "")
    taxonomies = {
        s: _scheme(p)
        for s, p in by_subject.items()
        if _SCHEME in p[_TYPE.value] and s != root and s.startswith(prefix)
    }
    library.taxonomies = [taxonomies[s] for s in sorted(taxonomies)]
    key_of = {s: t.key for s, t in taxonomies.items()}
    records = []
    for subject, p in sorted(by_subject.items()):
        types = {v.value for v in p[_TYPE.value] if isinstance(v, ox.NamedNode)}
        if _MAPPING.value in types:
            records.append(read_mapping(p, f"<{subject}>"))
            continue
        kinds = [KIND_OF_TYPE[t] for t in types if t in KIND_OF_TYPE]
        if _CONCEPT.value not in types or len(kinds) != 1:
            continue
        schemes = sorted(
            key_of[v.value]
            for v in p[_IN_SCHEME.value]
            if isinstance(v, ox.NamedNode) and v.value in key_of
        )
        library.concepts.append(
            Concept(
                local_id=subject.removeprefix(library.iri + "/"),
                notation=_text(p[_NOTATION.value]),
                label=_text(p[_PREF.value]),
                kind=kinds[0],
                definition=_text(p[_DEFINITION.value]),
                broader=sorted(v.value for v in p[_BROADER.value] if isinstance(v, ox.NamedNode)),
                schemes=schemes,
                see_also=_iri(p[_SEE_ALSO.value]),
                mitigates=sorted(
                    v.value for v in p[_MITIGATES.value] if isinstance(v, ox.NamedNode)
                ),
                iri=subject,
            )
        )
    library.mappings = sorted(records, key=lambda m: m.mapping_id)
    return library
