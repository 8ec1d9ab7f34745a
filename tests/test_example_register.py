"""The Harbourline example register: sound, complete enough, and in step with EXPECTED_GAPS.md.

EXPECTED_GAPS.md is the ground truth for the example's deliberate gaps. Every section of it is
recomputed here from register.ttl with a plain SPARQL query that follows the definition written
in that section, and the SHACL report is compared with its ``shacl-*`` sections.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import SH

from riskgraph.model.repository import Repository
from riskgraph.register import Register, install_system_graphs, read_rdf_file
from riskgraph.resources import example_register, ontology_file
from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import PREFIXES, REGISTER_GRAPH, RG, sparql_prefix_block

BASE = "https://harbourline.example/ai-register/"
EXAMPLE_TODAY = date(2026, 11, 22)
"""The day EXPECTED_GAPS.md is written for."""
APPETITE_RANK = 4  # moderate
EXPIRY_WINDOW = timedelta(days=30)
SHAPES_NS = "https://w3id.org/riskgraph/shapes#"
NAMED_SYSTEMS = {
    "SYS-CREDIT",
    "SYS-CV",
    "SYS-CHATBOT",
    "SYS-FRAUD",
    "SYS-TRIAGE",
    "SYS-DEMAND",
    "SYS-CODE",
    "SYS-DRAFTING",
}
QUERY_PREFIXES = {**PREFIXES, "hl": BASE, "eu-aiact": "https://w3id.org/dpv/legal/eu/aiact#"}

# One query per section of EXPECTED_GAPS.md; each selects ?id. Bound variables: ?today (date),
# ?appetite (integer rank), ?horizon (today + 30 days), ?target (ID, for exposure:<ID> sections).
_IMPLEMENTED = "FILTER (?status IN (rg:Implemented, rg:Verified))"
_NOT_RETIRED = "FILTER NOT EXISTS { ?control rg:status rg:Retired }"
_OVERDUE = "?item dcterms:identifier ?id ; rg:reviewDue ?due . FILTER (?due < ?today)"
GAP_QUERIES: dict[str, str] = {
    "annex-a-controls-not-implemented": f"""
        SELECT ?id WHERE {{
            ?annex a rg:AnnexAControl ; skos:notation ?id .
            FILTER NOT EXISTS {{
                ?control a rg:Control ; rg:addresses ?annex ; rg:status ?status . {_IMPLEMENTED}
            }}
            FILTER NOT EXISTS {{ ?soa rg:annexAControl ?annex ; rg:applicable false }}
        }}""",
    "annex-a-controls-not-applicable": """
        SELECT ?id WHERE {
            ?soa a rg:ApplicabilityStatement ; rg:annexAControl ?annex ; rg:applicable false .
            ?annex skos:notation ?id .
        }""",
    "clauses-without-evidence": """
        SELECT ?id WHERE {
            ?clause a rg:Clause ; skos:notation ?id .
            FILTER NOT EXISTS {
                ?part skos:broader* ?clause .
                ?evidence a rg:Evidence ; rg:supports ?part .
                FILTER NOT EXISTS { ?evidence rg:expires ?expires FILTER (?expires < ?today) }
            }
        }""",
    "risks-above-appetite-without-approved-treatment": """
        SELECT ?id WHERE {
            ?risk a rg:Risk ; dcterms:identifier ?id ; rg:inherentLevel ?inherent .
            OPTIONAL { ?risk rg:residualLevel ?residual }
            BIND (COALESCE(?residual, ?inherent) AS ?current)
            ?current rg:levelRank ?rank .
            FILTER (?rank > ?appetite)
            FILTER NOT EXISTS {
                ?treatment a rg:Treatment ; rg:treats ?risk ; rg:status rg:Approved ;
                    rg:approvedBy/a rg:Person .
            }
        }""",
    "risks-above-appetite-without-controls": f"""
        SELECT ?id WHERE {{
            ?risk a rg:Risk ; dcterms:identifier ?id ; rg:inherentLevel ?inherent .
            OPTIONAL {{ ?risk rg:residualLevel ?residual }}
            BIND (COALESCE(?residual, ?inherent) AS ?current)
            ?current rg:levelRank ?rank .
            FILTER (?rank > ?appetite)
            FILTER NOT EXISTS {{ ?control a rg:Control ; rg:mitigates ?risk . {_NOT_RETIRED} }}
        }}""",
    "risks-without-controls": f"""
        SELECT ?id WHERE {{
            ?risk a rg:Risk ; dcterms:identifier ?id .
            FILTER NOT EXISTS {{ ?control a rg:Control ; rg:mitigates ?risk . {_NOT_RETIRED} }}
        }}""",
    "risks-only-planned-controls": f"""
        SELECT ?id WHERE {{
            ?risk a rg:Risk ; dcterms:identifier ?id .
            FILTER EXISTS {{ ?planned rg:mitigates ?risk ; rg:status rg:Planned }}
            FILTER NOT EXISTS {{ ?control rg:mitigates ?risk ; rg:status ?status . {_IMPLEMENTED} }}
        }}""",
    "risks-residual-above-appetite": """
        SELECT ?id WHERE {
            ?risk a rg:Risk ; dcterms:identifier ?id ; rg:residualLevel/rg:levelRank ?rank .
            FILTER (?rank > ?appetite)
        }""",
    "risks-without-treatment": """
        SELECT ?id WHERE {
            ?risk a rg:Risk ; dcterms:identifier ?id .
            FILTER NOT EXISTS { ?treatment a rg:Treatment ; rg:treats ?risk }
        }""",
    "risks-without-owner": """
        SELECT ?id WHERE {
            ?risk a rg:Risk ; dcterms:identifier ?id .
            FILTER NOT EXISTS { ?risk rg:owner ?owner }
        }""",
    "controls-without-owner": f"""
        SELECT ?id WHERE {{
            ?control a rg:Control ; dcterms:identifier ?id .
            FILTER NOT EXISTS {{ ?control rg:owner ?owner }}
            {_NOT_RETIRED}
        }}""",
    "controls-without-evidence": f"""
        SELECT ?id WHERE {{
            ?control a rg:Control ; dcterms:identifier ?id ; rg:status ?status . {_IMPLEMENTED}
            FILTER NOT EXISTS {{ ?evidence a rg:Evidence ; rg:supports ?control }}
        }}""",
    "controls-with-only-expired-evidence": f"""
        SELECT ?id WHERE {{
            ?control a rg:Control ; dcterms:identifier ?id ; rg:status ?status . {_IMPLEMENTED}
            FILTER EXISTS {{ ?evidence a rg:Evidence ; rg:supports ?control }}
            FILTER NOT EXISTS {{
                ?current a rg:Evidence ; rg:supports ?control .
                FILTER NOT EXISTS {{ ?current rg:expires ?expires FILTER (?expires < ?today) }}
            }}
        }}""",
    "controls-mitigating-nothing": f"""
        SELECT ?id WHERE {{
            ?control a rg:Control ; dcterms:identifier ?id .
            FILTER NOT EXISTS {{ ?control rg:mitigates ?risk }}
            {_NOT_RETIRED}
        }}""",
    "expired-evidence": """
        SELECT ?id WHERE {
            ?evidence a rg:Evidence ; dcterms:identifier ?id ; rg:expires ?expires .
            FILTER (?expires < ?today)
        }""",
    "evidence-expiring": """
        SELECT ?id WHERE {
            ?evidence a rg:Evidence ; dcterms:identifier ?id ; rg:expires ?expires .
            FILTER (?expires >= ?today && ?expires <= ?horizon)
        }""",
    "systems-without-impact-assessment": """
        SELECT ?id WHERE {
            ?system a rg:AISystem ; dcterms:identifier ?id .
            FILTER NOT EXISTS { ?assessment a rg:ImpactAssessment ; rg:assesses ?system }
            FILTER NOT EXISTS { ?system rg:lifecycleStage "retired" }
        }""",
    "systems-without-ai-act-classification": """
        SELECT ?id WHERE {
            ?system a rg:AISystem ; dcterms:identifier ?id .
            FILTER NOT EXISTS { ?system rg:lifecycleStage "retired" }
            FILTER (NOT EXISTS { ?system eu-aiact:hasRiskLevel ?level }
                    || NOT EXISTS { ?system rg:aiActRole ?role })
        }""",
    "high-risk-systems-without-ai-act-controls": """
        SELECT ?id WHERE {
            ?system a rg:AISystem ; dcterms:identifier ?id ;
                eu-aiact:hasRiskLevel eu-aiact:RiskLevelHigh .
            FILTER NOT EXISTS { ?system rg:lifecycleStage "retired" }
        }""",
    # The example stores a review date on every item with a last review, so the stored date is
    # the whole rule here (tests/certification/test_overdue_reviews_rule.py covers computed ones).
    "overdue-reviews": f"""
        SELECT ?id WHERE {{
            {{ ?item a rg:Risk FILTER NOT EXISTS {{ ?item a rg:CatalogueRisk }} }}
            UNION
            {{ ?item a rg:Treatment FILTER NOT EXISTS {{ ?item rg:status rg:Rejected }} }}
            UNION
            {{ ?item a rg:Control FILTER NOT EXISTS {{ ?item rg:status rg:Retired }} }}
            UNION
            {{ ?item a rg:AISystem FILTER NOT EXISTS {{ ?item rg:lifecycleStage "retired" }} }}
            {_OVERDUE}
        }}""",
    "overdue-reviews-of-systems-and-assessments": f"""
        SELECT ?id WHERE {{
            {{ ?item a rg:AISystem }} UNION {{ ?item a rg:ImpactAssessment }}
            {_OVERDUE}
        }}""",
    "open-findings-without-corrective-action": """
        SELECT DISTINCT ?id WHERE {
            VALUES ?type { rg:AuditFinding rg:Nonconformity }
            ?finding a ?type ; dcterms:identifier ?id ; rg:status rg:Open .
            FILTER NOT EXISTS { ?action rg:correctiveActionFor ?finding }
        }""",
    "accepted-risks-changed-since-acceptance": """
        SELECT ?id WHERE {
            {
                SELECT ?acceptance (SHA256(GROUP_CONCAT(?line; SEPARATOR="\\n")) AS ?now)
                WHERE {
                    {
                        SELECT ?acceptance ?line WHERE {
                            ?acceptance rg:acceptedRisk ?risk .
                            GRAPH <https://w3id.org/riskgraph/graph/register> { ?risk ?p ?o }
                            FILTER (?p NOT IN (rg:lastReviewed, rg:reviewDue))
                            BIND (CONCAT(STR(?p), " ", IF(isIRI(?o), CONCAT("<", STR(?o), ">"),
                                CONCAT(ENCODE_FOR_URI(STR(?o)), "^^", STR(DATATYPE(?o)), "@",
                                       LANG(?o)))) AS ?line)
                        } ORDER BY ?acceptance ?line
                    }
                } GROUP BY ?acceptance
            }
            ?acceptance dcterms:identifier ?id ; rg:riskHash ?hash .
            FILTER (?hash != ?now)
        }""",
    "expired-risk-acceptances": """
        SELECT ?id WHERE {
            ?acceptance a rg:RiskAcceptance ; dcterms:identifier ?id ;
                rg:acceptanceExpires ?expires .
            FILTER (?expires < ?today)
        }""",
    "controls-never-tested": """
        SELECT DISTINCT ?id WHERE {
            ?plan rg:planFor ?control .
            ?control dcterms:identifier ?id .
            FILTER NOT EXISTS { ?test rg:testedControl ?control }
        }""",
    "control-tests-overdue": """
        SELECT ?id WHERE {
            ?plan a rg:ControlTestPlan ; dcterms:identifier ?id ; rg:planFor ?control ;
                rg:testFrequency ?days .
            ?test rg:testedControl ?control ; rg:testedOn ?on .
            FILTER NOT EXISTS {
                ?later rg:testedControl ?control ; rg:testedOn ?after . FILTER (?after > ?on)
            }
            FILTER (?on < ?today - xsd:dayTimeDuration(CONCAT("P", STR(?days), "D")))
        }""",
    "failed-control-tests-without-corrective-action": """
        SELECT ?id WHERE {
            ?test rg:testResult rg:TestFailed ; dcterms:identifier ?id ; rg:testedControl ?c .
            FILTER NOT EXISTS { ?newer rg:supersedes ?test }
            FILTER NOT EXISTS {
                { ?finding rg:concerns ?test } UNION { ?finding rg:concerns ?c }
                ?action rg:correctiveActionFor ?finding .
            }
        }""",
    "risks-realised-with-untested-controls": """
        SELECT DISTINCT ?id WHERE {
            ?incident a rg:Incident ; rg:realisedRisk ?risk .
            ?risk dcterms:identifier ?id .
            { ?control rg:mitigates ?risk } UNION { ?incident rg:involvedControl ?control }
            ?control a rg:Control .
            FILTER NOT EXISTS {
                ?test a rg:ControlTest ; rg:testedControl ?control ; rg:testResult ?result .
                FILTER NOT EXISTS { ?newer rg:supersedes ?test }
                FILTER (?result != rg:TestFailed)
                FILTER NOT EXISTS {
                    ?later a rg:ControlTest ; rg:testedControl ?control ; rg:testedOn ?day2 .
                    ?test rg:testedOn ?day1 .
                    FILTER NOT EXISTS { ?newest rg:supersedes ?later }
                    FILTER (?day2 > ?day1)
                }
            }
        }""",
    "nonconformity-incidents-without-corrective-action": """
        SELECT ?id WHERE {
            ?incident a rg:Incident ; dcterms:identifier ?id ; rg:isNonconformity true ;
                rg:status rg:Open .
            FILTER NOT EXISTS { ?action rg:correctiveActionFor ?incident }
        }""",
    "exposure": """
        SELECT DISTINCT ?id WHERE {
            ?dependency dcterms:identifier ?target .
            ?system a rg:AISystem ; dcterms:identifier ?id ;
                (rg:dependsOn|rg:providedBy)+ ?dependency .
        }""",
    # The two SHACL rules that compare with the clock, recomputed for a given day.
    "shacl-warning:ReviewOverdue": f"SELECT ?id WHERE {{ {_OVERDUE} }}",
    "shacl-warning:EvidenceExpired": """
        SELECT ?id WHERE {
            ?evidence a rg:Evidence ; dcterms:identifier ?id ; rg:expires ?expires .
            FILTER (?expires < ?today)
        }""",
}
DATED_SHACL_SECTIONS = ("shacl-warning:ReviewOverdue", "shacl-warning:EvidenceExpired")


def read_expected_gaps(path: Path) -> dict[str, list[str]]:
    """Sections of EXPECTED_GAPS.md: ``### `key` `` headings, each with bullets ``- `ID` ...``."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if heading := re.fullmatch(r"### `([^`]+)`\s*", line):
            current = heading[1]
            sections[current] = []
        elif line.startswith("#"):
            current = None
        elif current is not None and (bullet := re.match(r"- `([^`]+)`", line)):
            sections[current].append(bullet[1])
    return sections


