"""The whole gap report (``riskgraph.analysis.gaps.run_gaps``: every rule, every row, and the
register hash) on one size, on the embedded store or on an Oxigraph server.

    python -m benchmarks.bench_gap_report --backend embedded --size L --repeat 3
    python -m benchmarks.bench_gap_report --backend remote --size L --query-url URL ...

One warm-up run, then ``--repeat`` timed runs (with ``--repeat 0`` the warm-up is timed).
Prints JSON: the times, the number of gaps, the register hash, the time one read of the register
hash takes on its own (the value ``commit`` keeps, so no scan of the store), peak memory of this
process;
with ``--timeout``, a run that takes longer stops the process and is reported as stopped.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from benchmarks.bench_common import emit, timed, watchdog
from benchmarks.bench_data import DEFAULT_WORK, TODAY, register_folder, remote_register
from riskgraph.analysis.gaps import GapReport, run_gaps
from riskgraph.config import EndpointSettings
from riskgraph.register import Register
from riskgraph.results import register_hash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["embedded", "remote"], required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--query-url")
    parser.add_argument("--update-url")
    parser.add_argument("--store-url")
    parser.add_argument("--server-kind", help="as discovery records it, e.g. oxigraph")
    parser.add_argument("--timeout", type=float, help="stop a run that takes longer (seconds)")
    args = parser.parse_args()

    if args.backend == "embedded":
        register = Register.open(register_folder(args.size, args.work))
    else:
        settings = EndpointSettings(
            query_url=args.query_url,
            update_url=args.update_url,
            store_url=args.store_url,
            timeout_seconds=600,
            server_kind=args.server_kind or None,
        )
        register = remote_register(settings, args.size)
    if args.timeout:  # the rules' own time limit must not stop them first
        register.config.queries.timeout_seconds = args.timeout * 2
    reports: list[GapReport] = []
    times: list[float] = []

    def once() -> None:
        with register.reader() as store:
            reports.append(run_gaps(register, store, today=TODAY))

    def stopped() -> dict[str, Any]:
        return {"backend": args.backend, "size": args.size, "times": times, "timeout": args.timeout}

    with watchdog(args.timeout, stopped):
        warm_up = timed(once, 1)
    if args.repeat == 0:
        times.extend(warm_up)
    for _ in range(args.repeat):
        with watchdog(args.timeout, stopped):
            times.extend(timed(once, 1))
    with register.reader() as store:
        hash_s = timed(lambda: register_hash(store), 1)[0]
    result: dict[str, Any] = {
        "hash_s": hash_s,
        "backend": args.backend,
        "size": args.size,
        "times": times,
        "gaps": reports[-1].total,
        "register_sha256": reports[-1].register_sha256,
    }
    emit(result)


if __name__ == "__main__":
    main()
