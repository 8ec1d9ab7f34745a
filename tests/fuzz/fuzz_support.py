"""What the fuzz tests share: the size of a run, the worker that runs commands, and checks.

Run size: ``RISKGRAPH_FUZZ=ci`` (the default; a fixed, derandomised sample small enough for CI,
under two minutes in all) or ``RISKGRAPH_FUZZ=nightly`` (random, many times as many examples).
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings

RUN = os.environ.get("RISKGRAPH_FUZZ", "ci")
if RUN not in ("ci", "nightly"):
    raise ValueError(f"RISKGRAPH_FUZZ must be ci or nightly, not {RUN!r}")
NIGHTLY_FACTOR = 40
REQUEST_TIMEOUT = 180.0
"""Seconds one command may take before the worker is taken for hung (a finding)."""
WORKER = Path(__file__).with_name("cli_worker.py")


def fuzz_settings(examples: int) -> settings:
    """``examples`` in CI (derandomised: the same inputs every run); many more at night."""
    nightly = RUN == "nightly"
    return settings(
        max_examples=examples * NIGHTLY_FACTOR if nightly else examples,
        deadline=None,
        derandomize=not nightly,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
        ],
    )


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    traceback: str | None
    changed: bool
    crash: str | None = None


class Worker:
    """The CLI worker process (``cli_worker.py``); restarted after it dies."""

    def __init__(self, cwd: Path) -> None:
        self._cwd = cwd
        self._process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, str(WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                cwd=self._cwd,
                env={k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"},
            )
        return self._process

    def run(
        self, args: list[str], register: Path, template: Path, stdin: str | None = None
    ) -> Outcome:
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        request = {
            "args": args,
            "stdin": stdin,
            "register": str(register),
            "template": str(template),
        }
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            ready = selector.select(REQUEST_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        if not line:
            if not ready:
                process.kill()
            code = process.wait()
            self._process = None
            return Outcome(code, "", "", None, False, crash=f"worker ended with status {code}")
        answer = json.loads(line)
        return Outcome(
            answer["code"],
            answer["out"],
            answer["err"],
            answer["traceback"],
            answer["before"] != answer["after"],
        )

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


def check(outcome: Outcome, what: str) -> None:
    """The rules every fuzz input must keep, whatever it is."""
    context = f"{what}\n--- stderr ---\n{outcome.err[-3000:]}"
    assert outcome.crash is None, f"native crash or hang: {outcome.crash}\n{context}"
    assert outcome.traceback is None, f"traceback:\n{outcome.traceback}\n{context}"
    assert "Traceback (most recent call last)" not in outcome.err + outcome.out, context
    assert "Exception ignored" not in outcome.err, context
    assert outcome.code in (0, 1, 2), f"exit status {outcome.code}\n{context}"
    if outcome.code != 0:
        assert not outcome.changed, (
            f"rejected (exit {outcome.code}) but the register changed\n{context}"
        )
        assert outcome.err.strip(), f"rejected (exit {outcome.code}) without a message\n{context}"


# --- inputs --------------------------------------------------------------------------------

from hypothesis import strategies as st  # noqa: E402

HOSTILE = [
    "\x00",
    "\x01",
    "\x1b[31m",
    "\ud800",
    "\ufffe",
    "=cmd|' /C calc'!A0",
    "[bold]x[/]",
    "'; DROP ALL; #",
    "} } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } {",
    "9" * 5000,
    "1e308",
    "-1",
    "nan",
    "😀",
    "\u202e",
    "x" * 40_000,
]
"""Values that broke parsers, exports or displays before, or could."""
STRUCTURE = ",;\"'\n\r\t:{}[]()<>@#._-=&|*!?%\\ 0123456789aZé"


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    """The seed with a few edits: characters in, out or swapped, a hostile value, a line
    doubled, a cut, or part of it wrapped in brackets hundreds or thousands deep."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        edit = draw(
            st.sampled_from(["insert", "delete", "replace", "hostile", "cut", "double", "nest"])
        )
        if edit == "insert":
            text = (
                text[:position] + draw(st.text(STRUCTURE, min_size=1, max_size=4)) + text[position:]
            )
        elif edit == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 8)) :]
        elif edit == "replace":
            text = (
                text[:position]
                + draw(st.text(STRUCTURE, min_size=1, max_size=3))
                + text[position + 1 :]
            )
        elif edit == "hostile":
            text = text[:position] + draw(st.sampled_from(HOSTILE)) + text[position:]
        elif edit == "cut":
            text = text[:position]
        elif edit == "double":
            lines = text.splitlines(keepends=True)
            if lines:
                line = draw(st.integers(0, len(lines) - 1))
                lines.insert(line, lines[line])
            text = "".join(lines)
        else:
            depth = draw(st.sampled_from([150, 250, 3000, 6000]))
            opening, inner, closing = draw(
                st.sampled_from(
                    [
                        ("[", "", "]"),
                        ("(", "", ")"),
                        ('{"http://e.example/p": ', '"x"', "}"),  # nested JSON(-LD) objects
                    ]
                )
            )
            text = text[:position] + opening * depth + inner + closing * depth + text[position:]
    return text
