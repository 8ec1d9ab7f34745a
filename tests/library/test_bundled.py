"""The bundled libraries: shipped, attributed, complete, and built reproducibly from the sources."""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.library.bundled import OUTPUT_DIR_NAME, bundled, read_bundled, turtle
from riskgraph.library.model import LIBRARY_BASE
from riskgraph.resources import data_dir
from riskgraph.vocab import ISO42001

ROOT = Path(__file__).resolve().parents[2]
NC_MARKERS = ("by-nc", "noncommercial", "non-commercial")


def test_every_indexed_library_is_shipped_with_its_hash() -> None:
    folder = data_dir("ontology") / OUTPUT_DIR_NAME
    for entry in bundled().values():
        data = (folder / entry.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256, entry.name
    assert set(bundled()) == {
        "ai-atlas-nexus",
        "nist-ai-rmf",
        "finos-aigf",
        "mitre-atlas",
        "eu-ai-act",
        "iso-hs",
    }


@pytest.mark.parametrize("name", sorted(bundled()))
def test_library_is_attributed_and_licensed(name: str) -> None:
    library = read_bundled(name)
    meta = library.meta
    assert meta.license.startswith("http") and meta.license_name and meta.attribution
    assert meta.source.startswith("http") and meta.version
    for scheme in [meta, *library.taxonomies]:
        text = f"{scheme.license} {scheme.license_name} {scheme.attribution}".lower()
        assert not any(marker in text for marker in NC_MARKERS), scheme.key
    # Every concept is typed, named, identified and inside the library's namespace.
    for concept in library.concepts:
        assert concept.iri.startswith(f"{LIBRARY_BASE}{name}/")
        assert concept.notation and concept.label and concept.kind


def test_turtle_header_carries_the_attribution() -> None:
    for entry in bundled().values():
        head = entry.path.read_text(encoding="utf-8")[:2000]
        assert f"# Attribution: {' '.join(entry.attribution.split())}" in head
        assert entry.license in head


def test_nist_ai_rmf_has_72_subcategories_and_19_categories() -> None:
    library = read_bundled("nist-ai-rmf")
    kinds = Counter(c.kind for c in library.concepts)
    assert kinds["control"] == 72
    functions = {"GOVERN", "MAP", "MEASURE", "MANAGE"}
    categories = [c for c in library.concepts if c.kind == "group" and c.notation not in functions]
    assert len(categories) == 19


def test_finos_counts_match_the_published_framework() -> None:
    library = read_bundled("finos-aigf")
    risks = [c for c in library.concepts if c.kind == "risk"]
    mitigations = [c for c in library.concepts if c.kind == "control"]
    assert len(risks) == 23 and len(mitigations) == 23
    assert sum(len(m.mitigates) for m in mitigations) == 81
    annex_a = {m.object for m in library.mappings if m.object.startswith(ISO42001 + "A.")}
    assert len(annex_a) == 27
    catalogue = {
        t.subject.value
        for t in ox.parse(path=str(data_dir("ontology") / "iso42001.ttl"))
        if t.subject.value.startswith(ISO42001 + "A.")
    }
    assert annex_a <= catalogue


def test_atlas_and_nexus_and_dpv_counts() -> None:
    atlas = Counter(c.kind for c in read_bundled("mitre-atlas").concepts)
    assert atlas == {"group": 16, "risk": 170, "control": 35}
    nexus = read_bundled("ai-atlas-nexus")
    assert Counter(c.kind for c in nexus.concepts)["risk"] == 556
    assert len(nexus.taxonomies) == 12
    unconfirmed = [t for t in nexus.taxonomies if t.note]
    # Taxonomies whose licence is not confirmed keep no description text.
    for taxonomy in unconfirmed:
        members = [c for c in nexus.concepts if taxonomy.key in c.schemes]
        assert members and not any(c.definition for c in members), taxonomy.key
    dpv = read_bundled("eu-ai-act")
    notations = {c.notation for c in dpv.concepts}
    assert {
        "RiskLevelHigh",
        "AIProvider",
        "AIDeployer",
        "HighRiskAISystem-AnnexIII-4-a",
    } <= notations


def test_iso_hs_reproduces_no_iso_heading() -> None:
    library = read_bundled("iso-hs")
    outline = (data_dir("ontology") / "iso42001.ttl").read_text(encoding="utf-8")
    headings = {line.split('"')[1] for line in outline.splitlines() if "skos:prefLabel" in line}
    for concept in library.concepts:
        description = concept.label.split(": ", 1)[1]
        assert description.lower() not in {h.lower() for h in headings}, concept.label
    assert len(library.mappings) == 62


def test_build_is_reproducible(reference: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_libraries
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    build_libraries.main(["--reference", str(reference), "--out", str(tmp_path)])
    shipped = data_dir("ontology") / OUTPUT_DIR_NAME
    for entry in json.loads((tmp_path / "index.json").read_text(encoding="utf-8")):
        assert (tmp_path / entry["file"]).read_bytes() == (shipped / entry["file"]).read_bytes()
    assert (tmp_path / "index.json").read_bytes() == (shipped / "index.json").read_bytes()


def test_turtle_is_deterministic() -> None:
    library = read_bundled("iso-hs")
    assert turtle(library) == turtle(read_bundled("iso-hs"))
