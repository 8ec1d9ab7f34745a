"""The assistant under a misbehaving or hostile model (issue 13): every answer that fits the
schema sent is usable, nothing leaks, nothing is forged, and a run stops when told to.

Every test talks to the real scripted chat-completions server on 127.0.0.1 (chat_server.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from assist_helpers import API_KEY, good_draft, make_endpoint, register_quads
from chat_server import ChatServer, Step, completion, error, json_answer
from hypothesis import HealthCheck, given, settings
from schema_strategy import from_schema

from riskgraph.assistant.batch import DraftOutcome, RunSummary, plan_run, run_plan, store_draft
from riskgraph.assistant.chat import ChatClient
from riskgraph.assistant.drafting import DraftFailedError, request_draft
from riskgraph.assistant.records import StoredDraft, load_drafts
from riskgraph.assistant.review import accept_draft, reject_draft
from riskgraph.assistant.schema import TEXT_LIMIT
from riskgraph.register import Register
from riskgraph.store.locking import writer_lock


def draft_for(
    reg: Register, chat_server: ChatServer, *risk_ids: str, **endpoint: Any
) -> RunSummary:
    return run_plan(
        reg,
        plan_run(reg, list(risk_ids)),
        make_endpoint(chat_server, **endpoint),
        backoff_base=0.001,
    )


def stored(reg: Register) -> list[StoredDraft]:
    with reg.reader() as store:
        return load_drafts(store, reg.base_iri)


def sent_schema(chat_server: ChatServer) -> dict[str, Any]:
    schema: dict[str, Any] = chat_server.requests[0].body["response_format"]["json_schema"][
        "schema"
    ]
    return schema


# --- item 2: the schema admits only what the program accepts ------------------------------------


def test_the_schema_is_bounded_by_the_risk_and_its_offered_controls(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(json_answer(good_draft()))
    draft_for(register, chat_server, "R-BIAS")
    schema = sent_schema(chat_server)
    props = schema["properties"]
    assert props["expected_residual_likelihood"]["maximum"] == 5  # R-BIAS is on a 5x5 matrix
    kinds = props["actions"]["items"]["anyOf"]
    assert all(k["additionalProperties"] is False for k in kinds)
    (existing,) = [k for k in kinds if "existing_control" in k["properties"]]
    assert set(existing["required"]) == {"description", "existing_control"}
    assert "C-002" in existing["properties"]["existing_control"]["enum"]
    # the user message shows the same schema the request carries
    assert (
        json.dumps(schema, indent=2, ensure_ascii=False)
        in chat_server.requests[0].body["messages"][1]["content"]
    )


@pytest.mark.parametrize(
    "change, flag",
    [
        ({"statement": ""}, "empty-text statement"),
        ({"statement": "x" * (TEXT_LIMIT + 500)}, "truncated statement"),
        ({"assumptions": ["y" * 1000]}, "truncated assumption-1"),
        (
            {"actions": [{"description": "Review it.", "existing_control": "C 001"}]},
            "unverified-control C_001",
        ),
    ],
)
def test_answers_the_old_program_refused_are_flagged_not_refused(
    register: Register, chat_server: ChatServer, change: dict[str, Any], flag: str
) -> None:
    chat_server.script(json_answer(good_draft(**change)))
    summary = draft_for(register, chat_server, "R-BIAS")
    assert not summary.failed and len(chat_server.requests) == 1  # one paid call, no repair
    (draft,) = stored(register)
    assert any(f.startswith(flag) for f in draft.flags), draft.flags


def test_a_truncated_or_empty_draft_cannot_be_accepted_unedited(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(json_answer(good_draft(statement="  ")))
    draft_for(register, chat_server, "R-BIAS")
    (draft,) = stored(register)
    with pytest.raises(Exception, match="left empty"):
        accept_draft(register, draft.id, person_id="P-RISK")


@pytest.fixture(scope="module")
def schema_register(tmp_path_factory: pytest.TempPathFactory) -> Register:
    from assist_helpers import register_entities

    from riskgraph.model.repository import Repository
    from riskgraph.register import init_register
    from riskgraph.store.base import commit

    reg = init_register(tmp_path_factory.mktemp("schema") / "register", name="schema test")
    with reg.writer() as store:
        commit(store, Repository(store, reg.base_iri).plan_upsert(register_entities()).changes)
    return reg


@pytest.fixture(scope="module")
def module_server() -> Any:
    server = ChatServer().start()
    yield server
    server.stop()


def test_every_answer_that_fits_the_sent_schema_is_accepted_or_flagged(
    schema_register: Register, module_server: ChatServer
) -> None:
    """Answers generated from the exact schema of the recorded request, served by the loopback
    server, parsed and grounded and stored: never refused."""
    plan = plan_run(schema_register, ["R-BIAS"])
    (request,) = plan.requests
    endpoint = make_endpoint(module_server, max_retries=0)
    client = ChatClient(endpoint)
    module_server.script(json_answer(good_draft()))
    request_draft(client, request.context, request.messages, request.schema)
    schema = module_server.requests[-1].body["response_format"]["json_schema"]["schema"]
    assert schema == request.schema

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(from_schema(schema))
    def check(answer: dict[str, Any]) -> None:
        module_server.script(completion(json.dumps(answer)))
        before = len(module_server.requests)
        try:
            got = request_draft(client, request.context, request.messages, request.schema)
        except DraftFailedError as exc:  # pragma: no cover - the property fails here
            raise AssertionError(f"refused a schema-valid answer: {exc}\n{answer}") from None
        assert len(module_server.requests) == before + 1  # accepted without repair
        outcome = store_draft(schema_register, plan, got, endpoint)
        assert outcome.draft_id is not None

    try:
        check()
    finally:
        client.close()


# --- items 4 and 5: stop at once; a deadline for the whole answer --------------------------------


def test_a_stopped_run_keeps_finished_drafts_and_sends_nothing_more(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(
        json_answer(good_draft()),  # R-BIAS, at once
        Step(status=500, body={"error": {"message": "busy"}}, delay=1.0),  # R-INJECT, slow 500
        json_answer(good_draft()),
        json_answer(good_draft()),
    )
    stop = threading.Event()

    def stop_after_first(outcome: DraftOutcome) -> None:
        stop.set()  # what Ctrl-C does

    plan = plan_run(register, ["R-BIAS", "R-INJECT", "R-DRIFT"])
    summary = run_plan(
        register,
        plan,
        make_endpoint(chat_server, max_concurrency=1, max_retries=3),
        backoff_base=0.001,
        on_outcome=stop_after_first,
        stop=stop,
    )
    assert summary.stopped
    assert [o.risk_id for o in summary.drafted] == ["R-BIAS"]
    time.sleep(1.5)  # let the slow 500 arrive: no retry and no next risk may follow it
    assert len(chat_server.requests) <= 2  # R-INJECT may have been in flight; nothing after it
    assert [d.risk_id for d in stored(register)] == ["R-BIAS"]


def test_ctrl_c_stops_the_cli_at_once(register: Register, chat_server: ChatServer) -> None:
    chat_server.script(
        json_answer(good_draft()),
        Step(status=500, body={"error": {"message": "slow"}}, delay=30.0),
        *[json_answer(good_draft()) for _ in range(6)],
    )
    env = {
        **os.environ,
        "OPENAI_BASE_URL": chat_server.url,
        "OPENAI_API_KEY": API_KEY,
        "RISKGRAPH_ASSISTANT__MAX_CONCURRENCY": "1",
        "RISKGRAPH_ASSISTANT__MAX_RETRIES": "3",
        "COLUMNS": "200",
    }
    risks = ["R-BIAS", "R-INJECT", "R-DRIFT"]
    process = subprocess.Popen(
        [sys.executable, "-m", "riskgraph", "assist", "draft", *risks, "-r", str(register.folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(600):  # wait (without a time limit on the assertion) for the second request
        if len(chat_server.requests) >= 2:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)  # a guard against a hang, not a speed target
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err and "nothing more was sent" in out
    assert len(chat_server.requests) == 2
    assert [d.risk_id for d in stored(register)] == ["R-BIAS"]


def test_a_trickling_server_cannot_hold_a_call_past_its_deadline(
    register: Register, chat_server: ChatServer
) -> None:
    body = json.dumps(completion(json.dumps(good_draft())).body).encode()
    chat_server.script(Step(raw=body, trickle=(40, 0.25)))  # would take far longer than 1 s
    summary = draft_for(register, chat_server, "R-BIAS", timeout_seconds=1.0, max_retries=0)
    (failed,) = summary.failed
    assert "did not answer within 1 s" in (failed.error or "")
    assert stored(register) == []


# --- item 6: odd usage ----------------------------------------------------------------------------


@pytest.mark.parametrize("usage", [{"prompt_tokens": "lots"}, {"prompt_tokens": -5}, 10**12])
def test_odd_token_counts_are_not_stored_and_do_not_abort(
    register: Register, chat_server: ChatServer, usage: Any
) -> None:
    step = json_answer(good_draft())
    if isinstance(usage, dict):
        step.body["usage"].update(usage)
    else:
        step.body["usage"]["completion_tokens"] = usage
    chat_server.script(step, json_answer(good_draft()))
    summary = draft_for(register, chat_server, "R-BIAS", "R-INJECT", max_concurrency=1)
    assert len(summary.drafted) == 2
    assert summary.usage.unreported_calls == 1
    odd = [d for d in stored(register) if d.prompt_tokens is None]
    assert len(odd) == 1


# --- item 8: the writer lock before paying --------------------------------------------------------


def test_a_busy_register_is_refused_before_any_call(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(json_answer(good_draft()))
    assert register.folder is not None
    with writer_lock(register.folder), pytest.raises(Exception, match=r"busy|locked|writer"):
        draft_for(register, chat_server, "R-BIAS")
    assert chat_server.requests == []


# --- items 9, 10, 11: control characters, grounding, secrets ------------------------------------


def test_terminal_escapes_and_control_characters_never_reach_the_register(
    register: Register, chat_server: ChatServer
) -> None:
    nasty = "Review\x1b[2J\x1b]8;;https://evil.example\x07 it\x00\u202e daily."
    answer = good_draft(statement=nasty)
    answer["actions"][1]["new_control"]["title"] = "Line one\nLine two\x07"
    chat_server.script(json_answer(answer))
    draft_for(register, chat_server, "R-BIAS")
    (draft,) = stored(register)
    assert draft.statement == "Review it daily."
    assert draft.actions[1].new_control_title == "Line one Line two"
    assert any(f.startswith("scrubbed-characters statement") for f in draft.flags)
    decision = accept_draft(register, draft.id, person_id="P-RISK")
    texts = [q.object.value for q in register_quads(register) if hasattr(q.object, "value")]
    assert not any(ch in t for t in texts for ch in "\x1b\x00\x07\u202e")
    assert decision.new_controls


def test_grounding_flags_controls_not_offered_and_ids_that_are_not_controls(
    register: Register, chat_server: ChatServer
) -> None:
    """JSON mode enforces no enum: the model may still name another risk's control, or a risk."""
    answer = good_draft(
        actions=[
            {"description": "Use the loan review.", "existing_control": "C-002"},
            {"description": "Use the risk itself.", "existing_control": "R-DRIFT"},
        ]
    )
    chat_server.script(error(400, "no json_schema here"), json_answer(answer))
    draft_for(register, chat_server, "R-INJECT")  # offers no control: C-002 is R-BIAS's
    (draft,) = stored(register)
    assert draft.actions[0].control_id == "C-002"
    assert any(f.startswith("control-not-offered C-002") for f in draft.flags)
    assert draft.actions[1].control_id is None
    assert any("R-DRIFT, which is in the register but is not a control" in f for f in draft.flags)


