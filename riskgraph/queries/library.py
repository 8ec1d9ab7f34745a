"""The query library: built-in queries plus a register's own ``queries/`` folder.

A query's name is its file stem. A register query with the same name as a built-in replaces it
(and says so). A file that cannot be read or parsed does not hide the others: it is kept as a
problem, reported by ``problems`` and raised when someone asks for that name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from riskgraph.errors import InputError, Location, UserError
from riskgraph.queries.header import parse_stored_query
from riskgraph.queries.model import QuerySource, StoredQuery
from riskgraph.sparql.guard import check_read_only

QUERY_SUFFIX = ".rq"
GAPS_TAG = "gaps"
"""Tag of the gap rules that ``riskgraph gaps`` runs."""
AUDIT_TAG = "audit"
"""Tag of the auditor views."""
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass
class QueryLibrary:
    """Queries by name, sorted by name."""

    queries: dict[str, StoredQuery] = field(default_factory=dict)
    problems: dict[str, InputError] = field(default_factory=dict)
    """Files that could not be used, by query name."""

    def __iter__(self) -> Iterator[StoredQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def names(self) -> list[str]:
        return list(self.queries)

    def tagged(self, tag: str) -> list[StoredQuery]:
        return [q for q in self.queries.values() if tag in q.tags]

    def get(self, name: str) -> StoredQuery:
        """The query called ``name``; its file's error if it is broken; else a helpful error."""
        if name in self.problems:
            raise self.problems[name]
        if name in self.queries:
            return self.queries[name]
        close = difflib.get_close_matches(name, [*self.queries, *self.problems], n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise UserError(
            f"there is no stored query called {name!r}{hint} "
            "('riskgraph query list' shows them all)"
        )


def load_library(register_queries: Path | None = None) -> QueryLibrary:
    """The built-in queries, overlaid with the ``.rq`` files in ``register_queries``, if any."""
    found: dict[str, StoredQuery] = dict(builtin_queries())
    problems: dict[str, InputError] = {}
    if register_queries is not None and register_queries.exists():
        if not register_queries.is_dir():
            raise UserError(f"{register_queries} should be a folder of .rq query files")
        for path in sorted(register_queries.glob("*" + QUERY_SUFFIX)):
            name = path.stem
            try:
                query = _load(path, name, QuerySource.REGISTER)
            except InputError as exc:
                found.pop(name, None)
                problems[name] = exc
                continue
            if name in found:
                query = query.model_copy(update={"overrides_builtin": True})
            found[name] = query
    return QueryLibrary(dict(sorted(found.items())), dict(sorted(problems.items())))


@cache
def builtin_queries() -> dict[str, StoredQuery]:
    """The queries shipped with riskgraph (``riskgraph/queries/library``). Errors here are bugs."""
    folder = files("riskgraph.queries") / "library"
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(QUERY_SUFFIX)), key=lambda e: e.name
    )
    return {
        e.name.removesuffix(QUERY_SUFFIX): _load(
            e, e.name.removesuffix(QUERY_SUFFIX), QuerySource.BUILT_IN
        )
        for e in entries
    }


def _load(entry: Traversable | Path, name: str, source: QuerySource) -> StoredQuery:
    origin = str(entry)
    if not _NAME.match(name):
        raise InputError(
            "the file name is not a usable query name",
            location=Location(file=origin),
            value=name,
            expected="letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    try:
        text = entry.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
            location=Location(file=origin),
        ) from None
    except OSError as exc:
        raise InputError(
            f"the file cannot be read: {exc.strerror}", location=Location(file=origin)
        ) from None
    query = parse_stored_query(text, name=name, source=source, path=origin)
    check_read_only(query.sparql, origin)
    return query