@pytest.fixture(scope="module")
def expected() -> dict[str, list[str]]:
    return read_expected_gaps(example_register().with_name("EXPECTED_GAPS.md"))


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    """An in-memory register holding the example, with the ontology, matrices and catalogue."""
    store = EmbeddedStore()
    install_system_graphs(store)
    store.apply(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    yield store
    store.close()


def select(
    store: Store, sparql: str, **bindings: ox.NamedNode | ox.Literal
) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of all graphs, each term as its plain value."""
    result = store.query(sparql_prefix_block(QUERY_PREFIXES) + sparql, bindings)
    assert isinstance(result, SelectResult)
    return [
        {name: term.value for name, term in row.items() if term is not None} for row in result.rows
    ]


def gap_ids(store: Store, key: str, today: date) -> set[str]:
    """Answer of the EXPECTED_GAPS.md section ``key`` on ``today``."""
    query, _, target = key.partition(":") if key.startswith("exposure:") else (key, "", "")
    xsd_date = ox.NamedNode(PREFIXES["xsd"] + "date")
    bindings = {
        "today": ox.Literal(today.isoformat(), datatype=xsd_date),
        "horizon": ox.Literal((today + EXPIRY_WINDOW).isoformat(), datatype=xsd_date),
        "appetite": ox.Literal(
            str(APPETITE_RANK), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")
        ),
    }
    if target:
        bindings["target"] = ox.Literal(target)
    return {row["id"] for row in select(store, GAP_QUERIES[query], **bindings)}


def count(store: Store, rdf_class: str) -> int:
    rows = select(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type }",
        type=ox.NamedNode(RG + rdf_class),
    )
    return int(rows[0]["n"])


def register_values(store: Store, predicate: str) -> set[str]:
    """Local names of the rg: values of ``predicate`` in the register graph."""
    rows = select(
        store,
        "SELECT DISTINCT ?value WHERE { GRAPH ?g { ?s ?p ?value } }",
        g=ox.NamedNode(REGISTER_GRAPH),
        p=ox.NamedNode(RG + predicate),
    )
    return {row["value"].removeprefix(RG) for row in rows}


# --- Shape of the data ---------------------------------------------------------------------


def test_register_has_no_blank_nodes_and_every_entity_has_its_id_as_iri(store: Store) -> None:
    blank = select(
        store,
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER (isBlank(?s) || isBlank(?o)) }",
        g=ox.NamedNode(REGISTER_GRAPH),
    )
    assert blank == []
    subjects = select(
        store,
        """SELECT ?s (COUNT(DISTINCT ?id) AS ?ids) (SAMPLE(?id) AS ?first) WHERE {
               GRAPH ?g { ?s ?p ?o OPTIONAL { ?s dcterms:identifier ?id } }
           } GROUP BY ?s""",
        g=ox.NamedNode(REGISTER_GRAPH),
    )
    assert len(subjects) > 300
    wrong = [row for row in subjects if row["ids"] != "1" or row["s"] != BASE + row["first"]]
    assert wrong == []


def test_register_has_the_named_systems_and_enough_risks_and_controls(store: Store) -> None:
    systems = {
        row["id"]
        for row in select(store, "SELECT ?id WHERE { ?s a rg:AISystem ; dcterms:identifier ?id }")
    }
    assert systems >= NAMED_SYSTEMS
    assert count(store, "Risk") >= 40
    assert count(store, "Control") >= 30
    for rdf_class in ("Model", "Dataset", "ThirdPartyService", "Supplier", "Person", "Role"):
        assert count(store, rdf_class) >= 3, rdf_class
    for rdf_class in ("Organisation", "Stakeholder", "RiskSource", "Consequence", "Evidence"):
        assert count(store, rdf_class) >= 3, rdf_class
    for rdf_class in ("ImpactAssessment", "Nonconformity", "CorrectiveAction", "AuditFinding"):
        assert count(store, rdf_class) >= 1, rdf_class


def test_every_status_and_option_is_used(store: Store) -> None:
    statuses = register_values(store, "status")
    assert {"Draft", "Proposed", "Approved", "Rejected"} <= statuses
    assert {"Planned", "Implemented", "Verified", "Retired"} <= statuses
    assert {"Open", "Closed"} <= statuses
    assert register_values(store, "option") == {"Mitigate", "Avoid", "Transfer", "Accept"}


def test_statement_of_applicability_covers_exactly_the_annex_a_controls(store: Store) -> None:
    catalogue = select(store, "SELECT ?c WHERE { ?c a rg:AnnexAControl }")
    statements = select(
        store, "SELECT ?c WHERE { ?soa a rg:ApplicabilityStatement ; rg:annexAControl ?c }"
    )
    assert len(catalogue) == 38
    assert sorted(row["c"] for row in statements) == sorted(row["c"] for row in catalogue)


def test_every_stored_level_is_the_level_of_its_matrix_cell(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?id ?which ?stored ?cell_level WHERE {
               ?risk a rg:Risk ; dcterms:identifier ?id ; rg:riskMatrix ?matrix .
               { ?risk rg:likelihood ?l ; rg:severity ?s ; rg:inherentLevel ?stored .
                 BIND ("inherent" AS ?which) }
               UNION
               { ?risk rg:residualLikelihood ?l ; rg:residualSeverity ?s ;
                     rg:residualLevel ?stored .
                 BIND ("residual" AS ?which) }
               OPTIONAL { ?cell skos:broader ?matrix ; rg:likelihoodIndex ?l ;
                              rg:severityIndex ?s ; dpv:hasRiskLevel ?cell_level }
           }""",
    )
    assert len(rows) == 2 * count(store, "Risk")  # every risk has both levels
    mismatches = [row for row in rows if row["stored"] != row.get("cell_level")]
    assert mismatches == []