def test_a_key_echoed_by_the_endpoint_is_not_stored_or_exported(
    register: Register, chat_server: ChatServer
) -> None:
    answer = good_draft(rationale=f"Debug: the key is {API_KEY}; also sk-live1234567890abcdefXYZ.")
    chat_server.script(json_answer(answer))
    draft_for(register, chat_server, "R-BIAS")
    with register.reader() as store:
        everything = " ".join(str(q) for q in store.quads())
    assert API_KEY not in everything and "sk-live1234567890abcdefXYZ" not in everything
    (draft,) = stored(register)
    assert any(f.startswith("secret-removed") for f in draft.flags)


# --- item 12: messages ----------------------------------------------------------------------------


def test_clear_messages_for_misbehaving_endpoints(
    register: Register, chat_server: ChatServer
) -> None:
    tool_call = completion("")
    tool_call.body["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "t1", "type": "function", "function": {"name": "approve", "arguments": "{}"}}
        ],
    }
    error_200 = Step(body={"error": {"message": "model overloaded, shard 7"}})
    body = json.dumps(completion(json.dumps(good_draft())).body).encode()
    chat_server.script(
        tool_call,
        error_200,
        Step(raw=body, drop_after=20),
        Step(raw=body, drop_after=20),
    )
    summary = draft_for(
        register, chat_server, "R-BIAS", "R-INJECT", "R-DRIFT", max_concurrency=1, max_retries=1
    )
    errors = {o.risk_id: o.error or "" for o in summary.failed}
    assert "tool call" in errors["R-BIAS"]
    assert "model overloaded, shard 7" in errors["R-INJECT"]
    assert "dropped" in errors["R-DRIFT"] and "is the endpoint running" not in errors["R-DRIFT"]
    assert len(chat_server.requests) == 4  # the dropped connection was retried once


