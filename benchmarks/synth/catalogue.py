"""What the generator reads from the shipped ontology files: the 5x5 matrix and ISO 42001 IDs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from riskgraph.resources import ontology_file
from riskgraph.vocab import RG, RISK, sparql_prefix_block

_MATRIX_CELLS = """
SELECT ?matrix ?likelihood ?severity ?level WHERE {
  ?cell skos:broader ?matrix ; rg:likelihoodIndex ?likelihood ; rg:severityIndex ?severity ;
        dpv:hasRiskLevel ?level .
}
"""

_NOTATIONS = """
SELECT ?class ?notation WHERE { ?item a ?class ; skos:notation ?notation . }
"""


@dataclass(frozen=True)
class Catalogue:
    """Matrix cells keyed by (likelihood, severity) and catalogue notations in document order."""

    levels: dict[tuple[int, int], str]
    annex_a_controls: list[str]
    clauses: list[str]
    annex_c_risk_sources: list[str]

    def level(self, likelihood: int, severity: int) -> str:
        """The DPV risk level IRI of a cell of the 5x5 matrix."""
        return self.levels[(likelihood, severity)]


def _load(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _bind(
    variable: str, iri: str
) -> dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
    return {ox.Variable(variable): ox.NamedNode(iri)}


def _matrix_levels(store: ox.Store, matrix: str) -> dict[tuple[int, int], str]:
    rows = store.query(sparql_prefix_block() + _MATRIX_CELLS, substitutions=_bind("matrix", matrix))
    assert isinstance(rows, ox.QuerySolutions)
    return {
        (int(row["likelihood"].value), int(row["severity"].value)): row["level"].value
        for row in rows
    }


def _notations(store: ox.Store, cls: str) -> list[str]:
    rows = store.query(sparql_prefix_block() + _NOTATIONS, substitutions=_bind("class", cls))
    assert isinstance(rows, ox.QuerySolutions)
    return sorted((row["notation"].value for row in rows), key=_notation_order)


def _notation_order(notation: str) -> tuple[tuple[int, int | str], ...]:
    """Orders "A.6.2.10" after "A.6.2.9" (numbers as numbers, letters as letters)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in notation.split("."))


def load_catalogue() -> Catalogue:
    matrices = _load(ontology_file("matrices.ttl"))
    levels = _matrix_levels(matrices, RISK + "RiskMatrix5x5")
    if sorted(levels) != [(lik, sev) for lik in range(1, 6) for sev in range(1, 6)]:
        raise RuntimeError("matrices.ttl does not define all 25 cells of risk:RiskMatrix5x5")
    iso = _load(ontology_file("iso42001.ttl"))
    return Catalogue(
        levels=levels,
        annex_a_controls=_notations(iso, RG + "AnnexAControl"),
        clauses=_notations(iso, RG + "Clause"),
        annex_c_risk_sources=_notations(iso, RG + "AnnexCRiskSource"),
    )
