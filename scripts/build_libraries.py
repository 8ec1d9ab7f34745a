"""Build the bundled libraries (ontology/libraries/*.ttl and index.json) from the reference data.

Run from the repository root, with the reference material beside the clone (or in
$RISKGRAPH_REFERENCE):

    python scripts/build_libraries.py [--reference ../shared/reference]

The output is deterministic: the same input gives byte-identical files, so a diff shows what an
upstream update changed. Each library carries its source, licence and attribution.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from riskgraph.library.bundled import OUTPUT_DIR_NAME, write_bundle  # noqa: E402
from riskgraph.library.model import Library, Mapping  # noqa: E402
from riskgraph.library.sources.atlas import read_atlas  # noqa: E402
from riskgraph.library.sources.dpv_aiact import read_dpv_aiact  # noqa: E402
from riskgraph.library.sources.finos import read_finos  # noqa: E402
from riskgraph.library.sources.iso_hs import build_iso_hs  # noqa: E402
from riskgraph.library.sources.nexus import read_nexus  # noqa: E402
from riskgraph.library.sources.nist_rmf import read_nist_rmf  # noqa: E402

NEXUS_COMMIT = "a8af9d79b72fe12c165bd51f855bc888d9acaeb4"
FINOS_COMMIT = "78e0aedddfd1775419ce4e859e9367b3f488c4ae"
_NIST_FUNCTIONS = {"GV": "GOVERN", "MP": "MAP", "MS": "MEASURE", "MG": "MANAGE"}


def link_nist_actions(nexus: Library, nist: Library) -> None:
    """NIST AI 600-1 actions (GV-1.1-001) sit under the subcategory they name (GOVERN 1.1)."""
    subcategories = {c.notation: c for c in nist.concepts}
    for action in nexus.concepts:
        head, _, _ = action.notation.rpartition("-")
        function, _, number = head.partition("-")
        target = subcategories.get(f"{_NIST_FUNCTIONS.get(function, '')} {number}")
        if action.kind != "control" or target is None:
            continue
        nexus.mappings.append(
            Mapping(
                subject=action.iri,
                predicate="broadMatch",
                object=target.iri,
                justification="structural",
                author="riskgraph library build",
                comment=f"the action ID {action.notation} names AI RMF subcategory "
                f"{target.notation}",
                subject_label=action.label,
                object_label=target.label,
            )
        )


def build(reference: Path) -> list[Library]:
    data = reference / "datasets"
    nexus = read_nexus(data / "ai-atlas-nexus" / "knowledge_graph", version=NEXUS_COMMIT[:12])
    nist = read_nist_rmf(reference / "nist_ai_rmf.csv", reference / "nist_ai_rmf_categories.csv")
    link_nist_actions(nexus, nist)
    finos = read_finos(
        data / "finos-ai-governance-framework", version=FINOS_COMMIT[:12], nexus=nexus
    )
    atlas = read_atlas(data / "mitre-atlas" / "ATLAS.yaml")
    dpv = read_dpv_aiact(reference / "ontologies" / "dpv" / "eu-aiact.ttl")
    return [nexus, nist, finos, atlas, dpv, build_iso_hs()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("RISKGRAPH_REFERENCE", ROOT.parent / "shared" / "reference"))
    parser.add_argument("--reference", type=Path, default=default)
    parser.add_argument("--out", type=Path, default=ROOT / "ontology" / OUTPUT_DIR_NAME)
    args = parser.parse_args(argv)
    libraries = build(args.reference)
    for entry in write_bundle(libraries, args.out):
        print(f"{entry['name']}: {entry['concepts']} concepts, {entry['mappings']} mappings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
