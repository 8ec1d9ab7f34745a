"""Coverage gaps: every stored query tagged ``gaps`` run against a register, in a stable order.

A gap rule is a stored SELECT query (built-in, or in the register's ``queries/`` folder) whose
tags include ``gaps``. Its first variable is the IRI of the item a row is about; the other
variables are the columns shown for it. Rules may declare these parameters, which ``run_gaps``
binds: ``today`` (date), ``appetite_rank`` (integer rank of the register's risk appetite),
``risk_days``, ``control_days``, ``treatment_days`` and ``system_days`` (the register's review
intervals, ``review.<kind>_days``) and ``system`` (the AI system a report is limited to). With
a system, rules that take no ``system`` parameter are organisation-wide (Annex A coverage,
clause evidence, ...) and are left out.

The JSON form (``GapReport.to_json``) is documented in docs/gaps-json.md and described by the
JSON Schema ``gaps_schema.json`` next to this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.analysis.gap_fast import fast_form
from riskgraph.config import LEVEL_NAMES, ReviewSettings
from riskgraph.errors import InputError, UserError
from riskgraph.queries import GAPS_TAG, ParamValue, StoredQuery, load_library, run_query
from riskgraph.queries.params import resolve_iri
from riskgraph.register import Register
from riskgraph.results import register_hash
from riskgraph.results.terms import compact_iri
from riskgraph.store.base import AskResult, SelectResult, Store, Term
from riskgraph.vocab import ISO42001, PREFIXES, RG

SCHEMA_VERSION = 1
"""Version of the JSON form; it changes only when a consumer would have to change."""

RULE_ORDER: tuple[str, ...] = (
    "annex-a-controls-not-implemented",
    "clauses-without-evidence",
    "risks-above-appetite-without-approved-treatment",
    "risks-above-appetite-without-controls",
    "controls-without-owner",
    "controls-without-evidence",
    "controls-with-only-expired-evidence",
    "systems-without-impact-assessment",
    "overdue-reviews",
    "controls-mitigating-nothing",
    "open-findings-without-corrective-action",
    "systems-without-ai-act-classification",
    "high-risk-systems-without-ai-act-controls",
    "accepted-risks-changed-since-acceptance",
    "expired-risk-acceptances",
    "controls-never-tested",
    "control-tests-overdue",
    "failed-control-tests-without-corrective-action",
    "risks-realised-with-untested-controls",
    "nonconformity-incidents-without-corrective-action",
)
"""The order of the built-in rules in every report; other gap rules follow, sorted by name."""

TODAY_PARAM = "today"
APPETITE_PARAM = "appetite_rank"
SYSTEM_PARAM = "system"
REVIEW_KINDS = ("risk", "control", "treatment", "system")


@dataclass(frozen=True)
class GapRule:
    """The answer of one gap rule (a stored query tagged ``gaps``)."""

    name: str
    """The query name, e.g. ``annex-a-controls-not-implemented``."""
    title: str
    description: str
    columns: list[str]
    """The query's variables after the first (the first names the item: see ``iris``)."""
    rows: list[dict[str, str | None]]
    """Display values by column: register IRIs as IDs, ISO/IEC 42001 IRIs as references,
    other IRIs as prefixed names, literals as their text (dates as YYYY-MM-DD), unbound None."""
    iris: list[str | None] = field(default_factory=list)
    """The item each row is about (the first variable's value, an IRI), aligned with ``rows``."""

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class GapReport:
    """Every gap rule's answer for one register on one day."""

    register_name: str
    generated_at: datetime
    """When the report was computed, in UTC."""
    today: date
    """The day dates were judged on (reviews overdue, evidence expired)."""
    appetite: str
    """The risk appetite level name, e.g. ``moderate``."""
    system: str | None
    """The AI system the report is limited to, as given; None for the whole register."""
    register_sha256: str
    """``riskgraph.results.register_hash`` of the register the rules ran on."""
    rules: list[GapRule]
    """In ``RULE_ORDER``, then other gap rules by name."""
    omitted: list[str] = field(default_factory=list)
    """Organisation-wide rules left out because the report is limited to a system."""

    @property
    def total(self) -> int:
        return sum(rule.count for rule in self.rules)

    def summary(self) -> dict[str, int]:
        """Rule name -> number of gaps it found, in report order."""
        return {rule.name: rule.count for rule in self.rules}

    def rule(self, name: str) -> GapRule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (docs/gaps-json.md, schema ``gaps_schema.json``)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "register": {"name": self.register_name, "sha256": self.register_sha256},
            "generated_at": _utc_text(self.generated_at),
            "today": self.today.isoformat(),
            "appetite": {"level": self.appetite, "rank": LEVEL_NAMES.index(self.appetite) + 1},
            "system": self.system,
            "summary": {
                "rules": len(self.rules),
                "rules_with_gaps": sum(1 for rule in self.rules if rule.count),
                "gaps": self.total,
                "by_rule": self.summary(),
            },
            "rules": [_rule_json(rule) for rule in self.rules],
            "omitted_rules": list(self.omitted),
        }


