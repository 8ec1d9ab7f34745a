"""A small hand-made register in a real in-memory store, and helpers to run queries on it.

The register is built so that every gap rule has something to find and something to skip;
the comments say which rule each entity is there for. "Today" in these tests is 2025-06-01.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date

import pyoxigraph as ox
import pytest

from riskgraph.queries import ParamValue, StoredQuery, builtin_queries, run_query
from riskgraph.register import install_system_graphs
from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import DEFAULT_BASE_IRI, DRAFTS_GRAPH, REGISTER_GRAPH

TODAY = date(2025, 6, 1)
BASE = DEFAULT_BASE_IRI

REGISTER_TTL = """
@prefix rg: <https://w3id.org/riskgraph#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix risk: <https://w3id.org/dpv/risk#> .
@prefix iso: <https://w3id.org/riskgraph/iso42001/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://riskgraph.example/register/> .

# People and organisations
:P-1 a rg:Person ; dcterms:identifier "P-1" ; dcterms:title "Ada Lovelace" .
:P-2 a rg:Person ; dcterms:identifier "P-2" ; dcterms:title "Grace Hopper" .
:ORG-1 a rg:Organisation ; dcterms:identifier "ORG-1" ; dcterms:title "Risk team" .

# AI systems: SYS-1 is assessed, SYS-2 is not (a gap), SYS-3 is retired (no gap)
:SYS-1 a rg:AISystem ; dcterms:identifier "SYS-1" ; dcterms:title "Loan scorer" ;
    rg:lifecycleStage "operation" ; rg:owner :P-1 .
:SYS-2 a rg:AISystem ; dcterms:identifier "SYS-2" ; dcterms:title "Chat assistant" ;
    rg:lifecycleStage "deployment" .
:SYS-3 a rg:AISystem ; dcterms:identifier "SYS-3" ; dcterms:title "Old OCR" ;
    rg:lifecycleStage "retired" .
:IA-1 a rg:ImpactAssessment ; dcterms:identifier "IA-1" ; dcterms:title "Loan scorer DPIA" ;
    rg:assesses :SYS-1 .

# Risks on the 5x5 matrix (levels: high 5, very high 6, moderate 4, low 3)
:R-1 a rg:Risk ; dcterms:identifier "R-1" ; dcterms:title "Biased scores" ; rg:affects :SYS-1 ;
    rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:HighRisk ;
    rg:residualLevel risk:LowRisk ; rg:owner :P-1 ; rg:reviewDue "2024-01-01"^^xsd:date .
:R-2 a rg:Risk ; dcterms:identifier "R-2" ; dcterms:title "Model drift" ; rg:affects :SYS-1 ;
    rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:VeryHighRisk ; rg:owner :P-2 .
:R-3 a rg:Risk ; dcterms:identifier "R-3" ; dcterms:title "Hallucinated advice" ;
    rg:affects :SYS-2 ; rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:ModerateRisk ;
    rg:reviewDue "2025-06-01"^^xsd:date .
:R-4 a rg:Risk ; dcterms:identifier "R-4" ; dcterms:title "Prompt injection" ;
    rg:affects :SYS-2 ; rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:LowRisk .
:R-5 a rg:Risk ; dcterms:identifier "R-5" ; dcterms:title "Personal data leak" ;
    rg:affects :SYS-2 ; rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:HighRisk ;
    rg:reviewDue "2025-05-31"^^xsd:date .
:R-6 a rg:Risk ; dcterms:identifier "R-6" ; dcterms:title "Not scored yet" ; rg:affects :SYS-1 .
:R-7 a rg:Risk ; dcterms:identifier "R-7" ; dcterms:title "Vendor lock-in" ;
    rg:riskMatrix risk:RiskMatrix5x5 ; rg:inherentLevel risk:VeryHighRisk .

# Treatments: only T-1 and T-5 are approved by a person; T-3 by an organisation does not count
:T-1 a rg:Treatment ; dcterms:identifier "T-1" ; dcterms:title "Fairness testing" ;
    rg:treats :R-1 ; rg:option rg:Mitigate ; rg:status rg:Approved ; rg:approvedBy :P-1 ;
    rg:approvedOn "2025-01-10"^^xsd:date ; rg:reviewDue "2030-01-01"^^xsd:date .
:T-2 a rg:Treatment ; dcterms:identifier "T-2" ; dcterms:title "Drift monitoring" ;
    rg:treats :R-2 ; rg:option rg:Mitigate ; rg:status rg:Proposed ;
    rg:reviewDue "2023-01-01"^^xsd:date .
