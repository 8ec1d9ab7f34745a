"""The CLI on a register kept on a SPARQL server (Oxigraph and Virtuoso): every command answers
exactly as on the same register kept in its folder; init --endpoint; push and pull are lossless."""

from __future__ import annotations

import json
import re
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_run import run
from remote_support import QuietHandler, Server, same_quads

from riskgraph.config import EndpointSettings, load_config
from riskgraph.register import Register, init_register, read_rdf_file
from riskgraph.results import register_hash
from riskgraph.store.remote_transfer import riskgraph_graphs
from riskgraph.vocab import META_GRAPH, REGISTER_GRAPH

TODAY = "2026-11-01"


def _endpoint_flags(settings: EndpointSettings) -> list[str]:
    flags = [settings.query_url, "--update-url", settings.update_url or settings.query_url]
    if settings.store_url:
        flags += ["--store-url", settings.store_url]
    if settings.server_kind:
        flags += ["--server-kind", settings.server_kind]
    return flags


@pytest.fixture
def both(tmp_path: Path, endpoint: EndpointSettings) -> tuple[Path, Path]:
    """The Harbourline example twice: in a folder, and on the endpoint (made with the CLI)."""
    local, remote = tmp_path / "local", tmp_path / "remote"
    assert run("init", str(local), "--example").code == 0
    done = run("init", str(remote), "--example", "--endpoint", *_endpoint_flags(endpoint))
    assert done.code == 0, done.err
    return local, remote


def _same_answer(local: Path, remote: Path, *args: str) -> str:
    """Run a command on both registers; its output must be the same. Returns it."""
    answers = [run(*args, "-r", str(folder)) for folder in (local, remote)]
    for answer in answers:
        assert answer.code in (0, 1), answer.err
    assert answers[0].code == answers[1].code
    assert answers[0].out == answers[1].out, args
    return answers[0].out


def test_init_with_an_endpoint_writes_only_the_config(both: tuple[Path, Path]) -> None:
    _, remote = both
    assert sorted(p.name for p in remote.iterdir()) == ["queries", "register.toml"]
    config = load_config(remote / "register.toml")
    assert config.general.backend == "sparql" and config.endpoint is not None


def test_reading_commands_answer_as_on_the_folder_register(both: tuple[Path, Path]) -> None:
    local, remote = both
    _same_answer(local, remote, "stats")
    risks = json.loads(_same_answer(local, remote, "list", "risks", "--format", "json"))
    assert len(risks) > 40
    _same_answer(local, remote, "list", "controls", "--where", "status=implemented")
    _same_answer(local, remote, "show", "R-001", "--format", "json")
    _same_answer(local, remote, "validate")
    _same_answer(local, remote, "query", "run", "risks-by-system", "--format", "csv")
    _same_answer(local, remote, "gaps", "--today", TODAY, "--format", "csv")
    reports = [
        json.loads(run("gaps", "-r", str(f), "--today", TODAY, "--format", "json").out)
        for f in both
    ]
    for report in reports:
        report.pop("generated_at")
    assert reports[0] == reports[1] and reports[0]["summary"]["gaps"] > 10


def test_writing_commands_act_as_on_the_folder_register(both: tuple[Path, Path]) -> None:
    local, remote = both
    for folder in both:
        added = run(
            "add",
            "risk",
            "--title",
            "Model drift",
            "--likelihood",
            "3",
            "--severity",
            "4",
            "--affects",
            "SYS-CREDIT",
            "-r",
            str(folder),
        )
        assert added.code == 0, added.err
        edited = run(
            "edit", "R-001", "--likelihood", "4", "--add-affects", "SYS-CHATBOT", "-r", str(folder)
        )
        assert edited.code == 0, edited.err
        assert "likelihood: 3 -> 4" in edited.out
        removed = run("remove", "R-047", "--yes", "-r", str(folder))
        assert removed.code == 0, removed.err
        refused = run("remove", "SYS-CREDIT", "--yes", "-r", str(folder))
        assert refused.code == 2 and "still referred to" in refused.err
    _same_answer(local, remote, "show", "R-001", "--format", "json")
    _same_answer(local, remote, "list", "risks", "--format", "csv")
    _same_answer(local, remote, "stats")
    hashes = []
    for folder in both:
        with Register.open(folder).reader() as store:
            hashes.append(register_hash(store))
    assert hashes[0] == hashes[1]


