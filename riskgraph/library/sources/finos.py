"""The FINOS AI Governance Framework, read from its folder as published.

Accepted layouts: the repository itself (``docs/_risks``, ``docs/_mitigations``,
``docs/_data/references``) or a copy with ``risks/``, ``mitigations/`` and ``references/`` at the
top. Risks (``ri-N``) and mitigations (``mi-N``) are Markdown files with YAML front matter; their
``*_references`` lists point into the reference catalogues (``references/*.yml``), which become
taxonomies of the library, one concept per entry. ISO/IEC 42001 references such as ``A-6-2-4``
are also matched to riskgraph's Annex A catalogue (``A.6.2.4``), and OWASP LLM references to the
AI Atlas Nexus OWASP concepts with the same page.
"""

from __future__ import annotations

import re
from pathlib import Path

from riskgraph.errors import InputError, Location, UserError
from riskgraph.library.model import Concept, Library, Mapping, Scheme, concept_iri
from riskgraph.library.sources.common import (
    as_list,
    content_version,
    front_matter,
    one_line,
    read_yaml,
    section,
)
from riskgraph.vocab import ISO42001

NAME = "finos-aigf"
AUTHOR = "FINOS AI Governance Framework"
BUILDER = "riskgraph library build"
ATTRIBUTION = (
    "FINOS AI Governance Framework, by the Fintech Open Source Foundation (FINOS) and its "
    "contributors, licensed under CC BY 4.0. Changes: front matter and summaries read into SKOS; "
    "reference IDs matched to other catalogues."
)
RISK_TYPES = {
    "OP": "Operational risks",
    "SEC": "Security risks",
    "RC": "Regulatory and compliance risks",
}
MITIGATION_TYPES = {"PREV": "Preventive mitigations", "DET": "Detective mitigations"}
_ANNEX_A = re.compile(r"^A-(\d+)-(\d+)(?:-(\d+))?$")


def annex_a_iri(ref: str) -> str | None:
    """``A-6-2-4`` -> the IRI of Annex A control A.6.2.4 in riskgraph's ISO/IEC 42001 catalogue."""
    match = _ANNEX_A.match(ref.strip())
    if not match:
        return None
    return ISO42001 + "A." + ".".join(g for g in match.groups() if g)


def _folders(root: Path) -> tuple[Path, Path, Path]:
    for risks, mitigations, references in (
        ("risks", "mitigations", "references"),
        ("docs/_risks", "docs/_mitigations", "docs/_data/references"),
    ):
        if (root / risks).is_dir() and (root / mitigations).is_dir():
            return root / risks, root / mitigations, root / references
    raise UserError(
        f"{root} is not a FINOS AI governance framework folder: it has neither risks/ and "
        "mitigations/ nor docs/_risks and docs/_mitigations"
    )


def _ids(meta: dict, key: str, file: Path) -> list[str]:
    values = as_list(meta.get(key))
    for value in values:
        if not isinstance(value, str | int):
            raise InputError(
                "a reference list holds something that is not an ID",
                location=Location(str(file), column=key),
                value=value,
                expected="a list of IDs such as ri-3 or A-6-2-4",
            )
    return [str(v).strip() for v in values]


def _sequence(meta: dict, file: Path) -> int:
    value = meta.get("sequence")
    if not isinstance(value, int):
        raise InputError(
            "the front matter has no integer 'sequence'",
            location=Location(str(file), column="sequence"),
            value=value,
            expected="the risk or mitigation number, e.g. 10",
        )
    return value