:T-3 a rg:Treatment ; dcterms:identifier "T-3" ; dcterms:title "Answer disclaimers" ;
    rg:treats :R-3 ; rg:option rg:Mitigate ; rg:status rg:Approved ; rg:approvedBy :ORG-1 .
:T-5 a rg:Treatment ; dcterms:identifier "T-5" ; dcterms:title "Redaction" ;
    rg:treats :R-5 ; rg:option rg:Mitigate ; rg:status rg:Approved ; rg:approvedBy :P-2 .
:T-6 a rg:Treatment ; dcterms:identifier "T-6" ; dcterms:title "Input filter" ;
    rg:treats :R-4 ; rg:option rg:Mitigate ; rg:status rg:Rejected ;
    rg:reason "Too costly" ; rg:reviewDue "2020-01-01"^^xsd:date .
:T-7 a rg:Treatment ; dcterms:identifier "T-7" ; dcterms:title "Accept lock-in" ;
    rg:treats :R-7 ; rg:option rg:Accept ; rg:status rg:Draft .

# Controls
:C-1 a rg:Control ; dcterms:identifier "C-1" ; dcterms:title "Bias review" ;
    rg:status rg:Implemented ; rg:owner :P-1 ; rg:mitigates :R-1 ;
    rg:addresses iso:A.6.2.4, iso:A.2.2 .
:C-2 a rg:Control ; dcterms:identifier "C-2" ; dcterms:title "Impact method" ;
    rg:status rg:Verified ; rg:addresses iso:A.5.2 .
:C-3 a rg:Control ; dcterms:identifier "C-3" ; dcterms:title "Answer review" ;
    rg:status rg:Planned ; rg:owner :P-2 ; rg:mitigates :R-3 ; rg:addresses iso:A.6.2.2 .
:C-4 a rg:Control ; dcterms:identifier "C-4" ; dcterms:title "Old drift check" ;
    rg:status rg:Retired ; rg:mitigates :R-2 ; rg:addresses iso:A.2.3 .
:C-5 a rg:Control ; dcterms:identifier "C-5" ; dcterms:title "AI roles" ;
    rg:status rg:Implemented ; rg:owner :ORG-1 ; rg:addresses iso:A.3.2 .
:C-6 a rg:Control ; dcterms:identifier "C-6" ; dcterms:title "Prompt hardening" ;
    rg:status rg:Implemented ; rg:owner :P-1 ; rg:mitigates :R-4 .
:C-7 a rg:Control ; dcterms:identifier "C-7" ; dcterms:title "Output filter" ;
    rg:status rg:Implemented ; rg:mitigates :R-4 .
:C-8 a rg:Control ; dcterms:identifier "C-8" ; dcterms:title "Score audit" ;
    rg:status rg:Verified ; rg:owner :P-2 ; rg:mitigates :R-1 .

# Evidence
:EV-1 a rg:Evidence ; dcterms:identifier "EV-1" ; dcterms:title "Bias report 2025" ;
    rg:supports :C-1 ; rg:expires "2026-01-01"^^xsd:date .
:EV-2 a rg:Evidence ; dcterms:identifier "EV-2" ; dcterms:title "Bias report 2023" ;
    rg:supports :C-1 ; rg:expires "2024-01-01"^^xsd:date .
:EV-3 a rg:Evidence ; dcterms:identifier "EV-3" ; dcterms:title "Method sign-off" ;
    rg:supports :C-2 ; rg:expires "2025-01-01"^^xsd:date .
:EV-4 a rg:Evidence ; dcterms:identifier "EV-4" ; dcterms:title "Hardening design" ;
    rg:supports :C-6 .
:EV-5 a rg:Evidence ; dcterms:identifier "EV-5" ; dcterms:title "Risk assessment process" ;
    rg:supports iso:6.1.2 .
:EV-6 a rg:Evidence ; dcterms:identifier "EV-6" ; dcterms:title "Audit programme 2023" ;
    rg:supports iso:9.2 ; rg:expires "2024-06-30"^^xsd:date .
:EV-7 a rg:Evidence ; dcterms:identifier "EV-7" ; dcterms:title "Red-team report" ;
    rg:supports :C-6 ; rg:expires "2025-06-20"^^xsd:date ; rg:owner :P-2 .
:EV-8 a rg:Evidence ; dcterms:identifier "EV-8" ; dcterms:title "Document register" ;
    rg:supports iso:7.5.1 ; rg:expires "2025-06-01"^^xsd:date .
:EV-9 a rg:Evidence ; dcterms:identifier "EV-9" ; dcterms:title "Score audit 2024" ;
    rg:supports :C-8 ; rg:expires "2025-05-01"^^xsd:date .