def test_import_and_export_act_as_on_the_folder_register(
    both: tuple[Path, Path], tmp_path: Path
) -> None:
    local, remote = both
    rows = tmp_path / "risks.csv"
    rows.write_text(
        "# riskgraph template: risk v1\n"
        "id,title,likelihood,severity,affects\n"
        "R-900,Imported one,2,3,SYS-CREDIT\n"
        "R-901,Imported two,4,4,SYS-CHATBOT\n",
        encoding="utf-8",
    )
    for folder in both:
        done = run("import", str(rows), "-r", str(folder))
        assert done.code == 0, done.err
    _same_answer(local, remote, "show", "R-901", "--format", "json")
    exported = [tmp_path / "local.ttl", tmp_path / "remote.ttl"]
    for folder, target in zip(both, exported, strict=True):
        assert run("export", "-o", str(target), "-r", str(folder)).code == 0
    assert same_quads(
        read_rdf_file(exported[0], REGISTER_GRAPH), read_rdf_file(exported[1], REGISTER_GRAPH)
    )


def test_endpoint_options_need_an_endpoint(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "reg"), "--store-url", "http://localhost:7878/store")
    assert done.code == 2 and "--store-url only go with --endpoint" in done.err
    assert not (tmp_path / "reg").exists()


def test_an_unreachable_endpoint_leaves_no_folder(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "reg"), "--endpoint", "http://127.0.0.1:9/query")
    assert done.code == 3 and "cannot reach the SPARQL endpoint" in done.err
    assert "Traceback" not in done.err and not (tmp_path / "reg").exists()