def read_finos(root: Path, *, version: str = "", nexus: Library | None = None) -> Library:
    """Read a FINOS framework folder into the ``finos-aigf`` library."""
    risks_dir, mitigations_dir, references_dir = _folders(root)
    if not version:
        version = content_version(
            [*risks_dir.glob("*.md"), *mitigations_dir.glob("*.md"), *references_dir.glob("*.yml")]
        )
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="FINOS AI Governance Framework",
            description=(
                "Risks of AI systems in financial services and the mitigations that answer them, "
                "with references to ISO/IEC 42001 Annex A, NIST AI 600-1, the EU AI Act, OWASP, "
                "NIST SP 800-53 and banking guidance."
            ),
            license="https://creativecommons.org/licenses/by/4.0/",
            license_name="CC BY 4.0",
            attribution=ATTRIBUTION,
            source="https://github.com/finos/ai-governance-framework",
            publisher="Fintech Open Source Foundation (FINOS)",
            version=version,
        ),
    )
    # Reference catalogues first, so that risks and mitigations can be checked against them.
    references: dict[str, dict[str, str]] = {}
    for path in sorted(references_dir.glob("*.yml")) if references_dir.is_dir() else []:
        data = read_yaml(path)
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            raise InputError(
                "the reference file has no 'entries' mapping",
                location=Location(str(path), column="entries"),
                expected="entries: {ID: {title, url}}",
            )
        key = path.stem
        library.taxonomies.append(
            Scheme(
                key=f"ref-{key}",
                title=one_line(data.get("title")) or key,
                description=one_line(data.get("description")),
                source=str(data.get("source_url") or ""),
            )
        )
        references[key] = {}
        for ref_id, entry in entries.items():
            entry = entry if isinstance(entry, dict) else {}
            concept = library.add(
                Concept(
                    local_id=f"ref/{key}/{ref_id}",
                    notation=str(ref_id),
                    label=one_line(entry.get("title")) or str(ref_id),
                    kind="term",
                    schemes=[f"ref-{key}"],
                    see_also=str(entry.get("url") or ""),
                )
            )
            references[key][str(ref_id)] = concept.iri
            _external_match(library, key, str(ref_id), concept, nexus)
    for group_id, title in {**RISK_TYPES, **MITIGATION_TYPES}.items():
        library.add(Concept(f"type/{group_id}", group_id, title, "group"))
    _read_items(library, risks_dir, "ri", "risk", RISK_TYPES, references)
    _read_items(library, mitigations_dir, "mi", "control", MITIGATION_TYPES, references)
    if not any(c.kind == "risk" for c in library.concepts):
        raise UserError(f"{risks_dir} holds no risk files (ri-N_*.md)")
    return library


def _read_items(
    library: Library,
    folder: Path,
    prefix: str,
    kind: str,
    types: dict[str, str],
    references: dict[str, dict[str, str]],
) -> None:
    files = sorted(folder.glob(f"{prefix}-*.md"))
    for path in files:
        meta, body = front_matter(path)
        number = _sequence(meta, path)
        item_type = str(meta.get("type") or "").strip()
        if item_type not in types:
            raise InputError(
                "unknown type",
                location=Location(str(path), column="type"),
                value=item_type,
                expected=" or ".join(types),
            )
        concept = library.add(
            Concept(
                local_id=f"{prefix}-{number}",
                notation=f"{prefix}-{number}",
                label=one_line(meta.get("title")) or f"{prefix}-{number}",
                kind=kind,
                definition=section(body, "Summary")
                or section(body, "Purpose")
                or section(body, "Description"),
                broader=[concept_iri(NAME, f"type/{item_type}")],
            )
        )
        if kind == "control":
            concept.mitigates = [concept_iri(NAME, risk) for risk in _ids(meta, "mitigates", path)]
        for key in meta:
            if not key.endswith("_references"):
                continue
            catalogue = key.removesuffix("_references")
            known = references.get(catalogue)
            for ref in _ids(meta, key, path):
                if known is None or ref not in known:
                    raise InputError(
                        "the reference is not in the framework's reference catalogue",
                        location=Location(str(path), column=key),
                        value=ref,
                        expected=f"an entry of references/{catalogue}.yml",
                    )
                library.mappings.append(
                    Mapping(
                        subject=concept.iri,
                        predicate="relatedMatch",
                        object=known[ref],
                        justification="manual",
                        author=AUTHOR,
                        comment=f"{key}: {ref}",
                        subject_label=concept.label,
                    )
                )


def _external_match(
    library: Library, catalogue: str, ref: str, concept: Concept, nexus: Library | None
) -> None:
    """Match a reference entry to the same item in riskgraph's catalogue or another library."""
    if catalogue == "iso-42001" and (iri := annex_a_iri(ref)):
        library.mappings.append(
            Mapping(
                subject=concept.iri,
                predicate="exactMatch",
                object=iri,
                justification="structural",
                author=BUILDER,
                comment=f"reference ID {ref} names Annex A control {iri.rsplit('/', 1)[1]}",
                subject_label=concept.label,
            )
        )
    if catalogue == "owasp-llm" and nexus is not None and concept.see_also:
        page = concept.see_also.rstrip("/")
        for target in nexus.concepts:
            if target.see_also and target.see_also.rstrip("/") == page:
                library.mappings.append(
                    Mapping(
                        subject=concept.iri,
                        predicate="exactMatch",
                        object=target.iri,
                        justification="structural",
                        author=BUILDER,
                        comment=f"both cite {concept.see_also}",
                        subject_label=concept.label,
                        object_label=target.label,
                    )
                )
