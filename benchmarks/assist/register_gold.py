"""The register gold set: AI systems whose risks a person linked to library concepts.

For a register given with ``--register``, the gold concepts of a system are those its risks link
to through mapping records with the justification ``manual`` (``riskgraph library link``);
links made by accepting a candidate (justification ``lexical`` or ``llm``) do not count, since
they came from the ranker. Without ``--register`` the Harbourline example is loaded into a
scratch register with the links of ``data/harbourline-links.json`` written the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from benchmarks.assist.identification import DATA, Case, GoldSet, _rows, scratch_dir
from riskgraph.assistant.identify import load_profile
from riskgraph.library.model import JUSTIFICATIONS, LIBRARY_GRAPH_PREFIX, RGL
from riskgraph.register import Register, init_register
from riskgraph.store.base import Store
from riskgraph.vocab import DCTERMS, REGISTER_GRAPH, RG

LINKS_FILE = DATA / "harbourline-links.json"


def manual_links(store: Store) -> dict[str, set[str]]:
    """System ID -> concept IRIs that its risks link to by manual mapping records."""
    rows = store.select(
        "SELECT ?sys ?c ?g WHERE { GRAPH ?reg { ?m a ?mapping ; ?subj ?r ; ?obj ?c ; ?just ?manual "
        ". ?r ?affects ?s . ?s ?idp ?sys } GRAPH ?g { ?c ?p ?o } }",
        {
            "reg": ox.NamedNode(REGISTER_GRAPH),
            "mapping": ox.NamedNode(RGL + "Mapping"),
            "subj": ox.NamedNode(RGL + "mappingSubject"),
            "obj": ox.NamedNode(RGL + "mappingObject"),
            "just": ox.NamedNode(RGL + "justification"),
            "manual": ox.NamedNode(JUSTIFICATIONS["manual"]),
            "affects": ox.NamedNode(RG + "affects"),
            "idp": ox.NamedNode(DCTERMS + "identifier"),
        },
    ).rows
    out: dict[str, set[str]] = {}
    for row in rows:
        graph, system, concept = row["g"], row["sys"], row["c"]
        if graph is None or system is None or concept is None:
            continue
        if graph.value.startswith(LIBRARY_GRAPH_PREFIX):
            out.setdefault(system.value, set()).add(concept.value)
    return out


def _cases(register: Register) -> tuple[list[Case], set[str]]:
    with register.reader() as store:
        links = manual_links(store)
        cases = []
        for system_id in sorted(links):
            profile = load_profile(store, register.base_iri, system_id)
            title = str(profile.data["system"]["title"])
            cases.append(Case(system_id, title, profile.text(), frozenset(links[system_id])))
    libraries = {
        iri.removeprefix("https://w3id.org/riskgraph/library/").split("/", 1)[0]
        for c in cases
        for iri in c.gold
    }
    return cases, libraries


def example_register(folder: Path) -> Register:
    """The Harbourline example with the fixture's links, written by the library link pipeline."""
    from riskgraph.library.adopt import link
    from riskgraph.library.catalogue import load

    data = json.loads(LINKS_FILE.read_text(encoding="utf-8"))
    register = init_register(folder, with_example=True)
    load(register, [data["library"]])
    for risk_id, notation in data["links"]:
        link(
            register,
            risk_id,
            f"{data['library']}:{notation}",
            predicate="closeMatch",
            justification="manual",
            author="benchmarks/assist/data/harbourline-links.json",
        )
    return register


def register_set(path: Path | None) -> GoldSet:
    if path is not None:
        cases, libraries = _cases(Register.open(path))
        description = f"register {path.name}: systems -> concepts their risks link to (manual)"
        attribution = ""
    else:
        with scratch_dir() as scratch:
            cases, libraries = _cases(example_register(Path(scratch) / "harbourline"))
        data = json.loads(LINKS_FILE.read_text(encoding="utf-8"))
        description = (
            "Harbourline example systems -> FINOS risks their risks were linked to "
            "(data/harbourline-links.json)"
        )
        attribution = data["how_made"]
    corpus: list = []
    groups: dict[str, str] = {}
    for name in sorted(libraries):
        rows, more = _rows(name)
        corpus += rows
        groups |= more
    return GoldSet("register", description, cases, corpus, groups, attribution)
