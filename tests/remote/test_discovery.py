"""Joining a shared register: endpoint discovery from a base URL, and settings that live with the
register (the same name, appetite and gaps for everyone who opens it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_run import run
from remote_support import Server, gap_report

from riskgraph.config import load_config
from riskgraph.errors import UserError
from riskgraph.register import Register
from riskgraph.store.discovery import LAYOUTS, candidates, discover

TODAY = "2026-11-01"


def fake(answering: set[str]):
    """A probe that answers every kind of request at the URLs in ``answering``."""
    seen: list[tuple[str, str]] = []

    def probe(kind: str, url: str) -> bool:
        seen.append((kind, url))
        return url in answering

    return probe, seen


@pytest.mark.parametrize(
    ("given", "kind", "query", "update", "store"),
    [
        ("http://h:7878", "oxigraph", "http://h:7878/query", "/update", "/store"),
        ("http://h:7878/query", "oxigraph", "http://h:7878/query", "/update", "/store"),
        ("http://h:3030/ds", "fuseki", "http://h:3030/ds/query", "/ds/update", "/ds/data"),
        ("http://h:3030/ds/sparql", "fuseki", "http://h:3030/ds/query", "/ds/update", "/ds/data"),
        ("http://h:8890", "virtuoso", "http://h:8890/sparql", "/sparql", "/sparql-graph-crud"),
        (
            "http://h:8890/sparql/",
            "virtuoso",
            "http://h:8890/sparql",
            "/sparql",
            "/sparql-graph-crud",
        ),
        (
            "http://h:7200/repositories/r",
            "graphdb",
            "http://h:7200/repositories/r",
            "/repositories/r/statements",
            "/repositories/r/rdf-graphs/service",
        ),
    ],
)
def test_each_layout_is_found_from_its_base_or_query_url(
    given: str, kind: str, query: str, update: str, store: str
) -> None:
    host = query.split("/")[2]
    urls = {query, f"http://{host}{update}", f"http://{host}{store}"}
    probe, _seen = fake(urls)
    found = discover(given, probe=probe)
    assert (found.kind, found.query_url) == (kind, query)
    assert found.update_url == f"http://{host}{update}"
    assert found.store_url == f"http://{host}{store}"


def test_neptune_has_no_graph_store_and_updates_at_its_query_url() -> None:
    probe, _ = fake({"https://db:8182/sparql"})
    found = discover("https://db:8182", server_kind="neptune", probe=probe)
    assert (found.query_url, found.update_url, found.store_url) == (
        "https://db:8182/sparql",
        "https://db:8182/sparql",
        None,
    )


def test_a_server_kind_skips_the_other_layouts() -> None:
    probe, seen = fake({"http://h/sparql"})
    discover("http://h", server_kind="virtuoso", probe=probe)
    assert {url for _, url in seen} <= {"http://h/sparql", "http://h/sparql-graph-crud"}


def test_nothing_answering_names_every_url_tried() -> None:
    probe, _ = fake(set())
    with pytest.raises(UserError) as caught:
        discover("http://h:1/", probe=probe)
    message = str(caught.value)
    for layout in LAYOUTS.values():
        assert f"{layout.kind}: ASK {{}} at http://h:1{layout.query}" in message
    assert "name the server kind (server_kind)" in message


def test_unknown_kind_and_non_http_urls_are_errors() -> None:
    with pytest.raises(UserError, match="unknown server kind 'jena'"):
        discover("http://h", server_kind="jena")
    with pytest.raises(UserError, match="not an http"):
        discover("ftp://h/query")


def test_candidates_try_a_pasted_query_url_first() -> None:
    order = candidates("http://h/ds/sparql", ("oxigraph", "fuseki", "virtuoso"))
    assert order[0] == ("fuseki", "http://h/ds")


def test_init_with_the_base_url_finds_the_layout_and_loads_the_example(
    tmp_path: Path, server: Server
) -> None:
    done = run("init", str(tmp_path / "team"), "--endpoint", server.base, "--example")
    assert done.code == 0, done.err
    assert f"found a {server.kind} layout" in done.err
    endpoint = load_config(tmp_path / "team" / "register.toml").endpoint
    assert endpoint is not None
    assert endpoint == server.settings(timeout=endpoint.timeout_seconds)
    stats = run("stats", "-r", str(tmp_path / "team"))
    assert stats.code == 0, stats.err
    assert re.search(r"risks\s+│\s+46", stats.out)


def test_a_second_folder_sees_the_same_register(tmp_path: Path, server: Server) -> None:
    """Issue 17's done-when, on each server: `init --endpoint` with the base URL only, and a
    second folder connected to the same server (by its base URL, and a third by its query URL)
    shows the same name, appetite and gap report."""
    first, second, third = tmp_path / "alice", tmp_path / "bob", tmp_path / "carol"
    assert run("init", str(first), "--endpoint", server.base, "--example").code == 0
    assert run("settings", "set", "risk.appetite", "low", "-r", str(first)).code == 0
    joined = run("init", str(second), "--endpoint", server.base)
    assert joined.code == 0, joined.err
    assert "general.name: the shared register says" in joined.err
    by_query_url = run("init", str(third), "--endpoint", f"{server.settings().query_url}/")
    assert by_query_url.code == 0, by_query_url.err
    opened = [Register.open(folder) for folder in (first, second, third)]
    assert {r.display_name for r in opened} == {"Harbourline Group AI risk register (example)"}
    assert {r.config.risk.appetite for r in opened} == {"low"}
    assert len({r.base_iri for r in opened}) == 1
    report = gap_report(first)
    assert report["summary"]["gaps"] > 0
    assert gap_report(second) == report == gap_report(third)


def test_an_edit_in_one_folder_is_seen_by_the_other(tmp_path: Path, server: Server) -> None:
    first, second = tmp_path / "alice", tmp_path / "bob"
    assert run("init", str(first), "--endpoint", server.base, "--example").code == 0
    assert run("init", str(second), "--endpoint", server.base).code == 0
    # R-001 has Annex C sources: the write pipeline checks them against the catalogue
    edited = run("edit", "R-001", "--title", "Proxy bias in credit", "-r", str(first))
    assert edited.code == 0, edited.err
    shown = run("show", "R-001", "-r", str(second))
    assert shown.code == 0 and "Proxy bias in credit" in shown.out


def test_a_local_value_that_differs_is_shown_and_overruled(tmp_path: Path, server: Server) -> None:
    folder = tmp_path / "team"
    assert run("init", str(folder), "--endpoint", server.base, "--example").code == 0
    config = folder / "register.toml"
    config.write_text(config.read_text().replace('appetite = "moderate"', 'appetite = "very-high"'))
    stats = run("stats", "-r", str(folder))
    assert stats.code == 0
    assert "risk.appetite: the shared register says 'moderate'" in stats.err
    assert "appetite: moderate" in stats.out
    shown = run("settings", "show", "-r", str(folder))
    assert "risk.appetite = 'moderate'  (shared register)" in shown.out


def test_settings_set_refuses_unknown_keys_and_values(tmp_path: Path, server: Server) -> None:
    folder = tmp_path / "team"
    assert run("init", str(folder), "--endpoint", server.base).code == 0
    unknown = run("settings", "set", "risk.colour", "red", "-r", str(folder))
    assert unknown.code == 2 and "is not a shared setting" in unknown.err
    assert "risk.appetite" in unknown.err
    bad = run("settings", "set", "risk.appetite", "hgh", "-r", str(folder))
    assert bad.code == 2 and "'hgh'" in bad.err and "moderate" in bad.err
    base = run("settings", "set", "general.base_iri", "not an iri", "-r", str(folder))
    assert base.code == 2 and "Traceback" not in base.err


def test_push_carries_the_settings_and_pull_brings_them_home(
    tmp_path: Path, server: Server
) -> None:
    local = tmp_path / "local"
    assert run("init", str(local), "--example").code == 0
    config = local / "register.toml"
    config.write_text(config.read_text().replace('appetite = "moderate"', 'appetite = "high"'))
    pushed = run("push", server.base, "-r", str(local))
    assert pushed.code == 0, pushed.err
    teammate = tmp_path / "teammate"
    assert run("init", str(teammate), "--endpoint", server.base).code == 0
    assert Register.open(teammate).config.risk.appetite == "high"
    home = tmp_path / "home"
    assert run("init", str(home)).code == 0
    pulled = run("pull", server.base, "--replace", "-r", str(home))
    assert pulled.code == 0, pulled.err
    assert load_config(home / "register.toml").risk.appetite == "high"


def test_an_unreachable_server_says_so(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "reg"), "--endpoint", "http://127.0.0.1:9")
    assert done.code == 3 and "cannot reach the SPARQL endpoint" in done.err
    assert not (tmp_path / "reg").exists()


def test_the_push_help_example_finds_the_update_url_the_user_left_out(
    tmp_path: Path, server: Server
) -> None:
    """`riskgraph push QUERY_URL --store-url STORE_URL` (the example of `push --help`): the
    Graph Store URL given is kept and the missing update URL is found, not taken to be the
    query URL (which Oxigraph refuses updates at)."""
    local = tmp_path / "local"
    assert run("init", str(local), "--example").code == 0
    urls = server.settings()
    assert urls.store_url is not None
    pushed = run("push", urls.query_url, "--store-url", urls.store_url, "-r", str(local))
    assert pushed.code == 0, pushed.err
    assert f"found a {server.kind} layout" in pushed.err
    teammate = tmp_path / "teammate"
    joined = run("init", str(teammate), "--endpoint", urls.query_url, "--store-url", urls.store_url)
    assert joined.code == 0, joined.err
    endpoint = load_config(teammate / "register.toml").endpoint
    assert endpoint is not None
    assert endpoint == server.settings(timeout=endpoint.timeout_seconds)
    assert gap_report(teammate, TODAY) == gap_report(local, TODAY)
