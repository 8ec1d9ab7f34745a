"""The synthetic register generator (benchmarks/synth), run as its command line from the repo root.

The checks read the shipped ontology files themselves, so they do not trust the generator's own
reading of the matrix or the catalogue.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.resources import ontology_file
from riskgraph.vocab import REGISTER_GRAPH, RG, sparql_prefix_block

REPO_ROOT = Path(__file__).resolve().parents[2]
BASE = "https://synthetic.example/register/"
CSV_HEADER = [
    "id", "title", "description", "affects", "owner", "likelihood", "severity",
    "residual_likelihood", "residual_severity", "risk_sources", "category", "review_due",
]  # fmt: skip


def synth(*args: str | Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "benchmarks.synth", *map(str, args)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="module")
def small_nt(out_dir: Path) -> Path:
    path = out_dir / "s.nt"
    synth("--size", "S", "--seed", "42", "-o", path)
    return path


@pytest.fixture(scope="module")
def register(small_nt: Path) -> ox.Store:
    """The S register with the ontology, matrices and catalogue beside it (default graph)."""
    store = ox.Store()
    store.bulk_load(path=str(small_nt), format=ox.RdfFormat.N_TRIPLES)
    for name in ("riskgraph.ttl", "matrices.ttl", "iso42001.ttl"):
        store.bulk_load(path=str(ontology_file(name)), format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[list[str]]:
    solutions = store.query(sparql_prefix_block() + query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [[term.value if term is not None else "" for term in row] for row in solutions]


def count(store: ox.Store, query: str) -> int:
    (row,) = select(store, query)
    return int(row[0])


def test_same_seed_and_size_give_the_same_bytes(small_nt: Path, out_dir: Path) -> None:
    again, other_seed = out_dir / "again.nt", out_dir / "seed7.nt"
    synth("--size", "S", "--seed", "42", "-o", again)
    synth("--size", "S", "--seed", "7", "-o", other_seed)
    assert again.read_bytes() == small_nt.read_bytes()
    assert other_seed.read_bytes() != small_nt.read_bytes()


def test_small_register_has_the_expected_shape(register: ox.Store) -> None:
    classes = Counter(
        dict(
            (row[0].removeprefix(RG), int(row[1]))
            for row in select(
                register,
                f"SELECT ?c (COUNT(?s) AS ?n) WHERE {{ ?s a ?c FILTER STRSTARTS(STR(?s), '{BASE}')"
                " } GROUP BY ?c",
            )
        )
    )
    annex_a = count(register, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a rg:AnnexAControl }")
    assert annex_a == 38
    assert classes["AISystem"] == 100
    assert classes["ApplicabilityStatement"] == annex_a
    assert 200 <= classes["Risk"] <= 400
    assert 0.75 * 100 <= classes["ImpactAssessment"] <= 0.85 * 100 + 5
    for cls in (
        "Model", "Dataset", "ThirdPartyService", "Supplier", "Person", "Organisation", "Role",
        "Stakeholder", "RiskSource", "Consequence", "Control", "Treatment", "Evidence",
        "AuditFinding", "Nonconformity", "CorrectiveAction",
    ):  # fmt: skip
        assert classes[cls] > 0, cls
    statuses = select(register, "SELECT DISTINCT ?s WHERE { ?t a rg:Treatment ; rg:status ?s }")
    assert sorted(s for (s,) in statuses) == [
        RG + s for s in ("Approved", "Draft", "Proposed", "Rejected")
    ]
    affected_per_system = (
        count(register, "SELECT (COUNT(*) AS ?n) WHERE { ?r a rg:Risk ; rg:affects ?s }")
        / classes["AISystem"]
    )
    assert 3.5 <= affected_per_system <= 6
    shared_risks = count(
        register,
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?r WHERE { ?r rg:affects ?s } GROUP BY ?r"
        " HAVING (COUNT(?s) > 1) } }",
    )
    assert shared_risks > 0
    # system -> own model -> foundation model -> supplier
    assert (
        count(
            register,
            "SELECT (COUNT(*) AS ?n) WHERE { ?s a rg:AISystem ; rg:dependsOn ?m . ?m a rg:Model ;"
            " rg:dependsOn ?f . ?f a rg:Model ; rg:providedBy ?p . ?p a rg:Supplier }",
        )
        > 0
    )


def test_entities_are_identified_and_links_are_never_dangling(
    register: ox.Store, small_nt: Path
) -> None:
    quads = ox.parse(path=str(small_nt), format=ox.RdfFormat.N_TRIPLES)
    assert not any(
        isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads
    )
    assert (
        select(
            register,
            f"SELECT ?s WHERE {{ ?s a ?c FILTER STRSTARTS(STR(?s), '{BASE}')"
            " FILTER NOT EXISTS { ?s dcterms:identifier ?id ; dcterms:title ?t"
            f" FILTER (STR(?s) = CONCAT('{BASE}', ?id)) }} }} LIMIT 5",
        )
        == []
    )
    assert (
        select(
            register,
            "SELECT DISTINCT ?o WHERE { ?s ?p ?o"
            f" FILTER (isIRI(?o) && STRSTARTS(STR(?o), '{BASE}'))"
            " FILTER NOT EXISTS { ?o a ?c } } LIMIT 5",
        )
        == []
    )


def test_only_terms_of_the_ontology_are_used(small_nt: Path) -> None:
    defined = {
        t.subject.value
        for t in ox.parse(path=str(ontology_file("riskgraph.ttl")), format=ox.RdfFormat.TURTLE)
    }
    used = set()
    for t in ox.parse(path=str(small_nt), format=ox.RdfFormat.N_TRIPLES):
        used.add(t.predicate.value)
        if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(RG):
            used.add(t.object.value)
    assert {u for u in used if u.startswith(RG)} - defined == set()


def test_levels_are_the_matrix_cells(register: ox.Store) -> None:
    for scored in ("", "residual"):
        likelihood, severity, level = (
            ("rg:likelihood", "rg:severity", "rg:inherentLevel")
            if not scored
            else ("rg:residualLikelihood", "rg:residualSeverity", "rg:residualLevel")
        )
        rows = select(
            register,
            f"SELECT ?level ?cellLevel WHERE {{ ?r a rg:Risk ; rg:riskMatrix ?m ;"
            f" {likelihood} ?l ; {severity} ?s ; {level} ?level ."
            " OPTIONAL { ?cell skos:broader ?m ; rg:likelihoodIndex ?l ; rg:severityIndex ?s ;"
            " dpv:hasRiskLevel ?cellLevel } }",
        )
        assert len(rows) > 100
        assert all(level_iri == cell for level_iri, cell in rows)
    matrices = select(register, "SELECT DISTINCT ?m WHERE { ?r rg:riskMatrix ?m }")
    assert matrices == [["https://w3id.org/dpv/risk#RiskMatrix5x5"]]


def test_approved_treatments_name_a_person_and_a_date(register: ox.Store) -> None:
    assert count(register, "SELECT (COUNT(*) AS ?n) WHERE { ?t rg:status rg:Approved }") > 0
    assert (
        select(
            register,
            "SELECT ?t WHERE { ?t a rg:Treatment ; rg:status rg:Approved"
            " FILTER NOT EXISTS { ?t rg:approvedBy ?p ; rg:approvedOn ?d . ?p a rg:Person } }",
        )
        == []
    )


@pytest.mark.parametrize(
    "gap",
    [
        "?s a rg:AISystem FILTER NOT EXISTS { ?a rg:assesses ?s }",
        "?s a rg:Risk FILTER NOT EXISTS { ?t rg:treats ?s }",
        "?s a rg:Risk FILTER NOT EXISTS { ?c rg:mitigates ?s }",
        "?s a rg:Evidence ; rg:expires ?x FILTER (?x < '2026-11-01'^^xsd:date)",
        "?s a rg:Nonconformity FILTER NOT EXISTS { ?a rg:correctiveActionFor ?s }",
        "?st rg:annexAControl ?s ; rg:applicable true FILTER NOT EXISTS { ?c rg:addresses ?s }",
    ],
)
def test_gap_queries_find_something(register: ox.Store, gap: str) -> None:
    assert count(register, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {gap} }}") > 0


def test_nquads_put_the_same_triples_in_the_register_graph(small_nt: Path, out_dir: Path) -> None:
    nq = out_dir / "s.nq"
    synth("--size", "S", "--seed", "42", "--format", "nq", "-o", nq)
    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name for q in quads} == {ox.NamedNode(REGISTER_GRAPH)}
    triples = ox.parse(path=str(small_nt), format=ox.RdfFormat.N_TRIPLES)
    assert [q.triple for q in quads] == [t.triple for t in triples]


def test_risk_csv_has_the_header_the_rows_and_links_into_the_register(
    register: ox.Store, out_dir: Path
) -> None:
    path = out_dir / "risks.csv"
    synth("risks-csv", "--rows", "250", "--size", "S", "-o", path)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == CSV_HEADER
    records = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    assert len(records) == 250
    assert len({r["id"] for r in records}) == 250
    systems = {
        s
        for (s,) in select(
            register, "SELECT ?id WHERE { ?s a rg:AISystem ; dcterms:identifier ?id }"
        )
    }
    owners = {
        p
        for (p,) in select(
            register,
            "SELECT ?id WHERE { ?p a rg:Person ; dcterms:identifier ?id ; rg:hasRole ?r ."
            " ?r dcterms:title 'Risk owner' }",
        )
    }
    sources = {
        s
        for (s,) in select(
            register, "SELECT ?id WHERE { ?s a rg:RiskSource ; dcterms:identifier ?id }"
        )
    }
    assert any(";" in r["affects"] for r in records)
    for record in records:
        assert set(record["affects"].split(";")) <= systems
        assert record["owner"] in owners | {""}
        assert set(record["risk_sources"].split(";")) <= sources
        assert 1 <= int(record["likelihood"]) <= 5 and 1 <= int(record["severity"]) <= 5
