"""Write a whole synthetic register, streamed in a fixed order: library, systems, audits."""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from riskgraph.vocab import REGISTER_GRAPH

from .assurance import write_findings, write_statement_of_applicability
from .catalogue import load_catalogue
from .context import Context
from .library import write_library
from .ntriples import Format, TripleSink
from .portfolio import write_portfolio
from .profile import Profile

DEFAULT_SEED = 42
DEFAULT_BASE = "https://synthetic.example/register/"
DEFAULT_AS_OF = dt.date(2026, 11, 1)
"""Dates (reviews due, evidence expiry) are spread around this day; fixed so output is stable."""


def write_register(
    out: TextIO,
    profile: Profile,
    *,
    seed: int = DEFAULT_SEED,
    fmt: Format = "nt",
    as_of: dt.date = DEFAULT_AS_OF,
    base: str = DEFAULT_BASE,
) -> int:
    """Write the register as N-Triples or N-Quads (register graph) to ``out``; return the count."""
    ctx = Context(
        sink=TripleSink(out, fmt, REGISTER_GRAPH),
        rng=random.Random(seed),
        base=base,
        as_of=as_of,
        catalogue=load_catalogue(),
        profile=profile,
    )
    library = write_library(ctx)
    write_portfolio(ctx, library)
    write_findings(ctx, library)
    write_statement_of_applicability(ctx, library)
    return ctx.sink.count
