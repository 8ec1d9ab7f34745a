"""What the audit report shows about libraries: which are loaded (with their attribution, which
every export that contains them must carry) and how far the register covers the frameworks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from riskgraph.library.catalogue import loaded_libraries, resolve
from riskgraph.library.coverage import CROSSWALK, DIRECT, NOT_ADDRESSED, CoverageRow, coverage
from riskgraph.library.crosswalk import mapping_graph, members
from riskgraph.store.base import Store

REPORT_FRAMEWORKS = (
    ("iso42001-annex-a", "ISO/IEC 42001 Annex A", None),
    ("nist-ai-rmf", "NIST AI RMF 1.0 subcategories", "nist-ai-rmf"),
    ("owasp-llm-2.0", "OWASP Top 10 for LLM applications", "ai-atlas-nexus"),
    ("eu-ai-act", "EU AI Act vocabulary (DPV)", "eu-ai-act"),
)
"""(framework, title, library it needs) for the coverage table of the report."""


@dataclass(frozen=True)
class LoadedLibrary:
    name: str
    title: str
    version: str
    license_name: str
    license: str
    attribution: str
    source: str


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    title: str
    direct: int
    through_crosswalks: int
    not_addressed: list[CoverageRow]

    @property
    def total(self) -> int:
        return self.direct + self.through_crosswalks + len(self.not_addressed)


@dataclass(frozen=True)
class LibrarySummary:
    libraries: list[LoadedLibrary]
    coverage: list[FrameworkCoverage]


def library_summary(store: Store) -> LibrarySummary:
    loaded = loaded_libraries(store)
    libraries = []
    for name in loaded:
        meta = resolve(store, name).meta
        libraries.append(
            LoadedLibrary(
                name,
                meta.title,
                meta.version,
                meta.license_name,
                meta.license,
                meta.attribution,
                meta.source,
            )
        )
    covered = []
    graph = mapping_graph(store) if loaded else None
    for framework, title, needs in REPORT_FRAMEWORKS:
        if needs is not None and needs not in loaded:
            continue
        if needs is None and not loaded:
            continue
        rows = coverage(store, framework, "register", graph=graph)
        if framework == "nist-ai-rmf":
            subcategories = {iri for iri, n in members(store, framework).items() if "." in n}
            rows = [r for r in rows if r.iri in subcategories]
        counts = Counter(r.status for r in rows)
        covered.append(
            FrameworkCoverage(
                framework,
                title,
                counts[DIRECT],
                counts[CROSSWALK],
                [r for r in rows if r.status == NOT_ADDRESSED],
            )
        )
    return LibrarySummary(libraries, covered)
