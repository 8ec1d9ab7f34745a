"""Build the two snapshots shipped with the Harbourline example (examples/harbourline/snapshots/).

Run from the repository root whenever examples/harbourline/register.ttl changes:

    python scripts/build_example_snapshots.py [--out examples/harbourline/snapshots]

The snapshots stand for earlier states of the example register, so that on a fresh register
(``riskgraph init harbourline --example``) ``riskgraph diff`` has something to show:

- ``2026-09-certification-audit`` (taken 2026-09-18): the example as it is, with the edits of
  ``SEPTEMBER`` undone;
- ``2026-03-internal-audit`` (taken 2026-03-27): that state, with the edits of ``MARCH`` undone too.

The edits are plain SPARQL updates of the register graph of a scratch register (below), and a
rule that applies to both: a treatment approved after the day of the snapshot was still
proposed then (its status is ``rg:Proposed`` and its approval is removed), and an entity (risk,
AI system) reviewed after that day had not had that review (its ``rg:lastReviewed`` is
removed). Levels are those of the 5x5 matrix (``riskgraph.scoring``), as the write pipeline
derives them. The snapshots are written by
``riskgraph.snapshots.create_snapshot`` with a fixed creation time, so the output depends only on
the example register, the ontology and catalogue, and the riskgraph version.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from riskgraph.register import SNAPSHOT_DIR, Register, init_register
from riskgraph.scoring import matrix
from riskgraph.snapshots import DATA_SUFFIX, SIDECAR_SUFFIX, create_snapshot
from riskgraph.vocab import REGISTER_GRAPH, sparql_prefix_block

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "harbourline" / "snapshots"
HL = "https://harbourline.example/ai-register/"


def level(likelihood: int, severity: int) -> str:
    return "<" + matrix("5x5").level(likelihood, severity).iri + ">"


def set_field(entity: str, field: str, value: str) -> str:
    """Give ``entity`` (an ID) exactly one value ``value`` (SPARQL text) of ``field``."""
    return f"""
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{ <{HL}{entity}> {field} ?old }} }}
    INSERT {{ GRAPH <{REGISTER_GRAPH}> {{ <{HL}{entity}> {field} {value} }} }}
    WHERE {{ OPTIONAL {{ GRAPH <{REGISTER_GRAPH}> {{ <{HL}{entity}> {field} ?old }} }} }}"""


def drop_fields(entity: str, *fields: str) -> str:
    values = " ".join(fields)
    return f"""
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{ <{HL}{entity}> ?p ?o }} }}
    WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ <{HL}{entity}> ?p ?o }} VALUES ?p {{ {values} }} }}"""


def drop_entity(entity: str) -> str:
    """Remove ``entity`` and every link to it."""
    iri = f"<{HL}{entity}>"
    return f"""
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{ {iri} ?p ?o }} }}
    WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ {iri} ?p ?o }} }} ;
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s ?p {iri} }} }}
    WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s ?p {iri} }} }}"""


def as_of(day: date) -> list[str]:
    """The rule of both snapshots: approvals and reviews after ``day`` had not happened yet."""
    when = f'"{day.isoformat()}"^^xsd:date'
    return [
        f"""
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{
        ?t rg:status ?status ; rg:approvedBy ?who ; rg:approvedOn ?on }} }}
    INSERT {{ GRAPH <{REGISTER_GRAPH}> {{ ?t rg:status rg:Proposed }} }}
    WHERE {{ GRAPH <{REGISTER_GRAPH}> {{
        ?t a rg:Treatment ; rg:approvedOn ?on ; rg:status ?status .
        OPTIONAL {{ ?t rg:approvedBy ?who }}
        FILTER(?on > {when}) }} }}""",
        f"""
    DELETE {{ GRAPH <{REGISTER_GRAPH}> {{ ?e rg:lastReviewed ?on }} }}
    WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?e rg:lastReviewed ?on FILTER(?on > {when}) }} }}""",
    ]


SEPTEMBER = [
    # R-046 (agent mode of the code assistant) was found after the certification audit
    drop_entity("R-046"),
    drop_entity("RS-AGENT-ACTIONS"),
    # the fairness tests of T-001 had not yet brought R-001's likelihood down from 4 to 3
    set_field("R-001", "rg:likelihood", "4"),
    set_field("R-001", "rg:inherentLevel", level(4, 4)),
    # the chatbot's AI disclosure (C-040) was implemented but not yet verified
    set_field("C-040", "rg:status", "rg:Implemented"),
    # two controls were still being rolled out
    set_field("C-042", "rg:status", "rg:Planned"),
    set_field("C-044", "rg:status", "rg:Planned"),
    # the stale-feed incident (November) and the autumn management review came later
    drop_entity("INC-002"),
    drop_entity("MR-001"),
    drop_entity("EV-050"),
]

MARCH = [
    # R-045 (customers believe they chat with a person) and its control came later
    drop_entity("R-045"),
    drop_entity("C-040"),
    # residual risk of R-003 had not been assessed yet
    drop_fields("R-003", "rg:residualLikelihood", "rg:residualSeverity", "rg:residualLevel"),
    # R-004 was judged more likely before the bureau data checks
    set_field("R-004", "rg:likelihood", "3"),
    set_field("R-004", "rg:inherentLevel", level(3, 3)),
    # controls implemented or verified between March and September
    set_field("C-001", "rg:status", "rg:Implemented"),
    set_field("C-010", "rg:status", "rg:Implemented"),
    set_field("C-002", "rg:status", "rg:Planned"),
    set_field("C-012", "rg:status", "rg:Planned"),
    set_field("C-020", "rg:status", "rg:Planned"),
    # the chatbot fee incident (August), its corrective action and the July internal audit
    drop_entity("INC-001"),
    drop_entity("CA-003"),
    drop_entity("AUD-001"),
]

STATES = [
    ("2026-09-certification-audit", date(2026, 9, 18), SEPTEMBER),
    ("2026-03-internal-audit", date(2026, 3, 27), MARCH),
]
"""Newest first: each state undoes its edits on top of the one before."""


def apply(register: Register, updates: list[str]) -> None:
    with register.writer() as store:
        for update in updates:
            store.update(sparql_prefix_block() + update)


def build(out: Path) -> list[Path]:
    """Write the snapshots into ``out`` (replacing them); the files written, in order."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        register = init_register(Path(scratch) / "example", with_example=True)
        shutil.rmtree(Path(scratch) / "example" / SNAPSHOT_DIR, ignore_errors=True)
        for name, day, edits in STATES:
            apply(register, edits + as_of(day))
            taken = datetime(day.year, day.month, day.day, 16, 0, tzinfo=UTC)
            create_snapshot(register, name, now=taken)
            out.mkdir(parents=True, exist_ok=True)
            for suffix in (DATA_SUFFIX, SIDECAR_SUFFIX):
                source = Path(scratch) / "example" / SNAPSHOT_DIR / (name + suffix)
                target = out / (name + suffix)
                target.unlink(missing_ok=True)
                target.write_bytes(source.read_bytes())
                written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder to write (default: %(default)s)"
    )
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
