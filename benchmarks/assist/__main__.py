"""Measure the assistant's accuracy on gold sets from real data, and print the figures.

    python -m benchmarks.assist                                # every task, offline baseline
    python -m benchmarks.assist --endpoint http://localhost:11434/v1 --model llama3.1
    python -m benchmarks.assist --task identification --limit 10 --json result.json
    python -m benchmarks.assist --register path/to/register   # plus its PROV-O decisions

Without ``--endpoint`` (or ``$OPENAI_BASE_URL``) only the offline paths run. The figures are
printed as Markdown; ``--json`` also writes them as JSON. See benchmarks/ASSIST.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

TASKS: dict[str, str] = {
    "identification": "benchmarks.assist.identification",
    "classification": "benchmarks.assist.classification",
}
"""Task name -> module exposing ``run(*, endpoint, limit, ...) -> dict`` and ``markdown``."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.assist", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--task", choices=[*TASKS, "all"], default="all", help="which task to measure"
    )
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("OPENAI_BASE_URL"),
        help="an OpenAI-compatible base URL for the LLM path (default: $OPENAI_BASE_URL)",
    )
    parser.add_argument("--model", default=None, help="model name for the LLM path")
    parser.add_argument("--limit", type=int, default=None, help="at most this many cases per set")
    parser.add_argument(
        "--register",
        type=Path,
        default=None,
        help="a register to read gold links and decisions from",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.model:
        os.environ["RISKGRAPH_ASSISTANT__MODEL"] = args.model
    chosen = list(TASKS) if args.task == "all" else [args.task]
    results: dict[str, Any] = {}
    out: list[str] = ["# Assistant accuracy", ""]
    for task in chosen:
        module = importlib.import_module(TASKS[task])
        kwargs: dict[str, Any] = {"endpoint": args.endpoint or None, "limit": args.limit}
        if task == "identification":
            kwargs["register"] = args.register
        result = module.run(**kwargs)
        results[task] = result
        out.append(module.markdown(result))
    text = "\n".join(out)
    sys.stdout.write(text)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
