"""The 'assist' commands through the real CLI, against the scripted chat-completions server."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from assist_helpers import API_KEY, good_draft
from chat_server import ChatServer, error, json_answer
from typer.testing import CliRunner

from riskgraph.assistant.records import load_drafts
from riskgraph.cli import app
from riskgraph.errors import InputError, UserError
from riskgraph.model.entities import DraftStatus, Treatment
from riskgraph.model.repository import Repository
from riskgraph.register import Register

runner = CliRunner()


@pytest.fixture
def endpoint_env(chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> ChatServer:
    monkeypatch.setenv("OPENAI_BASE_URL", chat_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("COLUMNS", "220")  # keep rich tables from wrapping flags apart
    return chat_server


def assist(reg: Register, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["assist", *args, "--register", str(reg.folder)])


def riskgraph(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args], capture_output=True, text=True, env=env
    )


def clean_env(**extra: str) -> dict[str, str]:
    drop = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "RISKGRAPH_REGISTER")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return {**env, "COLUMNS": "220", **extra}


def test_without_an_endpoint_drafting_explains_and_exits_2(register: Register) -> None:
    done = riskgraph("assist", "draft", "R-BIAS", "-r", str(register.folder), env=clean_env())
    assert done.returncode == 2
    assert "OPENAI_API_KEY" in done.stderr and "OPENAI_BASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert assist(register, "status").exit_code == 2
    listed = assist(register, "review")
    assert listed.exit_code == 0 and "no pending drafts" in listed.stdout


def _dry_run_requests(stdout: str) -> dict[str, tuple[str, dict[str, str], str]]:
    """risk ID -> (request line, headers, body) as --dry-run printed them."""
    found = {}
    for block in stdout.split("=== ")[1:]:
        block = block.rsplit("\ndry run:", 1)[0]
        head, body = block.split("\n\n", 1)
        first, *header_lines = head.split("\n")
        risk_id, line = first.split(": ", 1)
        headers = dict(h.split(": ", 1) for h in header_lines)
        found[risk_id] = (line, {k.lower(): v for k, v in headers.items()}, body.rstrip("\n"))
    return found


def test_dry_run_prints_every_request_and_sends_nothing(
    register: Register, endpoint_env: ChatServer
) -> None:
    result = assist(register, "draft", "R-BIAS", "R-INJECT", "--dry-run")
    assert result.exit_code == 0, result.stdout
    assert endpoint_env.requests == []
    shown = _dry_run_requests(result.stdout)
    assert list(shown) == ["R-BIAS", "R-INJECT"]
    line, headers, body = shown["R-BIAS"]
    assert line == f"POST {endpoint_env.url}/chat/completions"
    assert headers["authorization"] == "Bearer ***" and API_KEY not in result.stdout
    first = json.loads(body)
    assert first["model"] == "gpt-4o-mini"
    assert first["response_format"]["json_schema"]["name"] == "treatment_draft"
    assert "Biased credit decisions" in first["messages"][1]["content"]


def test_dry_run_is_byte_identical_to_what_is_sent(
    register: Register, endpoint_env: ChatServer
) -> None:
    """The body --dry-run prints is the exact bytes the endpoint then receives, and so are the
    headers (the key masked; the retry headers may differ on a retry)."""
    shown = _dry_run_requests(assist(register, "draft", "R-BIAS", "--dry-run").stdout)
    endpoint_env.script(json_answer(good_draft()))
    assert assist(register, "draft", "R-BIAS").exit_code == 0
    (sent,) = endpoint_env.requests
    _line, headers, body = shown["R-BIAS"]
    assert sent.raw == body.encode("utf-8")
    for name, value in headers.items():
        if name == "authorization":
            assert sent.headers[name] == f"Bearer {API_KEY}"
        elif not name.startswith("x-stainless-retry") and name != "x-stainless-read-timeout":
            assert sent.headers.get(name) == value, name
    with register.reader() as store:
        (draft,) = load_drafts(store, register.base_iri)
    assert draft.request_hash == hashlib.sha256(sent.raw).hexdigest()
    assert draft.requested_model == "gpt-4o-mini" and draft.temperature is not None


def test_dry_run_works_before_any_endpoint_is_configured(register: Register) -> None:
    result = assist(register, "draft", "R-BIAS", "--dry-run")
    assert result.exit_code == 0
    assert "(no endpoint configured)" in result.stdout and "nothing sent" in result.stdout


def test_untreated_picks_risks_above_a_level(register: Register) -> None:
    default = assist(register, "draft", "--untreated", "--dry-run").stdout
    assert "=== R-INJECT" in default and "=== R-BIAS" in default  # above 'moderate'
    assert "=== R-LOW" not in default and "=== R-DRIFT" not in default  # low; treated
    everything = assist(
        register, "draft", "--untreated", "--min-level", "extremely-low", "--dry-run"
    ).stdout
    assert "=== R-LOW" in everything and "=== R-DRIFT" not in everything
    bad = assist(register, "draft", "--untreated", "--min-level", "huge")
    assert bad.exit_code == 2 and "not a level" in bad.output


def test_draft_review_and_show_list_flags(register: Register, endpoint_env: ChatServer) -> None:
    invented = good_draft(
        actions=[
            {
                "description": "Ask the ethics board.",
                "existing_control": "C-999",
                "new_control": None,
            }
        ]
    )
    endpoint_env.script(json_answer(invented))
    drafted = assist(register, "draft", "R-BIAS")
    assert drafted.exit_code == 0, drafted.stdout
    assert "D-R-BIAS-1" in drafted.stdout and "1 flag" in drafted.stdout
    assert "prompt tokens" in drafted.stdout and "100" in drafted.stdout

    listed = assist(register, "review")
    assert "D-R-BIAS-1" in listed.stdout and "unverified-control C-999" in listed.stdout
    shown = assist(register, "show", "D-R-BIAS-1")
    assert "unverified-control C-999" in shown.stdout and "treatment-draft/v2" in shown.stdout


def test_a_failed_risk_makes_the_run_exit_1(register: Register, endpoint_env: ChatServer) -> None:
    endpoint_env.script(json_answer({"option": "?"}), json_answer({"option": "?"}))
    result = assist(register, "draft", "R-BIAS")
    assert result.exit_code == 1
    assert "R-BIAS" in result.stdout and "even after one repair" in result.stdout


def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """$EDITOR = a script that rewrites the file it is given with ``edit`` (Python)."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, yaml\n"
        "path = sys.argv[1]\n"
        "data = yaml.safe_load(open(path))\n"
        f"{edit}\n"
        "open(path, 'w').write('' if data is None else yaml.safe_dump(data))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # edited files stay in the test