def test_every_link_to_the_register_points_to_a_typed_entity(store: Store) -> None:
    dangling = select(
        store,
        """SELECT ?s ?p ?o WHERE {
               GRAPH ?g { ?s ?p ?o }
               FILTER (isIRI(?o) && STRSTARTS(STR(?o), STR(hl:)))
               FILTER NOT EXISTS { GRAPH ?g { ?o a ?type } }
           }""",
        g=ox.NamedNode(REGISTER_GRAPH),
    )
    assert dangling == []


def test_only_vocabulary_defined_in_the_ontology_files_is_used(store: Store) -> None:
    undefined = select(
        store,
        """SELECT DISTINCT ?term WHERE {
               GRAPH ?g { { ?s ?term ?o } UNION { ?s ?p ?term } }
               FILTER (isIRI(?term) && !STRSTARTS(STR(?term), STR(hl:)))
               FILTER (?term != rdf:type && !STRSTARTS(STR(?term), STR(dcterms:)))
               FILTER NOT EXISTS { GRAPH ?schema { ?term ?q ?v } FILTER (?schema != ?g) }
           }""",
        g=ox.NamedNode(REGISTER_GRAPH),
    )
    assert undefined == []


def test_every_entity_reads_as_a_domain_model(example_register_folder: Path) -> None:
    register = Register.open(example_register_folder)
    with register.reader() as store:
        entities, problems = Repository(store, register.base_iri).all()
    assert problems == []
    ids = {entity.id for entity in entities}
    assert ids >= NAMED_SYSTEMS
    assert len(ids) == len(entities) > 300


