"""A process that runs riskgraph commands for the fuzz tests, one JSON request a line.

The fuzz tests talk to it instead of running the CLI in their own process: a native crash (a
segmentation fault in a parser) ends this worker, not the test run, and the test sees exactly
which input did it. Each request runs the real console entry point (``riskgraph.cli.main``, its
error boundary included) in this process, so a request costs what the command costs, not a new
interpreter.

Request:  {"args": [...], "stdin": "..." or null, "register": folder, "template": folder}
Answer:   {"code": exit code, "out": ..., "err": ..., "traceback": text or null,
           "before": digest, "after": digest}

``before`` and ``after`` are SHA-256 digests of the register's quads (sorted N-Quads). When a
command changed the register, the register is put back from ``template`` afterwards so that the
next request starts from the same state.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import traceback
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.register import Register

_LIMIT = 20_000


def digest(folder: str) -> str:
    """SHA-256 of the register's quads as sorted N-Quads lines ('' when it cannot be read)."""
    try:
        with Register.open(Path(folder)).reader() as store:
            lines = sorted(str(quad) for quad in store.quads())
    except Exception as exc:  # a register the command broke is a finding too
        return f"unreadable: {exc}"
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def run(request: dict[str, object]) -> dict[str, object]:
    args = [str(a) for a in request["args"]]  # type: ignore[attr-defined]
    stdin = request.get("stdin")
    folder = str(request["register"])
    before = digest(folder)
    failure = None
    with (
        CliRunner().isolation(input=stdin if isinstance(stdin, str) else None) as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # what the error boundary let through: the finding
            code = -1
            failure = traceback.format_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        printed, errors = out.getvalue(), err.getvalue()
    after = digest(folder)
    if after != before:
        shutil.rmtree(folder)
        shutil.copytree(str(request["template"]), folder, symlinks=True)
    return {
        "code": code,
        "out": printed.decode(errors="replace")[-_LIMIT:],
        "err": errors.decode(errors="replace")[-_LIMIT:],
        "traceback": failure,
        "before": before,
        "after": after,
    }


def serve() -> None:
    # The protocol gets descriptors of its own; 0 and 1 point at nothing, so that no command
    # (nor a process it starts) can read a request or write into an answer.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    for line in requests:
        answer = run(json.loads(line))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
