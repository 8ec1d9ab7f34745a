"""``add/edit --file`` inputs, command-line flags and SPARQL text, fuzzed through the real CLI.

SPARQL texts are built around a real HTTP server on 127.0.0.1: whatever the text, that server
must never receive a request (no spelling of SERVICE gets through the read-only guard)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_support import HOSTILE, Worker, check, fuzz_settings, mutated
from hypothesis import given
from hypothesis import strategies as st

FILE_SEEDS = {
    "risk.json": (
        '{"kind": "risk", "title": "Drift", "likelihood": 3, "severity": 4,\n'
        ' "affects": ["SYS-CREDIT"], "review_due": "2027-01-31"}\n'
    ),
    "items.yaml": (
        "- kind: person\n  id: P-FUZZ\n  title: Fuzz Person\n"
        "- kind: risk\n  title: Drift\n  likelihood: 2\n  severity: 2\n  owner: P-FUZZ\n"
    ),
    "edit.yaml": "title: Renamed\nlikelihood: 2\n",
}


@pytest.mark.parametrize("name", FILE_SEEDS)
@fuzz_settings(8)
@given(data=st.data())
def test_add_and_edit_with_a_mutated_file(
    worker: Worker, register: Path, template: Path, tmp_path: Path, name: str, data: st.DataObject
) -> None:
    text = data.draw(mutated(FILE_SEEDS[name]))
    command = data.draw(
        st.sampled_from([["add"], ["add", "risk"], ["edit", "R-001"], ["add", "person"]])
    )
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    via_stdin = data.draw(st.booleans())
    args = [*command, "--file", "-" if via_stdin else str(path), "-r", str(register)]
    stdin = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if via_stdin else None
    outcome = worker.run(args, register, template, stdin=stdin)
    check(outcome, f"{' '.join(command)} --file {name}:\n{text[:2000]!r}")


VALUES = [
    *HOSTILE[:-1],
    "",
    "0",
    "5",
    "R-001",
    "SYS-CREDIT",
    "risk",
    "risks",
    "ownership",
    "table",
    "json",
    "csv",
    "yaml",
    "title",
    "-title",
    "likelihood=3",
    "level=high",
    "A.6.2.4",
    "2027-02-30",
    "/proc/x",
    "-",
]
COMMANDS = [
    ["stats"],
    ["validate"],
    ["show"],
    ["links"],
    ["list"],
    ["fields"],
    ["gaps"],
    ["verify"],
    ["soa"],
    ["coverage"],
    ["trace"],
    ["impact"],
    ["rank"],
    ["graph"],
    ["export"],
    ["report"],
    ["readiness"],
    ["trust-report"],
    ["due"],
    ["review", "R-001"],
    ["accept-risk", "R-001"],
    ["query", "run"],
    ["query", "list"],
    ["query", "show"],
    ["add"],
    ["edit"],
    ["remove"],
]
FLAGS = [
    "--format",
    "--limit",
    "--where",
    "--sort",
    "--timeout",
    "--kind",
    "--id",
    "--title",
    "--likelihood",
    "--severity",
    "--system",
    "--param",
    "-e",
    "-n",
    "-o",
    "--dry-run",
    "--depth",
    "--top",
    "--as-of",
    "--within",
    "--owner",
    "--by",
    "--outcome",
    "--justification",
    "--expires",
    "--on",
]


@fuzz_settings(30)
@given(
    command=st.sampled_from(COMMANDS),
    words=st.lists(
        st.one_of(st.sampled_from(FLAGS), st.sampled_from(VALUES), st.text(max_size=8)),
        max_size=6,
    ),
    output=st.sampled_from([None, "out.csv", "out.xlsx", "out.html", "out.ttl", "a-folder"]),
)
def test_commands_with_fuzzed_flags(
    worker: Worker,
    register: Path,
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    command: list[str],
    words: list[str],
    output: str | None,
) -> None:
    place = tmp_path_factory.mktemp("out")
    (place / "a-folder").mkdir()
    # Output paths only ever point into a fresh folder of the test's own.
    args = [place / w if w.startswith("out.") else w for w in words]
    if output is not None:
        args += ["-o", str(place / output)]
    argv = [*command, *map(str, args), "-r", str(register)]
    outcome = worker.run(argv, register, template)
    check(outcome, f"riskgraph {argv!r}")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_POST(self) -> None:
        self.hits.append(self.path)
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), type("Handler", (_Recorder,), {"hits": hits})
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/", hits
    server.shutdown()
    server.server_close()


def sparql_pieces(url: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "SELECT",
            "ASK",
            "CONSTRUCT",
            "DESCRIBE",
            "*",
            "WHERE",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            ".",
            ";",
            ",",
            "?s",
            "?p",
            "?o",
            "?x",
            "a",
            "OPTIONAL",
            "UNION",
            "MINUS",
            "FILTER",
            "NOT EXISTS",
            "BIND",
            "AS",
            "VALUES",
            "ORDER BY",
            "LIMIT 5",
            "GRAPH",
            "SERVICE",
            "service",
            "SeRvIcE",
            "SILENT",
            "SERVICE:x",
            "SERVICESILENT:x",
            "SERVICEex:y",
            "\\u0053ERVICE",
            f"<{url}>",
            f"service<{url}>",
            ":x",
            "ex:y",
            f"PREFIX : <{url}>",
            f"PREFIX ex: <{url}>",
            f"PREFIX service: <{url}>",
            "rg:Risk",
            "# comment\n",
            "\n",
            '"SERVICE"',
            "'''x'''",
            "1",
            "1.5e3",
            "true",
            "LOAD",
            "INSERT DATA",
            "DROP ALL",
            "{" * 150,
            "(" * 5000,
        ]
    )


@fuzz_settings(40)
@given(data=st.data())
def test_sparql_text_never_crashes_and_never_calls_out(
    worker: Worker,
    register: Path,
    template: Path,
    listener: tuple[str, list[str]],
    data: st.DataObject,
) -> None:
    url, hits = listener
    pieces = data.draw(st.lists(sparql_pieces(url), min_size=1, max_size=25))
    text = " ".join(pieces)
    outcome = worker.run(
        ["query", "run", "-e", text, "--timeout", "20", "-r", str(register)], register, template
    )
    check(outcome, f"query run -e {text[:3000]!r}")
    assert hits == [], f"the text made a request to {url}: {text!r}"