# --- The deliberate gaps --------------------------------------------------------------------


def test_expected_gaps_sections_are_all_checked_and_have_no_repeats(
    expected: dict[str, list[str]],
) -> None:
    sections = {key.partition(":")[0] if key.startswith("exposure:") else key for key in expected}
    recomputed = {k for k in sections if not k.startswith("shacl-") or k in DATED_SHACL_SECTIONS}
    assert recomputed == set(GAP_QUERIES)
    assert "shacl-violation" in sections
    for key, ids in expected.items():
        assert len(ids) == len(set(ids)), key


def test_expected_gaps_match_the_register(store: Store, expected: dict[str, list[str]]) -> None:
    answers = {
        key: gap_ids(store, key, EXAMPLE_TODAY)
        for key in expected
        if not key.startswith("shacl-") or key in DATED_SHACL_SECTIONS
    }
    assert answers == {key: set(expected[key]) for key in answers}
    assert all(answers.values()), "every gap category should have something to find"


# --- SHACL ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shacl_results(store: EmbeddedStore) -> dict[str, set[str]]:
    """SHACL results by ``shacl-<severity>:<shape>``, each the set of focus-node IDs."""
    shapes = rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    # As ontology/shapes.ttl asks: the data graph is the pyoxigraph store itself (pyshacl reads
    # it natively; its type hints do not say so), which keeps the SPARQL rules fast.
    _conforms, report, _text = pyshacl.validate(
        store.raw,  # type: ignore[arg-type]
        shacl_graph=shapes,
        advanced=True,
        inference="none",
        allow_warnings=True,
    )
    assert isinstance(report, rdflib.Graph)
    found: dict[str, set[str]] = defaultdict(set)
    for result in report.subjects(SH.resultSeverity):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1].lower()
        shape = str(report.value(result, SH.sourceShape)).removeprefix(SHAPES_NS)
        focus = str(report.value(result, SH.focusNode)).removeprefix(BASE)
        found[f"shacl-{severity}:{shape}"].add(focus)
    return dict(found)


def test_shacl_finds_no_violations(shacl_results: dict[str, set[str]]) -> None:
    violations = {k: v for k, v in shacl_results.items() if k.startswith("shacl-violation")}
    assert violations == {}


def test_shacl_warnings_and_infos_are_exactly_the_intended_ones(
    store: Store, shacl_results: dict[str, set[str]], expected: dict[str, list[str]]
) -> None:
    intended = {k: set(v) for k, v in expected.items() if k.startswith("shacl-") and v}
    # The rules on review dates and expiry compare with the real clock, not with 2026-11-22.
    for key in DATED_SHACL_SECTIONS:
        intended[key] = gap_ids(store, key, date.today())
    intended = {k: v for k, v in intended.items() if v}
    assert shacl_results == intended
