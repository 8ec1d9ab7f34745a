"""The library commands as a user runs them, on real register folders."""

from __future__ import annotations

from pathlib import Path

from library_support import run

from riskgraph.library.catalogue import loaded_libraries, resolve
from riskgraph.library.rdf import library_triples
from riskgraph.register import Register, init_register


def _register(tmp_path: Path) -> str:
    init_register(tmp_path / "reg")
    return str(tmp_path / "reg")


def test_list_show_load_unload(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    listed = run("library", "list", "-r", reg)
    assert listed.code == 0 and "finos-aigf" in listed.out and "available" in listed.out
    shown = run("library", "show", "finos-aigf", "-r", reg)
    assert shown.code == 0
    assert "CC BY 4.0" in shown.out and "Fintech Open Source Foundation" in shown.out
    assert run("library", "load", "finos-aigf", "iso-hs", "-r", reg).code == 0
    assert "loaded" in run("library", "list", "-r", reg).out
    assert run("library", "unload", "iso-hs", "-r", reg).code == 0
    missing = run("library", "unload", "iso-hs", "-r", reg)
    assert missing.code == 2 and "not loaded" in missing.err and "Traceback" not in missing.err


def test_show_names_each_taxonomy_licence(tmp_path: Path) -> None:
    shown = run("library", "show", "ai-atlas-nexus", "-r", _register(tmp_path))
    assert "owasp-llm-2.0" in shown.out and "CC BY-SA 4.0" in shown.out
    assert "not stated in the source data" in shown.out


def test_finos_folder_imports_with_one_command_then_coverage_names_the_gaps(
    tmp_path: Path, reference: Path
) -> None:
    reg = _register(tmp_path)
    folder = reference / "datasets" / "finos-ai-governance-framework"
    done = run("library", "import", str(folder), "-r", reg)
    assert done.code == 0, done.err
    assert "imported finos-aigf" in done.out
    gaps = run("coverage", "iso42001-annex-a", "--by", "finos-aigf", "-r", reg)
    assert gaps.code == 0, gaps.err
    tail = gaps.out.split("not addressed (11):", 1)[1]
    for ref in ("A.2.2", "A.5.5", "A.9.4", "A.10.4"):
        assert f"  {ref}  " in tail


def test_broken_finos_file_names_file_and_field(tmp_path: Path, reference: Path) -> None:
    import shutil

    folder = tmp_path / "finos"
    source = reference / "datasets" / "finos-ai-governance-framework"
    shutil.copytree(source / "risks", folder / "risks")
    shutil.copytree(source / "mitigations", folder / "mitigations")
    shutil.copytree(source / "references", folder / "references")
    target = next((folder / "mitigations").glob("mi-1_*.md"))
    target.chmod(0o644)
    target.write_text(target.read_text().replace("  - A-6-2-6", "  - A-99-9", 1))
    reg = _register(tmp_path)
    failed = run("library", "import", str(folder), "-r", reg)
    assert failed.code == 2
    assert target.name in failed.err and "iso-42001_references" in failed.err
    assert "A-99-9" in failed.err
    with Register.open(Path(reg)).reader() as store:
        assert loaded_libraries(store) == {}


def test_export_and_import_round_trip_library_and_mappings(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    assert run("library", "load", "finos-aigf", "-r", reg).code == 0
    ttl, tsv = tmp_path / "finos.ttl", tmp_path / "finos.sssom.tsv"
    assert run("library", "export", "finos-aigf", "-o", str(ttl), "-r", reg).code == 0
    assert run("library", "export", "finos-aigf", "-o", str(tsv), "-r", reg).code == 0
    assert "license: https://creativecommons.org/licenses/by/4.0/" in tsv.read_text()
    with Register.open(Path(reg)).reader() as store:
        original = resolve(store, "finos-aigf")
    other = str(tmp_path / "other")
    init_register(Path(other))
    assert run("library", "import", str(ttl), "-r", other).code == 0
    assert run("library", "import", str(tsv), "--name", "finos-map", "-r", other).code == 0
    with Register.open(Path(other)).reader() as store:
        again = resolve(store, "finos-aigf")
        mapped = resolve(store, "finos-map")
    assert set(library_triples(again)) == set(library_triples(original))
    assert {m.mapping_id for m in mapped.mappings} == {m.mapping_id for m in original.mappings}
    assert set(mapped.mappings) == set(original.mappings)


def test_crosswalk_command_shows_chains_and_missing_counterparts(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    assert run("library", "load", "finos-aigf", "ai-atlas-nexus", "-r", reg).code == 0
    out = run("crosswalk", "owasp-llm-2.0", "iso42001-annex-a", "-r", reg)
    assert out.code == 0, out.err
    assert "llm01-prompt-injection =relatedMatch=> A.6.1.3" in out.out
    assert "manual, FINOS AI Governance Framework" in out.out
    back = run("crosswalk", "iso42001-annex-a", "owasp-llm-2.0", "--max-hops", "3", "-r", reg)
    assert "no counterpart in owasp-llm-2.0" in back.out
    bad = run("crosswalk", "owasp-llm-2.0", "nowhere", "-r", reg)
    assert bad.code == 2 and "unknown framework 'nowhere'" in bad.err
    sssom = run("crosswalk", "owasp-llm-2.0", "iso42001-annex-a", "-f", "sssom", "-r", reg)
    assert "semapv:MappingChaining" in sssom.out and "derived_via" in sssom.out


def test_a_source_without_version_gets_one_from_its_content(reference: Path) -> None:
    from riskgraph.library.exchange import read_source

    folder = reference / "datasets" / "finos-ai-governance-framework"
    first, second = read_source(folder), read_source(folder)
    assert first.meta.version.startswith("sha256:")
    assert first.meta.version == second.meta.version


def test_bad_formats_and_table_to_a_file_are_refused(tmp_path: Path) -> None:
    reg = _register(tmp_path)
    assert run("library", "load", "iso-hs", "-r", reg).code == 0
    bad = run("coverage", "iso42001", "--by", "iso-hs", "-f", "xml", "-r", reg)
    assert bad.code == 2 and "unknown format" in bad.err
    table = run("crosswalk", "iso42001", "iso-hs", "-o", str(tmp_path / "x.txt"), "-r", reg)
    assert table.code == 2 and "-f json or -f sssom" in table.err
    written = run(
        "crosswalk", "iso42001", "iso-hs", "-f", "json", "-o", str(tmp_path / "x.json"), "-r", reg
    )
    assert written.code == 0 and '"no_counterpart"' in (tmp_path / "x.json").read_text()


def test_refusals_name_the_options_that_lift_them(tmp_path: Path) -> None:
    """The core says which field lifts a refusal ("replace", "force"); the CLI says its option."""
    reg = _register(tmp_path)
    assert run("library", "load", "finos-aigf", "-r", reg).code == 0
    ttl = tmp_path / "finos.ttl"
    assert run("library", "export", "finos-aigf", "-o", str(ttl), "-r", reg).code == 0
    text = ttl.read_text(encoding="utf-8")
    assert text.count("owl:versionInfo") == 1
    ttl.write_text(
        text.replace("owl:versionInfo", 'owl:versionInfo "9.9-test", ', 1), encoding="utf-8"
    )
    refused = run("library", "import", str(ttl), "-r", reg)
    assert refused.code == 2 and "load it with --replace" in refused.err, refused.err
    assert "replace set" not in refused.err and "Traceback" not in refused.err
    assert run("library", "import", str(ttl), "--replace", "-r", reg).code == 0

    assert run("library", "adopt", "finos-aigf:mi-3", "-r", reg).code == 0
    linked = run("library", "unload", "finos-aigf", "-r", reg)
    assert linked.code == 2 and "unload it with --force" in linked.err, linked.err
    assert "force set" not in linked.err
    assert run("library", "unload", "finos-aigf", "--force", "-r", reg).code == 0