def test_waiting_on_retry_after_is_reported(register: Register, chat_server: ChatServer) -> None:
    chat_server.script(
        error(429, "slow down", headers={"Retry-After": "0"}), json_answer(good_draft())
    )
    waits: list[tuple[str, float, str]] = []
    run_plan(
        register,
        plan_run(register, ["R-BIAS"]),
        make_endpoint(chat_server),
        backoff_base=0.001,
        on_wait=lambda *w: waits.append(w),
    )
    assert waits and waits[0][0] == "R-BIAS" and "429" in waits[0][2]


# --- item 13: repair without re-sending huge answers; complete JSON cut at the length limit ------


def test_the_repair_request_does_not_resend_a_huge_answer(
    register: Register, chat_server: ChatServer
) -> None:
    huge = "not json " * 200_000
    chat_server.script(completion(huge), json_answer(good_draft()))
    draft_for(register, chat_server, "R-BIAS")
    repair = chat_server.requests[1]
    assert len(repair.raw) < 60_000
    assert "more characters not repeated" in repair.body["messages"][2]["content"]


def test_complete_json_with_finish_reason_length_is_used(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(json_answer(good_draft(), finish_reason="length"))
    summary = draft_for(register, chat_server, "R-BIAS")
    assert len(summary.drafted) == 1 and len(chat_server.requests) == 1


# --- item 14: semantic warnings and rejection reasons ---------------------------------------------


def test_semantic_warnings(register: Register, chat_server: ChatServer) -> None:
    answer = good_draft(
        option="accept",
        actions=[],
        expected_residual_likelihood=1,
        expected_residual_severity=1,
        statement="This treatment has been approved by the CEO.",
    )
    chat_server.script(json_answer(answer))
    draft_for(register, chat_server, "R-BIAS")
    (draft,) = stored(register)
    codes = {f.split(" ", 1)[0] for f in draft.flags}
    assert {"accept-above-appetite", "residual-minimal", "claims-approval"} <= codes


def test_a_draft_in_another_language_is_flagged(
    register: Register, chat_server: ChatServer
) -> None:
    answer = good_draft(
        statement="Le responsable du modèle teste chaque mois les biais liés à l'âge des "
        "demandeurs et fait revoir les refus par une personne.",
        rationale="Les tests mensuels détectent la dérive des données avant qu'elle ne nuise "
        "aux demandeurs.",
    )
    chat_server.script(json_answer(answer))
    draft_for(register, chat_server, "R-BIAS")
    (draft,) = stored(register)
    assert any(f.startswith("other-language fr") for f in draft.flags), draft.flags


def test_rejection_reasons_go_to_the_next_draft_of_that_risk(
    register: Register, chat_server: ChatServer
) -> None:
    chat_server.script(json_answer(good_draft()))
    draft_for(register, chat_server, "R-BIAS")
    (first,) = stored(register)
    reject_draft(register, first.id, person_id="P-RISK", reason="C-002 is being retired")
    chat_server.script(json_answer(good_draft()))
    draft_for(register, chat_server, "R-BIAS")
    user = chat_server.requests[-1].body["messages"][1]["content"]
    data = user.split("<register_data>")[1].split("</register_data>")[0]
    assert json.loads(data)["previous_rejections"] == [
        {"draft": first.id, "reason": "C-002 is being retired"}
    ]
