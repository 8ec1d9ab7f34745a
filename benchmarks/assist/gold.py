"""Build the identification gold sets from the publishers' files, as published.

    python -m benchmarks.assist.gold --reference ../shared/reference

Reads the FINOS AI Governance Framework use cases (``usecases/uc-*.md``: front matter and
prose) and the AI Atlas Nexus risk incidents (``knowledge_graph/risk_atlas_data_incidents.yaml``)
and writes two small JSON fixtures beside this file (``data/``), each with its source, commit,
licence and attribution. The labels are the publishers' own: a use case's ``related_risks`` and an
incident's ``refersToRisk``. Nothing riskgraph produced goes into a gold set.

What a case's text holds: for a FINOS use case, its title, description, end users, business value,
data classifications and handling, and the prose sections before "AI Risks and Mitigations"
(that section and the ones after it name the answer, so they are left out); for a Nexus
incident, its name and description.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
FINOS_FILE = DATA / "finos-usecases.json"
NEXUS_FILE = DATA / "nexus-incidents.json"

FINOS_SOURCE = {
    "source": "https://github.com/finos/ai-governance-framework",
    "commit": "78e0aedddfd1775419ce4e859e9367b3f488c4ae",
    "paths": "docs/_usecases/uc-*.md",
    "license": "CC-BY-4.0",
    "attribution": "FINOS AI Governance Framework, by FINOS (Fintech Open Source Foundation), "
    "CC BY 4.0. Derived: front matter fields and prose sections before 'AI Risks and "
    "Mitigations', joined as text; labels are the use case's related_risks.",
    "library": "finos-aigf",
}
NEXUS_SOURCE = {
    "source": "https://github.com/IBM/ai-atlas-nexus",
    "commit": "a8af9d79b72fe12c165bd51f855bc888d9acaeb4",
    "paths": "src/ai_atlas_nexus/data/knowledge_graph/risk_atlas_data_incidents.yaml",
    "license": "Apache-2.0",
    "attribution": "AI Atlas Nexus, by IBM, Apache-2.0 (incidents of the IBM AI Risk Atlas). "
    "Derived: name and description joined as text; labels are the incident's refersToRisk.",
    "library": "ai-atlas-nexus",
    "taxonomy": "ibm-risk-atlas",
}

_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
STOP_SECTION = "## AI Risks and Mitigations"


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [w for v in value for w in _words(v)]
    if isinstance(value, dict):
        return [w for k, v in value.items() if k not in ("url",) for w in _words(v)]
    return []


def finos_case(path: Path) -> dict[str, Any]:
    match = _FRONT.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{path}: no YAML front matter")
    meta = yaml.safe_load(match[1])
    prose = match[2].split(STOP_SECTION, 1)[0]
    prose = _LINK.sub(r"\1", prose)
    parts = [
        *_words(meta.get("title")),
        *_words(meta.get("description")),
        *_words(meta.get("end_user")),
        *_words(meta.get("business_value")),
        *_words(meta.get("data_classifications")),
        *_words(meta.get("data_handling_aspects")),
        prose,
    ]
    text = "\n".join(" ".join(p.replace("_", " ").split()) for p in parts if p.strip())
    return {
        "id": path.name.split("_", 1)[0],
        "title": meta["title"],
        "text": text,
        "gold": sorted(meta["related_risks"], key=lambda r: int(r.split("-")[1])),
    }


def nexus_case(entry: dict[str, Any]) -> dict[str, Any]:
    text = " ".join(f"{entry['name']}. {entry.get('description') or ''}".split())
    return {
        "id": entry["id"],
        "title": entry["name"],
        "text": re.sub(r"</?em>", "", text),
        "gold": sorted(entry.get("refersToRisk") or []),
    }


def build(reference: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    datasets = reference / "datasets"
    usecases = sorted(
        (datasets / "finos-ai-governance-framework" / "usecases").glob("uc-*.md"),
        key=lambda p: int(p.name.split("_")[0].removeprefix("uc-")),
    )
    finos = {**FINOS_SOURCE, "cases": [finos_case(p) for p in usecases]}
    incidents_file = (
        datasets / "ai-atlas-nexus" / "knowledge_graph" / "risk_atlas_data_incidents.yaml"
    )
    incidents = yaml.safe_load(incidents_file.read_text(encoding="utf-8"))["riskincidents"]
    nexus = {**NEXUS_SOURCE, "cases": [nexus_case(e) for e in incidents]}
    return finos, nexus


def write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, required=True, help="the reference folder")
    args = parser.parse_args(argv)
    finos, nexus = build(args.reference)
    write(FINOS_FILE, finos)
    write(NEXUS_FILE, nexus)
    print(f"{FINOS_FILE.name}: {len(finos['cases'])} use cases")
    print(f"{NEXUS_FILE.name}: {len(nexus['cases'])} incidents")


if __name__ == "__main__":
    main()