# Statement of Applicability: A.2.4 and A.4.2 excluded ("0" is false too), A.3.3 applies
:AS-1 a rg:ApplicabilityStatement ; dcterms:identifier "AS-1" ; dcterms:title "A.2.4" ;
    rg:annexAControl iso:A.2.4 ; rg:applicable false ; rg:justification "Covered by group" .
:AS-2 a rg:ApplicabilityStatement ; dcterms:identifier "AS-2" ; dcterms:title "A.3.3" ;
    rg:annexAControl iso:A.3.3 ; rg:applicable true .
:AS-3 a rg:ApplicabilityStatement ; dcterms:identifier "AS-3" ; dcterms:title "A.4.2" ;
    rg:annexAControl iso:A.4.2 ; rg:applicable "0"^^xsd:boolean .

# Audit findings: F-2 has a corrective action, F-3 is closed
:F-1 a rg:Nonconformity ; dcterms:identifier "F-1" ; dcterms:title "Filter untested" ;
    rg:status rg:Open ; rg:concerns :C-6 ; rg:grade "major" ; rg:raisedOn "2025-03-01"^^xsd:date .
:F-2 a rg:AuditFinding ; dcterms:identifier "F-2" ; dcterms:title "Logs incomplete" ;
    rg:status rg:Open ; rg:concerns :SYS-1 .
:CA-1 a rg:CorrectiveAction ; dcterms:identifier "CA-1" ; dcterms:title "Fix logging" ;
    rg:correctiveActionFor :F-2 .
:F-3 a rg:AuditFinding ; dcterms:identifier "F-3" ; dcterms:title "Old finding" ;
    rg:status rg:Closed .
:F-4 a rg:AuditFinding ; dcterms:identifier "F-4" ; dcterms:title "Audit plan late" ;
    rg:status rg:Open ; rg:concerns iso:9.2 ; rg:grade "minor" .
:F-5 a rg:Nonconformity ; dcterms:identifier "F-5" ; dcterms:title "No human oversight" ;
    rg:status rg:Open ; rg:concerns :SYS-1 .
"""

DRAFTS_TTL = """
@prefix rg: <https://w3id.org/riskgraph#> .
@prefix : <https://riskgraph.example/register/> .
# An LLM draft for R-2: it must not count as a treatment.
:DRAFT-1 a rg:TreatmentDraft ; rg:treats :R-2 ; rg:status rg:PendingReview ; rg:option rg:Mitigate .
"""


def turtle_quads(text: str, graph: str) -> list[ox.Quad]:
    target = ox.NamedNode(graph)
    return [
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in ox.parse(text, format=ox.RdfFormat.TURTLE)
    ]


def empty_store() -> EmbeddedStore:
    """An in-memory store with the ontology, matrices and ISO/IEC 42001 catalogue loaded."""
    store = EmbeddedStore()
    install_system_graphs(store)
    return store


@pytest.fixture(scope="session")
def _system_store_template() -> list[ox.Quad]:
    return list(empty_store().quads())


@pytest.fixture
def empty_register(_system_store_template: list[ox.Quad]) -> Iterator[Store]:
    store = EmbeddedStore()
    store.apply(ChangeSet(add=_system_store_template))
    yield store
    store.close()


@pytest.fixture
def register(empty_register: Store) -> Store:
    """The hand-made register above, plus one LLM draft in the drafts graph."""
    empty_register.apply(
        ChangeSet(
            add=turtle_quads(REGISTER_TTL, REGISTER_GRAPH) + turtle_quads(DRAFTS_TTL, DRAFTS_GRAPH)
        )
    )
    return empty_register


Rows = list[dict[str, str | None]]


def select_rows(
    store: Store, query: StoredQuery | str, params: Mapping[str, ParamValue] | None = None
) -> Rows:
    """Every row, each term shown as its value (IRIs in the register without the base)."""
    with run_query(store, query, params, today=TODAY, limit=None) as run:
        assert isinstance(run.result, SelectResult)
        return [{k: _plain(v) for k, v in row.items()} for row in run.result.rows]


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    if term is None:
        return None
    return term.value.removeprefix(BASE)


@pytest.fixture
def rows() -> Callable[..., Rows]:
    """``rows(store, query, params)``: the answer of a query, run with today = 2025-06-01."""
    return select_rows


@pytest.fixture
def gap() -> Callable[..., list[str | None]]:
    """``gap(store, name, params, key="id")``: one column of a built-in query's answer."""

    def column(
        store: Store, name: str, params: Mapping[str, ParamValue] | None = None, key: str = "id"
    ) -> list[str | None]:
        return [row[key] for row in select_rows(store, builtin_queries()[name], params)]

    return column
