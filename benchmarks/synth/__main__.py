"""Command line: ``python -m benchmarks.synth [--size S|M|L|XL] ...`` writes a register;
``python -m benchmarks.synth risks-csv --rows N ...`` writes a risk spreadsheet."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .profile import SIZES, profile_for
from .register import DEFAULT_AS_OF, DEFAULT_BASE, DEFAULT_SEED, write_register
from .risk_csv import write_risk_csv

RISKS_CSV = "risks-csv"
_BUFFER = 1 << 20


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; expected 0 or more")
    return value


def _common(parser: argparse.ArgumentParser, default_size: str) -> None:
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (%(default)s)")
    parser.add_argument(
        "--size",
        choices=list(SIZES),
        default=default_size,
        help="register size: " + ", ".join(f"{k}={v:,} AI systems" for k, v in SIZES.items()),
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=DEFAULT_AS_OF,
        help="day that dates are spread around, YYYY-MM-DD (%(default)s)",
    )
    parser.add_argument("-o", "--output", default="-", help="output file, '-' for stdout")


def _register_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth",
        description="Write a synthetic AI risk register as N-Triples or N-Quads.",
        epilog=f"'python -m benchmarks.synth {RISKS_CSV} --help' for the risk CSV writer.",
    )
    _common(parser, default_size="S")
    parser.add_argument("--format", choices=["nt", "nq"], default="nt", help="nq: register graph")
    parser.add_argument("--base", default=DEFAULT_BASE, help="base IRI of entities")
    return parser


def _csv_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m benchmarks.synth {RISKS_CSV}",
        description="Write a risk CSV in the risk template layout, linking to the register of "
        "--size (its systems, risk owners and risk sources).",
    )
    parser.add_argument("--rows", type=_non_negative, required=True, help="number of risks")
    _common(parser, default_size="L")
    return parser


@contextmanager
def _open_output(path: str, newline: str) -> Iterator[TextIO]:
    if path == "-":
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8", newline=newline, buffering=_BUFFER) as out:
        yield out


def _write_csv(argv: list[str]) -> str:
    args = _csv_parser().parse_args(argv)
    with _open_output(args.output, newline="") as out:
        write_risk_csv(out, args.rows, profile_for(args.size), seed=args.seed, as_of=args.as_of)
    return f"{args.rows:,} risk rows to {args.output}"


def _write_register(argv: list[str]) -> str:
    args = _register_parser().parse_args(argv)
    with _open_output(args.output, newline="\n") as out:
        count = write_register(
            out,
            profile_for(args.size),
            seed=args.seed,
            fmt=args.format,
            as_of=args.as_of,
            base=args.base,
        )
    return f"{count:,} triples (size {args.size}, seed {args.seed}) to {args.output}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    try:
        done = _write_csv(args[1:]) if args[:1] == [RISKS_CSV] else _write_register(args)
    except OSError as error:
        print(f"cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {done} in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
