"""Importing the generator's risk CSV into a register of its size, against loading the triples
that import produces straight into pyoxigraph.

    python -m benchmarks.bench_import --engine riskgraph --size L --rows 100000 --repeat 3
    python -m benchmarks.bench_import --engine raw --size L --rows 100000 --repeat 3

- ``riskgraph``: ``riskgraph.io.importer.import_file`` with ``benchmarks/risks-csv.mapping.yaml``
  into a fresh copy of the register folder (its store versions kept, as a real register has
  them): read and validate every row, check every link, stream the new risks into a staged bulk
  load, commit it with revision stamps and the register hash. The first run also writes the risk
  triples it added, as N-Quads, for the raw engine.
- ``raw``: the same triples into a fresh copy of the same store: ``Store.bulk_load`` (pyoxigraph's
  fastest path, not transactional) every run, and with ``--extend`` ``Store.extend`` (one
  transaction) in the first run only (it takes minutes at 100,000 rows).

Copying the register folder is not timed. Prints JSON with the times and peak memory.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks.bench_common import emit
from benchmarks.bench_data import DEFAULT_WORK, MAPPING, register_folder, risk_csv
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.model.rdf import entity_iri
from riskgraph.register import STORE_DIR, Register
from riskgraph.vocab import REGISTER_GRAPH


def added_triples(size: str, rows: int, work: Path) -> Path:
    return work / f"import-{size}-{rows}.nq"


def riskgraph_import(size: str, rows: int, work: Path, repeat: int) -> dict[str, Any]:
    source, csv = register_folder(size, work), risk_csv(rows, size, work)
    times, added = [], 0
    for run in range(repeat):
        with tempfile.TemporaryDirectory(dir=work) as scratch:
            folder = Path(scratch) / "register"
            shutil.copytree(source, folder, symlinks=True)
            register = Register.open(folder)
            start = time.perf_counter()
            report = import_file(register, csv, ImportOptions(mapping=MAPPING))
            times.append(time.perf_counter() - start)
            added = len(report.plan.added)
            if run == 0:
                _write_added(register, report.plan.added, added_triples(size, rows, work))
    return {"times": times, "entities": added}


def _write_added(register: Register, added: list[str], path: Path) -> None:
    """The register-graph quads of the entities the import added (revision stamps left out)."""
    with register.reader() as store, path.open("wb") as out:
        for entity_id in added:
            quads = store.quads(REGISTER_GRAPH, subject=entity_iri(register.base_iri, entity_id))
            ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)


def raw_load(size: str, rows: int, work: Path, repeat: int, extend: bool) -> dict[str, Any]:
    source = register_folder(size, work) / STORE_DIR
    triples = added_triples(size, rows, work)
    if not triples.exists():
        raise SystemExit(f"{triples} is missing: run the riskgraph engine first")
    results: dict[str, Any] = {"bulk_load": [], "extend": []}
    for run in range(repeat):
        for method in ("bulk_load", "extend") if run == 0 and extend else ("bulk_load",):
            with tempfile.TemporaryDirectory(dir=work) as scratch:
                copy = Path(scratch) / "store"
                shutil.copytree(source, copy)
                store = ox.Store(str(copy))
                start = time.perf_counter()
                if method == "bulk_load":
                    store.bulk_load(path=str(triples), format=ox.RdfFormat.N_QUADS)
                else:
                    store.extend(ox.parse(path=str(triples), format=ox.RdfFormat.N_QUADS))
                store.flush()
                results[method].append(time.perf_counter() - start)
                del store
    results["quads"] = sum(1 for _ in ox.parse(path=str(triples), format=ox.RdfFormat.N_QUADS))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["riskgraph", "raw"], required=True)
    parser.add_argument("--size", default="L")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument(
        "--extend", action="store_true", help="raw engine: also time Store.extend, once"
    )
    args = parser.parse_args()
    if args.engine == "riskgraph":
        result = riskgraph_import(args.size, args.rows, args.work, args.repeat)
    else:
        result = raw_load(args.size, args.rows, args.work, args.repeat, args.extend)
    emit({"engine": args.engine, "size": args.size, "rows": args.rows, **result})


if __name__ == "__main__":
    main()
