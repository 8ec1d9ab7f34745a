"""IBM AI Atlas Nexus: its LinkML YAML knowledge graph, read into one library of taxonomies.

Only the taxonomies listed in ``TAXONOMIES`` are read, each with the licence its publisher gives.
Where that licence could not be confirmed from the data, the library keeps IDs, names, structure
and mappings but not the descriptions (``full_text = False``). Mapping files list each pair twice,
once from each side, and the copy from the far side repeats the predicate instead of inverting it;
the first row of a pair is kept. They carry no mapping justification, so mappings are recorded as
``unspecified``, authored by AI Atlas Nexus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskgraph.errors import InputError, Location, UserError
from riskgraph.library.model import Concept, Library, Mapping, Scheme
from riskgraph.library.sources.common import (
    as_list,
    content_version,
    iso_date,
    one_line,
    read_yaml,
)

NAME = "ai-atlas-nexus"
AUTHOR = "AI Atlas Nexus (IBM)"
APACHE = "https://www.apache.org/licenses/LICENSE-2.0"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
US_PD = "https://www.usa.gov/government-works"
UNCONFIRMED = (
    "The upstream licence of this taxonomy is not stated in the source data; riskgraph bundles "
    "its IDs, names, structure and mappings only. Read the descriptions at the source."
)


@dataclass(frozen=True)
class TaxonomyTerms:
    license: str
    license_name: str
    attribution: str
    full_text: bool = True


TAXONOMIES: dict[str, TaxonomyTerms] = {
    "ibm-risk-atlas": TaxonomyTerms(
        APACHE,
        "Apache-2.0",
        "IBM AI Risk Atlas, by IBM, distributed in AI Atlas Nexus under Apache-2.0",
    ),
    "ibm-granite-guardian": TaxonomyTerms(
        APACHE,
        "Apache-2.0",
        "IBM Granite Guardian risk dimensions, by IBM, in AI Atlas Nexus (Apache-2.0)",
    ),
    "nist-ai-rmf": TaxonomyTerms(
        US_PD,
        "US government work",
        "NIST AI 600-1, Generative AI Profile of the NIST AI RMF, a work of the US government",
    ),
    "owasp-llm-2.0": TaxonomyTerms(
        CC_BY_SA,
        "CC BY-SA 4.0",
        "OWASP Top 10 for Large Language "
        "Model Applications 2025, by the OWASP Foundation, CC BY-SA 4.0",
    ),
    "owasp-asi": TaxonomyTerms(
        CC_BY_SA,
        "CC BY-SA 4.0",
        "OWASP Top 10 for Agentic Applications 2026, by the OWASP Foundation, CC BY-SA 4.0",
    ),
    "mit-ai-risk-repository": TaxonomyTerms(
        CC_BY,
        "CC BY 4.0",
        "The AI Risk Repository, MIT FutureTech (Slattery et al. 2024), CC BY 4.0",
    ),
    "mit-ai-risk-repository-causal": TaxonomyTerms(
        CC_BY,
        "CC BY 4.0",
        "The AI Risk Repository, MIT FutureTech (Slattery et al. 2024), CC BY 4.0",
    ),
    "mit-draft-ai-risk-mitigation": TaxonomyTerms(
        CC_BY, "CC BY 4.0", "MIT AI Risk Mitigation Taxonomy (draft), MIT FutureTech, CC BY 4.0"
    ),
    "credo-ucf": TaxonomyTerms(
        APACHE,
        "Apache-2.0 (as in AI Atlas Nexus)",
        "Credo AI Unified Control Framework (arXiv:2503.05937), via AI Atlas Nexus",
        False,
    ),
    "ai-risk-taxonomy": TaxonomyTerms(
        APACHE,
        "Apache-2.0 (as in AI Atlas Nexus)",
        "AIR 2024 AI Risk Taxonomy (arXiv:2406.17864), via AI Atlas Nexus",
        False,
    ),
    "ailuminate-v1.0": TaxonomyTerms(
        APACHE,
        "Apache-2.0 (as in AI Atlas Nexus)",
        "AILuminate v1.0 hazard taxonomy, MLCommons, via AI Atlas Nexus",
        False,
    ),
    "shieldgemma-taxonomy": TaxonomyTerms(
        APACHE,
        "Apache-2.0 (as in AI Atlas Nexus)",
        "ShieldGemma safety categories (arXiv:2407.21772), Google, via AI Atlas Nexus",
        False,
    ),
}
"""The taxonomies bundled, with the licence and attribution of each."""

FILES = (
    "risk_atlas_data.yaml",
    "risk_atlas_data_incidents.yaml",
    "granite_guardian_dimensions.yaml",
    "nist_ai_rmf_data.yaml",
    "nist_ai_rmf_actions_data.yaml",
    "owasp_llm_2.0_data.yaml",
    "owasp_asi_data.yaml",
    "mit_ai_risk_repository_data.yaml",
    "mit_ai_risk_mitigation_data.yaml",
    "mit_ai_risk_repository_data_controls.yaml",
    "credo.yaml",
    "air_2024_data.yaml",
    "ailuminate.yaml",
    "shieldgemma_dimensions.yaml",
    "ai_eval_data.yaml",
)
_KINDS = {
    "entries": "risk",
    "groups": "group",
    "actions": "control",
    "controls": "control",
    "riskincidents": "incident",
    "evaluations": "evaluation",
}
_MAPPING_KEYS = {
    "exact_mappings": "exactMatch",
    "close_mappings": "closeMatch",
    "broad_mappings": "broadMatch",
    "narrow_mappings": "narrowMatch",
    "related_mappings": "relatedMatch",
}
_RISK_LINKS = ("hasRelatedRisk", "detectsRiskConcept")


def read_nexus(folder: Path, *, version: str = "") -> Library:
    """Read the knowledge_graph folder of AI Atlas Nexus."""
    if not (folder / "risk_atlas_data.yaml").is_file():
        raise UserError(
            f"{folder} is not the AI Atlas Nexus knowledge_graph folder (no risk_atlas_data.yaml)"
        )
    if not version:
        files = [folder / name for name in FILES] + list((folder / "mappings").glob("*.yaml"))
        version = content_version([f for f in files if f.is_file()])
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="AI Atlas Nexus taxonomies",
            description=(
                "Risk taxonomies, actions, controls, incidents and evaluations gathered by IBM's "
                "AI Atlas Nexus, with the crosswalks between them."
            ),
            license=APACHE,
            license_name="Apache-2.0",
            attribution=(
                "AI Atlas Nexus, by IBM, Apache-2.0. Each taxonomy keeps its own publisher, "
                "licence and attribution, shown with it."
            ),
            source="https://github.com/IBM/ai-atlas-nexus",
            publisher="IBM",
            version=version,
        ),
    )
    raw: list[tuple[Path, str, dict[str, Any]]] = []
    for name in FILES:
        path = folder / name
        data = read_yaml(path) or {}
        for taxonomy in data.get("taxonomies") or []:
            _add_taxonomy(library, taxonomy)
        for key, kind in _KINDS.items():
            for item in data.get(key) or []:
                if isinstance(item, dict):
                    raw.append((path, kind, item))
    known = {t.key: TAXONOMIES[t.key] for t in library.taxonomies}
    # The MIT controls and Credo actions name no taxonomy of their own in some files.
    default_taxonomy = {
        "mit_ai_risk_repository_data_controls.yaml": "mit-draft-ai-risk-mitigation",
        "ai_eval_data.yaml": "ibm-risk-atlas",
        "risk_atlas_data_incidents.yaml": "ibm-risk-atlas",
    }
    items: dict[str, tuple[Path, str, dict[str, Any], str]] = {}
    for path, kind, item in raw:
        taxonomy = str(item.get("isDefinedByTaxonomy") or default_taxonomy.get(path.name, ""))
        if taxonomy not in known:
            continue
        if item.get("type") not in (
            None,
            "Risk",
            "RiskGroup",
            "RiskControl",
            "Action",
            "RiskControlGroup",
        ):
            continue
        item_id = str(item.get("id") or "").strip()
        if not item_id:
            raise InputError("an item has no id", location=Location(str(path)), value=item)
        items.setdefault(item_id, (path, kind, item, taxonomy))
    concepts: dict[str, Concept] = {}
    for item_id, (_path, kind, item, taxonomy) in items.items():
        terms = known[taxonomy]
        concepts[item_id] = library.add(
            Concept(
                local_id=item_id,
                notation=item_id,
                label=one_line(item.get("name")) or item_id,
                kind=kind,
                definition=one_line(item.get("description")) if terms.full_text else "",
                schemes=[taxonomy],
                see_also=str(item.get("url") or "")
                if str(item.get("url") or "").startswith("http")
                else "",
            )
        )
    for item_id, (_path, _kind, item, _taxonomy) in items.items():
        concept = concepts[item_id]
        for parent in [
            *as_list(item.get("isPartOf")),
            *as_list(item.get("broader")),
            *as_list(item.get("isCategorizedAs")),
        ]:
            if str(parent) in concepts:
                concept.broader.append(concepts[str(parent)].iri)
        for key in _RISK_LINKS:
            for risk in as_list(item.get(key)):
                if str(risk) in concepts:
                    concept.mitigates.append(concepts[str(risk)].iri)
        if concept.kind == "incident":
            for risk in as_list(item.get("refersToRisk")):
                if str(risk) in concepts:
                    library.mappings.append(
                        _mapping(
                            concept, "relatedMatch", concepts[str(risk)], "incident refersToRisk"
                        )
                    )
    seen: set[frozenset[str]] = set()
    inline = [(item, "in the taxonomy file") for _p, _k, item, _t in items.values()]
    mapping_rows = []
    for path in sorted((folder / "mappings").glob("*.yaml")):
        data = read_yaml(path) or {}
        for key in ("entries", "actions", "rules"):
            for item in data.get(key) or []:
                if isinstance(item, dict):
                    mapping_rows.append((item, path.name))
    # Risks whose groups come from the MIT mitigation mapping file.
    for item, source in [*inline, *mapping_rows]:
        subject = concepts.get(str(item.get("id")))
        if subject is None:
            continue
        for parent in as_list(item.get("isCategorizedAs")):
            target = concepts.get(str(parent))
            if target is not None and target.iri not in subject.broader:
                subject.broader.append(target.iri)
        for key, predicate in _MAPPING_KEYS.items():
            for other in as_list(item.get(key)):
                target = concepts.get(str(other))
                if target is None or target is subject:
                    continue
                pair = frozenset((subject.iri, target.iri))
                if pair in seen:
                    continue
                seen.add(pair)
                library.mappings.append(_mapping(subject, predicate, target, source))
    return library


def _mapping(subject: Concept, predicate: str, target: Concept, source: str) -> Mapping:
    return Mapping(
        subject=subject.iri,
        predicate=predicate,
        object=target.iri,
        justification="unspecified",
        author=AUTHOR,
        comment=f"from AI Atlas Nexus {source}; the source does not say how it was matched",
        subject_label=subject.label,
        object_label=target.label,
    )


def _add_taxonomy(library: Library, taxonomy: dict[str, Any]) -> None:
    key = str(taxonomy.get("id") or "")
    terms = TAXONOMIES.get(key)
    if terms is None or any(t.key == key for t in library.taxonomies):
        return
    version = str(taxonomy.get("version") or "") or iso_date(
        taxonomy.get("dateModified") or taxonomy.get("dateCreated")
    )
    library.taxonomies.append(
        Scheme(
            key=key,
            title=one_line(taxonomy.get("name")) or key,
            description=one_line(taxonomy.get("description")) if terms.full_text else "",
            license=terms.license,
            license_name=terms.license_name,
            attribution=terms.attribution,
            source=str(taxonomy.get("url") or ""),
            version=version,
            note="" if terms.full_text else UNCONFIRMED,
        )
    )
