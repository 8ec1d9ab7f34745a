"""MITRE ATLAS (ATLAS.yaml as released): tactics as groups, techniques as risks, mitigations as
controls that mitigate the techniques they list."""

from __future__ import annotations

import re
from pathlib import Path

from riskgraph.errors import InputError, Location
from riskgraph.library.model import Concept, Library, Scheme, concept_iri
from riskgraph.library.sources.common import as_list, one_line, read_yaml

NAME = "mitre-atlas"
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _text(value: object) -> str:
    return one_line(_LINK.sub(r"\1", str(value or "")))


def read_atlas(path: Path) -> Library:
    data = read_yaml(path)
    matrices = data.get("matrices") if isinstance(data, dict) else None
    if not matrices or not isinstance(matrices, list):
        raise InputError(
            "no 'matrices' list", location=Location(str(path)), expected="ATLAS.yaml as released"
        )
    version = str(data.get("version") or "")
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="MITRE ATLAS",
            description="Adversarial Threat Landscape for AI Systems: tactics, techniques and "
            "mitigations of attacks on AI systems.",
            license="https://www.apache.org/licenses/LICENSE-2.0",
            license_name="Apache-2.0",
            attribution="MITRE ATLAS, Copyright 2021-2025 MITRE, licensed under Apache-2.0",
            source="https://github.com/mitre-atlas/atlas-data",
            publisher="MITRE",
            version=version,
        ),
    )
    matrix = matrices[0]
    for tactic in matrix.get("tactics") or []:
        library.add(
            Concept(
                tactic["id"],
                tactic["id"],
                _text(tactic["name"]),
                "group",
                _text(tactic.get("description")),
                see_also=f"https://atlas.mitre.org/tactics/{tactic['id']}",
            )
        )
    for technique in matrix.get("techniques") or []:
        tid = str(technique.get("id") or "")
        if not tid:
            raise InputError("a technique has no id", location=Location(str(path)))
        parents = as_list(technique.get("subtechnique-of")) or as_list(technique.get("tactics"))
        library.add(
            Concept(
                tid,
                tid,
                _text(technique["name"]),
                "risk",
                _text(technique.get("description")),
                broader=[concept_iri(NAME, str(p)) for p in parents],
                see_also=f"https://atlas.mitre.org/techniques/{tid}",
            )
        )
    for mitigation in matrix.get("mitigations") or []:
        mid = str(mitigation["id"])
        library.add(
            Concept(
                mid,
                mid,
                _text(mitigation["name"]),
                "control",
                _text(mitigation.get("description")),
                see_also=f"https://atlas.mitre.org/mitigations/{mid}",
                mitigates=[
                    concept_iri(NAME, str(t["id"]))
                    for t in mitigation.get("techniques") or []
                    if isinstance(t, dict) and t.get("id")
                ],
            )
        )
    return library