def _pending_draft(register: Register, server: ChatServer) -> None:
    invented = good_draft()
    invented["actions"][0]["existing_control"] = "C-999"
    server.script(json_answer(invented))
    assert assist(register, "draft", "R-BIAS").exit_code == 0


def test_accept_with_edit_then_the_treatment_is_in_the_register(
    register: Register, endpoint_env: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pending_draft(register, endpoint_env)
    refused = assist(register, "accept", "D-R-BIAS-1", "--by", "P-RISK")
    assert isinstance(refused.exception, UserError) and "--edit" in str(refused.exception)

    _editor(
        tmp_path,
        monkeypatch,
        "a = data['actions'][0]; a.pop('unverified_control'); a['control'] = 'C-001'\n"
        "data['statement'] = 'Edited by the risk manager.'",
    )
    accepted = assist(register, "accept", "D-R-BIAS-1", "--by", "P-RISK", "--edit")
    assert accepted.exit_code == 0, accepted.output
    assert "treatment T-002 approved by P-RISK" in accepted.stdout
    assert "C-003" in accepted.stdout  # the proposed new control, created as planned

    with register.reader() as store:
        treatment = Repository(store, register.base_iri).get("T-002")
    assert isinstance(treatment, Treatment)
    assert treatment.statement == "Edited by the risk manager."
    assert treatment.uses_controls == ["C-001", "C-003"] and treatment.approved_by == "P-RISK"
    again = assist(register, "review", "--status", "accepted")
    assert "D-R-BIAS-1" in again.stdout


def test_a_bad_edit_keeps_the_file_and_changes_nothing(
    register: Register, endpoint_env: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pending_draft(register, endpoint_env)
    _editor(
        tmp_path,
        monkeypatch,
        "a = data['actions'][0]; a.pop('unverified_control'); a['control'] = 'C-404'",
    )
    failed = assist(register, "accept", "D-R-BIAS-1", "--by", "P-RISK", "--edit")
    assert isinstance(failed.exception, UserError)
    message = str(failed.exception)
    assert "C-404" in message and "actions[0].control" in message and "--from" in message
    kept = Path(message.split("your edit is kept in ")[1].split(":")[0])
    assert kept.exists()

    kept.write_text(kept.read_text().replace("C-404", "C-002"))
    fixed = assist(register, "accept", "D-R-BIAS-1", "--by", "P-RISK", "--from", str(kept))
    assert fixed.exit_code == 0, fixed.output


def test_saving_an_empty_file_cancels(
    register: Register, endpoint_env: ChatServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pending_draft(register, endpoint_env)
    _editor(tmp_path, monkeypatch, "data = None")
    result = assist(register, "accept", "D-R-BIAS-1", "--by", "P-RISK", "--edit")
    assert result.exit_code == 0 and "cancelled" in result.stdout
    assert not list(tmp_path.glob("D-R-BIAS-1-*.yaml")), "the cancelled file is cleaned up"
    with register.reader() as store:
        from riskgraph.assistant.records import load_draft

        assert load_draft(store, register.base_iri, "D-R-BIAS-1").status is DraftStatus.PENDING


def test_reject_needs_a_person(register: Register, endpoint_env: ChatServer) -> None:
    _pending_draft(register, endpoint_env)
    wrong = assist(register, "reject", "D-R-BIAS-1", "--by", "SYS-CHAT", "--reason", "no")
    assert isinstance(wrong.exception, InputError) and "--by" in str(wrong.exception)
    done = assist(register, "reject", "D-R-BIAS-1", "--by", "P-CEO", "--reason", "duplicate")
    assert done.exit_code == 0 and "rejected D-R-BIAS-1" in done.stdout


def test_unknown_redaction_fields_are_refused(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_ASSISTANT__REDACT_FIELDS", '["descripton"]')
    result = assist(register, "draft", "R-BIAS", "--dry-run")
    assert isinstance(result.exception, InputError)
    assert "descripton" in str(result.exception) and "redact_fields" in str(result.exception)


def test_the_api_key_never_appears_in_output_files_or_exports(
    register: Register, chat_server: ChatServer, tmp_path: Path
) -> None:
    marker = "sk-MARKER-7f3c1e9a-never-store-me"
    chat_server.script(
        json_answer(good_draft()),
        json_answer(good_draft(option="avoid", actions=[])),
        *[error(500, f"upstream rejected key {marker}")] * 2,
    )
    env = clean_env(
        OPENAI_API_KEY=marker,
        OPENAI_BASE_URL=chat_server.url,
        RISKGRAPH_ASSISTANT__MAX_CONCURRENCY="1",
        RISKGRAPH_ASSISTANT__MAX_RETRIES="0",
    )
    folder = str(register.folder)
    runs = [
        riskgraph("assist", "status", "-r", folder, env=env),
        riskgraph("assist", "draft", "R-BIAS", "R-INJECT", "R-LOW", "-r", folder, env=env),
        riskgraph("assist", "review", "--status", "all", "-r", folder, env=env),
        riskgraph("assist", "show", "D-R-BIAS-1", "-r", folder, env=env),
        riskgraph("assist", "accept", "D-R-BIAS-1", "--by", "P-RISK", "-r", folder, env=env),
        riskgraph(
            "assist",
            "reject",
            "D-R-INJECT-1",
            "--by",
            "P-CEO",
            "--reason",
            "no",
            "-r",
            folder,
            env=env,
        ),
        riskgraph("assist", "draft", "R-BIAS", "--dry-run", "-r", folder, env=env),
    ]
    codes = [r.returncode for r in runs]
    assert codes == [0, 1, 0, 0, 0, 0, 0], [r.stderr for r in runs]
    assert "API key: set" in runs[0].stdout
    assert "***" in runs[1].stdout  # the endpoint's echo of the key was scrubbed
    assert {r.headers["authorization"] for r in chat_server.requests} == {f"Bearer {marker}"}

    export = tmp_path / "export.nq"
    with register.reader() as store:
        ox.serialize(store.quads(), output=str(export), format=ox.RdfFormat.N_QUADS)
    assert "D-R-BIAS-1" in export.read_text() and "T-002" in export.read_text()

    for run in runs:
        assert marker not in run.stdout and marker not in run.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert marker.encode() not in path.read_bytes(), f"the key leaked into {path}"