def test_the_password_stays_in_the_environment(
    tmp_path: Path, endpoint: EndpointSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reg"
    flags = ["--endpoint", *_endpoint_flags(endpoint), "--auth", "basic", "--username", "ana"]
    missing = run("init", str(folder), *flags)
    assert missing.code == 2 and "RISKGRAPH_ENDPOINT_PASSWORD" in missing.err
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_PASSWORD", "s3cret-pw")
    done = run("init", str(folder), *flags)
    assert done.code == 0, done.err
    assert "s3cret-pw" not in (folder / "register.toml").read_text()
    assert run("stats", "-r", str(folder)).code == 0


# --- push and pull ------------------------------------------------------------------------------


def _graphs(folder: Path) -> dict[str, list]:
    with Register.open(folder).reader() as store:
        return {g: list(store.quads(g)) for g in riskgraph_graphs(store)}


@pytest.mark.parametrize("with_store", [True, False], ids=["graph-store", "sparql-update"])
def test_push_then_pull_is_lossless(
    tmp_path: Path, server: Server, endpoint: EndpointSettings, with_store: bool
) -> None:
    settings = server.settings(with_store=with_store)
    original = tmp_path / "original"
    init_register(original, with_example=True)
    run("edit", "R-001", "--likelihood", "4", "-r", str(original))  # stamps and a revision
    pushed = run("push", *_endpoint_flags(settings), "--verify", "-r", str(original))
    assert pushed.code == 0, pushed.err
    # the success line wraps at the console width, where depends on the URL (its port): unwrap
    said = " ".join(pushed.out.split())
    assert "on both sides" in said and "come with the register" in said, pushed.out
    assert re.search(r"register hash [0-9a-f]{16}… on both sides", said), pushed.out

    again = run("push", *_endpoint_flags(settings), "-r", str(original))
    assert again.code == 2 and "already holds a register" in again.err

    copy = tmp_path / "copy"
    assert (
        run("init", str(copy), "--base-iri", "https://harbourline.example/ai-register/").code == 0
    )
    pulled = run("pull", *_endpoint_flags(settings), "--verify", "-r", str(copy))
    assert pulled.code == 0, pulled.err

    before, after = _graphs(original), _graphs(copy)
    assert before.keys() == after.keys() and META_GRAPH in before
    for graph in before:
        assert same_quads(before[graph], after[graph]), graph
    hashes = []
    for folder in (original, copy):
        with Register.open(folder).reader() as store:
            hashes.append(register_hash(store))
    assert hashes[0] == hashes[1]
    assert _same_answer(original, copy, "list", "risks", "--format", "csv")


def test_pull_refuses_a_register_with_data_unless_replace(
    tmp_path: Path, remote_example: Register, endpoint: EndpointSettings
) -> None:
    mine = tmp_path / "mine"
    init_register(mine)
    assert (
        run(
            "add",
            "system",
            "--title",
            "Mine",
            "-r",
            str(mine),
        ).code
        == 0
    )
    refused = run("pull", *_endpoint_flags(endpoint), "-r", str(mine))
    assert refused.code == 2 and "copy over it with --replace" in refused.err, refused.err
    with Register.open(mine).reader() as store:
        assert store.count(REGISTER_GRAPH) < 20  # untouched
    replaced = run("pull", *_endpoint_flags(endpoint), "--replace", "-r", str(mine))
    assert replaced.code == 0, replaced.err
    # the shared register's settings (the example's base IRI among them) replace this folder's
    assert "general.base_iri: the shared register says" in replaced.err
    assert Register.open(mine).base_iri == "https://harbourline.example/ai-register/"
    with Register.open(mine).reader() as store, remote_example.reader() as remote:
        assert register_hash(store) == register_hash(remote)


def test_push_refuses_the_endpoint_the_register_lives_on(remote_example: Register) -> None:
    assert remote_example.config.endpoint is not None
    done = run("push", remote_example.config.endpoint.query_url, "-r", str(remote_example.folder))
    assert done.code == 2 and "already lives on" in done.err


# --- credentials in endpoint URLs ---------------------------------------------------------------

SECRET = "s3cr3t-PASSWORD"


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://alice:{SECRET}@", 1)


def test_a_password_in_the_endpoint_url_is_refused_without_showing_it(
    tmp_path: Path, endpoint: EndpointSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RISKGRAPH_ENDPOINT_PASSWORD", raising=False)
    done = run("init", str(tmp_path / "team"), "--endpoint", _with_credentials(endpoint.query_url))
    assert done.code == 2, done.err
    assert SECRET not in done.out + done.err
    assert "RISKGRAPH_ENDPOINT_PASSWORD" in done.err and "--username alice" in done.err
    assert not (tmp_path / "team").exists()


def test_credentials_in_the_endpoint_url_are_never_written_or_shown(
    tmp_path: Path, endpoint: EndpointSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_PASSWORD", SECRET)
    folder = tmp_path / "team"
    done = run(
        "init",
        str(folder),
        "--endpoint",
        _with_credentials(endpoint.query_url),
        "--update-url",
        _with_credentials(endpoint.update_url or endpoint.query_url),
        *(["--server-kind", endpoint.server_kind] if endpoint.server_kind else []),
    )
    assert done.code == 0, done.err
    assert SECRET not in done.out + done.err and "alice:" not in done.out + done.err
    written = (folder / "register.toml").read_text(encoding="utf-8")
    assert SECRET not in written and "@" not in written
    settings = load_config(folder / "register.toml").endpoint
    assert settings is not None
    assert (settings.auth, settings.username) == ("basic", "alice")
    assert settings.query_url == endpoint.query_url


class _Refuser(QuietHandler):
    """A server that refuses every request for its credentials, as a real one would."""

    def do_GET(self) -> None:
        self._refuse()

    def do_HEAD(self) -> None:
        self._refuse()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self._refuse()

    def _refuse(self) -> None:
        self.answer(401, f"no entry for {self.headers.get('Authorization')}".encode())


def test_a_refused_push_never_shows_the_credentials_of_its_url(
    example_register_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ENDPOINT_PASSWORD", SECRET)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuser)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://alice:{SECRET}@127.0.0.1:{server.server_address[1]}/query"
        done = run("push", url, "-r", str(example_register_folder))
    finally:
        server.shutdown()
        server.server_close()
    assert done.code == 3, done.err
    assert "401" in done.err and "RISKGRAPH_ENDPOINT_PASSWORD" in done.err
    assert SECRET not in done.out + done.err and "alice:" not in done.out + done.err
