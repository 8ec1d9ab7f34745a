"""Fast forms of built-in gap rules, for the embedded (Oxigraph) store.

The ``.rq`` files in ``riskgraph/queries/library`` are the documented, user-readable definition
of each gap rule. Oxigraph evaluates some of them slowly on large registers: it joins with hash
joins that scan a whole predicate, and a ``FILTER NOT EXISTS`` runs once per row. A rule listed
here also has a fast form in ``fast_rules/`` (next to this module): the same rows in the same
order, with the selective patterns first, anti-joins written as ``MINUS`` (or, where the test
needs a parameter such as ``?today``, as ``OPTIONAL`` plus ``FILTER(!BOUND(...))``) and per-row
lookups as ``LATERAL`` (an Oxigraph extension, so the fast forms run only where Oxigraph evaluates
them: the embedded store, or an Oxigraph server, ``Store.evaluates_oxigraph_extensions``).

``fast_form`` gives the query to run for a rule: its fast form when there is one and it applies,
otherwise the rule itself. A rule without a fast form (a register's own rules, the rules other
features add, or a built-in rule overridden by the register) always runs its own SPARQL.
``tests/analysis/test_gap_fast.py`` checks that every fast form gives the rows of its rule.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from riskgraph.queries import QuerySource, StoredQuery
from riskgraph.store.base import Store

FAST_RULES: tuple[str, ...] = (
    "clauses-without-evidence",
    "risks-above-appetite-without-approved-treatment",
    "risks-above-appetite-without-controls",
    "controls-without-evidence",
    "controls-with-only-expired-evidence",
    "systems-without-impact-assessment",
    "overdue-reviews",
    "control-tests-overdue",
    "accepted-risks-changed-since-acceptance",
    "risks-realised-with-untested-controls",
)
"""Built-in gap rules that have a fast form in ``fast_rules/NAME.rq``."""


@cache
def fast_text(name: str) -> str:
    """The fast form of the built-in rule ``name`` (one of ``FAST_RULES``)."""
    if name not in FAST_RULES:
        raise KeyError(name)
    path = files("riskgraph.analysis") / "fast_rules" / f"{name}.rq"
    return path.read_text(encoding="utf-8")


def fast_form(query: StoredQuery, store: Store, *, limited_to_system: bool) -> StoredQuery:
    """The query to run for gap rule ``query`` on ``store``: its fast form when the rule is the
    built-in one, has a fast form, the store is Oxigraph (embedded or a server known to be one)
    and the report covers the whole register
    (the fast forms leave out the ``system`` filter); otherwise ``query`` itself."""
    if (
        query.source is QuerySource.BUILT_IN
        and query.name in FAST_RULES
        and not limited_to_system
        and store.evaluates_oxigraph_extensions
    ):
        return query.model_copy(update={"sparql": fast_text(query.name)})
    return query