def run_gaps(
    register: Register, store: Store, *, system: str | None = None, today: date | None = None
) -> GapReport:
    """Run every gap rule of ``register`` (built-in and its own) on ``store``.

    ``system`` is an AI system's ID (or IRI); it must exist. ``today`` defaults to the current
    date. A broken file in the register's ``queries/`` folder stops the report (it could be a
    gap rule), with that file's error.
    """
    library = load_library(register.queries_dir)
    if library.problems:
        raise next(iter(library.problems.values()))
    day = clock.day_or_today(today)
    system_iri = _system_iri(store, register.base_iri, system) if system else None
    params: dict[str, ParamValue] = {
        TODAY_PARAM: day,
        APPETITE_PARAM: register.config.risk.appetite_rank,
        **review_params(register.config.review),
    }
    if system_iri is not None:
        params[SYSTEM_PARAM] = system_iri
    rules: list[GapRule] = []
    omitted: list[str] = []
    for query in ordered_rules(library.tagged(GAPS_TAG)):
        if system_iri is not None and not query.accepts(SYSTEM_PARAM):
            omitted.append(query.name)
            continue
        fast = fast_form(query, store, limited_to_system=system_iri is not None)
        rules.append(_run_rule(register, store, fast, params, day))
    return GapReport(
        register_name=register.display_name,
        generated_at=datetime.now(UTC),
        today=day,
        appetite=register.config.risk.appetite,
        system=system,
        register_sha256=register_hash(store),
        rules=rules,
        omitted=omitted,
    )


def review_params(settings: ReviewSettings) -> dict[str, ParamValue]:
    """The register's review intervals as the parameters gap rules take (``risk_days``, ...):
    what overdue-reviews needs to judge an item with no stored date as ``riskgraph due`` does."""
    return {f"{kind}_days": settings.days_for(kind) for kind in REVIEW_KINDS}


def ordered_rules(queries: list[StoredQuery]) -> list[StoredQuery]:
    """Gap rules in report order: ``RULE_ORDER`` first, then the others by name."""
    rank = {name: index for index, name in enumerate(RULE_ORDER)}
    return sorted(queries, key=lambda q: (rank.get(q.name, len(RULE_ORDER)), q.name))


@cache
def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``GapReport.to_json`` (draft 2020-12)."""
    text = (files("riskgraph.analysis") / "gaps_schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def display_value(term: Term | None, base_iri: str) -> str | None:
    """How a gap report shows one value (see ``GapRule.rows``)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if iri.startswith(base_iri) and len(iri) > len(base_iri):
            return iri[len(base_iri) :]
        if iri.startswith(ISO42001) and len(iri) > len(ISO42001):
            return iri[len(ISO42001) :]
        return compact_iri(iri, PREFIXES)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _run_rule(
    register: Register,
    store: Store,
    query: StoredQuery,
    params: dict[str, ParamValue],
    today: date,
) -> GapRule:
    given = {name: value for name, value in params.items() if query.accepts(name)}
    with run_query(
        store,
        query,
        given,
        base_iri=register.base_iri,
        today=today,
        limit=None,
        time_limit=register.config.queries.timeout_seconds,
    ) as run:
        result = run.result
        if not isinstance(result, SelectResult) or not result.variables:
            raise UserError(
                f"{query.origin}: a gap rule must be a SELECT query whose first variable is the "
                "item it reports; fix the query or remove the 'gaps' tag"
            )
        item, *columns = result.variables
        rows: list[dict[str, str | None]] = []
        iris: list[str | None] = []
        for row in result.rows:
            found = row.get(item)
            iris.append(found.value if found is not None else None)
            rows.append({c: display_value(row.get(c), register.base_iri) for c in columns})
    return GapRule(query.name, query.title, query.description, columns, rows, iris)


def _system_iri(store: Store, base_iri: str, system: str) -> ox.NamedNode:
    try:
        iri = ox.NamedNode(resolve_iri(system.strip(), base_iri))
    except ValueError as exc:
        raise InputError(
            f"system: {exc}", value=system, expected="the ID of an AI system in the register"
        ) from None
    found = store.query("ASK { ?system a ?class }", {"system": iri, "class": _AI_SYSTEM})
    if not (isinstance(found, AskResult) and found.value):
        raise InputError(
            "system: there is no AI system with that ID in the register",
            value=system,
            expected="the ID of an AI system in the register",
        )
    return iri


_AI_SYSTEM = ox.NamedNode(RG + "AISystem")


def _rule_json(rule: GapRule) -> dict[str, Any]:
    iris = rule.iris or [None] * rule.count
    return {
        "name": rule.name,
        "title": rule.title,
        "description": rule.description,
        "count": rule.count,
        "columns": list(rule.columns),
        "items": [
            {"iri": iri, "values": {c: row.get(c) for c in rule.columns}}
            for iri, row in zip(iris, rule.rows, strict=True)
        ],
    }


def _utc_text(moment: datetime) -> str:
    """``2026-11-22T09:30:00Z``: UTC, whole seconds."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
