"""The limit: the eleven original built-in gap rules as SQL anti-joins over a columnar
projection of the register in DuckDB, to show how far below riskgraph's times the same answers
could go.

    python -m benchmarks.bench_limit --size L --repeat 3

The projection: one two-column table ``(s, o)`` per predicate the rules use, with the distinct
pairs of every graph of the store (the rules read the union of the graphs), IRIs and literals
by their text. Building it (reading the store, loading DuckDB) is timed apart from the rules;
riskgraph would keep such a projection per revision. Each rule is one SQL query over it, with
``today``, the appetite rank and the review intervals (``review.<kind>_days``) bound as
parameters, every row fetched. The SPARQL in ``riskgraph/queries/library`` stays the
definition: ``tests/benchmarks/test_bench_limit.py`` checks that each SQL form finds the same
items, row for row, on the example register and size S.

Prints JSON in the form of ``bench_gaps`` (engine ``limit``: per rule the times and the row
count; the projection's time as ``load_s``) with the peak memory of the process.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyoxigraph as ox

from benchmarks.bench_common import emit
from benchmarks.bench_data import DEFAULT_WORK, TODAY, store_path
from riskgraph.analysis.gaps import review_params
from riskgraph.config import RegisterConfig, ReviewSettings

RG = "https://w3id.org/riskgraph#"
DCTERMS = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREDICATES: dict[str, str] = {
    "p_type": RDF_TYPE,
    "p_identifier": DCTERMS + "identifier",
    "p_title": DCTERMS + "title",
    "p_notation": SKOS + "notation",
    "p_preflabel": SKOS + "prefLabel",
    "p_broader": SKOS + "broader",
    **{
        f"p_{name.lower()}": RG + name
        for name in (
            "addresses",
            "status",
            "annexAControl",
            "applicable",
            "supports",
            "expires",
            "inherentLevel",
            "residualLevel",
            "levelRank",
            "treats",
            "approvedBy",
            "mitigates",
            "owner",
            "assesses",
            "lifecycleStage",
            "reviewDue",
            "lastReviewed",
            "reviewInterval",
            "correctiveActionFor",
            "grade",
            "raisedOn",
        )
    },
}
"""Table name -> the predicate whose (subject, object) pairs it holds."""

_CURRENT_LEVEL = """
    WITH lvl AS (
      SELECT r.s AS risk, COALESCE(res.o, inh.o) AS level
      FROM p_type r
      JOIN p_inherentlevel inh ON inh.s = r.s
      LEFT JOIN p_residuallevel res ON res.s = r.s
      WHERE r.o = 'rg:Risk')
    SELECT l.risk, i.o AS id, t.o AS title,
      lower(regexp_replace(regexp_replace(split_part(l.level, '#', 2), 'Risk$', ''),
                           '([a-z])([A-Z])', '\\1 \\2', 'g')) AS current_level,
      CAST(k.o AS INTEGER) AS level_rank, oi.owner_id
    FROM lvl l
    JOIN p_identifier i ON i.s = l.risk
    JOIN p_levelrank k ON k.s = l.level
    LEFT JOIN p_title t ON t.s = l.risk
    LEFT JOIN (SELECT o.s, oid.o AS owner_id FROM p_owner o JOIN p_identifier oid ON oid.s = o.o)
      oi ON oi.s = l.risk
    WHERE CAST(k.o AS INTEGER) > $appetite AND l.risk NOT IN ({covered})
    ORDER BY level_rank DESC, id
"""

_STATUS_NOTATION = "(SELECT st.s, n.o AS status FROM p_status st JOIN p_notation n ON n.s = st.o)"

LIMIT_RULES: dict[str, str] = {
    "annex-a-controls-not-implemented": """
        SELECT a.s AS annex_a_control, n.o AS ref, h.o AS heading,
               obn.o AS objective_ref, obl.o AS objective
        FROM p_type a
        JOIN p_notation n ON n.s = a.s
        JOIN p_preflabel h ON h.s = a.s
        JOIN p_broader b ON b.s = a.s
        JOIN p_notation obn ON obn.s = b.o
        JOIN p_preflabel obl ON obl.s = b.o
        WHERE a.o = 'rg:AnnexAControl'
          AND a.s NOT IN (
            SELECT ad.o FROM p_addresses ad
            JOIN p_type c ON c.s = ad.s AND c.o = 'rg:Control'
            JOIN p_status st ON st.s = ad.s AND st.o IN ('rg:Implemented', 'rg:Verified'))
          AND a.s NOT IN (
            SELECT sa.o FROM p_annexacontrol sa
            JOIN p_type st ON st.s = sa.s AND st.o = 'rg:ApplicabilityStatement'
            JOIN p_applicable ap ON ap.s = sa.s AND ap.o IN ('false', '0'))
        ORDER BY ref
    """,
    "clauses-without-evidence": """
        WITH RECURSIVE current_evidence AS (
          SELECT e.s FROM p_type e
          WHERE e.o = 'rg:Evidence'
            AND NOT EXISTS (SELECT 1 FROM p_expires x WHERE x.s = e.s AND x.o < $today)),
        covered(node) AS (
          SELECT sp.o FROM p_supports sp JOIN current_evidence ce ON ce.s = sp.s
          UNION
          SELECT b.o FROM covered JOIN p_broader b ON b.s = covered.node)
        SELECT c.s AS clause, n.o AS ref, h.o AS heading
        FROM p_type c
        JOIN p_notation n ON n.s = c.s
        JOIN p_preflabel h ON h.s = c.s
        WHERE c.o = 'rg:Clause' AND c.s NOT IN (SELECT node FROM covered)
        ORDER BY ref
    """,
    "risks-above-appetite-without-approved-treatment": _CURRENT_LEVEL.format(
        covered="""
        SELECT tr.o FROM p_treats tr
        JOIN p_type tt ON tt.s = tr.s AND tt.o = 'rg:Treatment'
        JOIN p_status ts ON ts.s = tr.s AND ts.o = 'rg:Approved'
        JOIN p_approvedby ab ON ab.s = tr.s
        JOIN p_type pt ON pt.s = ab.o AND pt.o = 'rg:Person'"""
    ),
    "risks-above-appetite-without-controls": _CURRENT_LEVEL.format(
        covered="""
        SELECT m.o FROM p_mitigates m
        JOIN p_type ct ON ct.s = m.s AND ct.o = 'rg:Control'
        WHERE NOT EXISTS (SELECT 1 FROM p_status cs WHERE cs.s = m.s AND cs.o = 'rg:Retired')"""
    ),
    "controls-without-owner": f"""
        SELECT c.s AS control, i.o AS id, t.o AS title, sn.status
        FROM p_type c
        JOIN p_identifier i ON i.s = c.s
        LEFT JOIN p_title t ON t.s = c.s
        LEFT JOIN {_STATUS_NOTATION} sn ON sn.s = c.s
        WHERE c.o = 'rg:Control'
          AND c.s NOT IN (SELECT s FROM p_owner)
          AND c.s NOT IN (SELECT s FROM p_status WHERE o = 'rg:Retired')
        ORDER BY id
    """,
    "controls-without-evidence": """
        SELECT c.s AS control, i.o AS id, t.o AS title, n.o AS status
        FROM p_type c
        JOIN p_identifier i ON i.s = c.s
        JOIN p_status st ON st.s = c.s AND st.o IN ('rg:Implemented', 'rg:Verified')
        LEFT JOIN p_title t ON t.s = c.s
        LEFT JOIN p_notation n ON n.s = st.o
        WHERE c.o = 'rg:Control'
          AND c.s NOT IN (
            SELECT sp.o FROM p_supports sp JOIN p_type et ON et.s = sp.s AND et.o = 'rg:Evidence')
        ORDER BY id
    """,
    "controls-with-only-expired-evidence": """
        WITH ev AS (
          SELECT sp.s AS ev, sp.o AS ctl FROM p_supports sp
          JOIN p_type et ON et.s = sp.s AND et.o = 'rg:Evidence'),
        current_ AS (
          SELECT ev.ctl FROM ev
          WHERE NOT EXISTS (SELECT 1 FROM p_expires x WHERE x.s = ev.ev AND x.o < $today))
        SELECT c.s AS control, i.o AS id, t.o AS title, n.o AS status, max(x.o) AS last_expired
        FROM p_type c
        JOIN p_identifier i ON i.s = c.s
        JOIN p_status st ON st.s = c.s AND st.o IN ('rg:Implemented', 'rg:Verified')
        JOIN ev ON ev.ctl = c.s
        JOIN p_expires x ON x.s = ev.ev
        LEFT JOIN p_title t ON t.s = c.s
        LEFT JOIN p_notation n ON n.s = st.o
        WHERE c.o = 'rg:Control' AND c.s NOT IN (SELECT ctl FROM current_)
        GROUP BY c.s, i.o, t.o, n.o
        ORDER BY id
    """,
    "systems-without-impact-assessment": """
        SELECT s.s AS system, i.o AS id, t.o AS title, ls.o AS lifecycle_stage
        FROM p_type s
        JOIN p_identifier i ON i.s = s.s
        LEFT JOIN p_title t ON t.s = s.s
        LEFT JOIN p_lifecyclestage ls ON ls.s = s.s
        WHERE s.o = 'rg:AISystem'
          AND s.s NOT IN (
            SELECT a.o FROM p_assesses a
            JOIN p_type ia ON ia.s = a.s AND ia.o = 'rg:ImpactAssessment')
          AND s.s NOT IN (SELECT s FROM p_lifecyclestage WHERE o = 'retired')
        ORDER BY id
    """,
    "overdue-reviews": """
        WITH items AS (
          SELECT r.s AS item, 'risk' AS kind, ri.o AS risk_id
          FROM p_type r JOIN p_identifier ri ON ri.s = r.s
          WHERE r.o = 'rg:Risk'
            AND r.s NOT IN (SELECT s FROM p_type WHERE o = 'rg:CatalogueRisk')
          UNION ALL
          SELECT tt.s, 'treatment', tri.risk_id FROM p_type tt
          LEFT JOIN (SELECT tr.s, ti.o AS risk_id FROM p_treats tr
                     JOIN p_identifier ti ON ti.s = tr.o) tri ON tri.s = tt.s
          WHERE tt.o = 'rg:Treatment'
            AND tt.s NOT IN (SELECT s FROM p_status WHERE o = 'rg:Rejected')
          UNION ALL
          SELECT c.s, 'control', NULL FROM p_type c
          WHERE c.o = 'rg:Control'
            AND c.s NOT IN (SELECT s FROM p_status WHERE o = 'rg:Retired')
          UNION ALL
          SELECT a.s, 'system', NULL FROM p_type a
          WHERE a.o = 'rg:AISystem'
            AND a.s NOT IN (SELECT s FROM p_lifecyclestage WHERE o = 'retired')),
        due AS (
          SELECT it.item, it.kind, i.o AS id, it.risk_id, sd.o AS stored_due,
            CASE WHEN sd.o IS NOT NULL THEN TRY_CAST(sd.o AS DATE)
                 ELSE TRY_CAST(lr.o AS DATE) + TRY_CAST(COALESCE(own.o, CAST(
                   CASE it.kind WHEN 'risk' THEN $risk_days WHEN 'control' THEN $control_days
                                WHEN 'treatment' THEN $treatment_days ELSE $system_days END
                   AS VARCHAR)) AS INTEGER) END AS due_date
          FROM items it
          JOIN p_identifier i ON i.s = it.item
          LEFT JOIN p_reviewdue sd ON sd.s = it.item
          LEFT JOIN p_lastreviewed lr ON lr.s = it.item
          LEFT JOIN p_reviewinterval own ON own.s = it.item
          WHERE sd.o IS NOT NULL OR lr.o IS NOT NULL)
        SELECT d.item, d.kind, d.id, t.o AS title,
          COALESCE(d.stored_due, strftime(d.due_date, '%Y-%m-%d')) AS review_due, d.risk_id
        FROM due d
        LEFT JOIN p_title t ON t.s = d.item
        WHERE d.due_date < CAST($today AS DATE)
        ORDER BY d.due_date, d.id
    """,
    "controls-mitigating-nothing": f"""
        SELECT c.s AS control, i.o AS id, t.o AS title, sn.status
        FROM p_type c
        JOIN p_identifier i ON i.s = c.s
        LEFT JOIN p_title t ON t.s = c.s
        LEFT JOIN {_STATUS_NOTATION} sn ON sn.s = c.s
        WHERE c.o = 'rg:Control'
          AND c.s NOT IN (SELECT s FROM p_mitigates)
          AND c.s NOT IN (SELECT s FROM p_status WHERE o = 'rg:Retired')
        ORDER BY id
    """,
    "open-findings-without-corrective-action": """
        SELECT f.s AS finding, i.o AS id, t.o AS title,
          CASE WHEN f.s IN (SELECT s FROM p_type WHERE o = 'rg:Nonconformity')
               THEN 'nonconformity' ELSE 'finding' END AS type,
          g.o AS grade, ro.o AS raised_on
        FROM p_type f
        JOIN p_status st ON st.s = f.s AND st.o = 'rg:Open'
        JOIN p_identifier i ON i.s = f.s
        LEFT JOIN p_title t ON t.s = f.s
        LEFT JOIN p_grade g ON g.s = f.s
        LEFT JOIN p_raisedon ro ON ro.s = f.s
        WHERE f.o IN ('rg:AuditFinding', 'rg:Nonconformity')
          AND f.s NOT IN (
            SELECT ca.o FROM p_correctiveactionfor ca
            JOIN p_type cat ON cat.s = ca.s AND cat.o = 'rg:CorrectiveAction')
        ORDER BY id
    """,
}
"""Rule name -> its SQL over the projection (``'rg:X'`` stands for the riskgraph term X)."""


def sql(name: str) -> str:
    """The SQL of rule ``name`` with the ``rg:`` terms written out."""
    return LIMIT_RULES[name].replace("'rg:", f"'{RG}")


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if not isinstance(term, ox.BlankNode | ox.Triple) else str(term)


def project(store: ox.Store) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database holding one table per predicate of ``PREDICATES``."""
    wanted = {ox.NamedNode(iri): table for table, iri in PREDICATES.items()}
    pairs: dict[str, tuple[list[str], list[str]]] = {t: ([], []) for t in PREDICATES}
    for predicate, table in wanted.items():
        subjects, objects = pairs[table]
        for quad in store.quads_for_pattern(None, predicate, None, None):
            subjects.append(_text(quad.subject))
            objects.append(_text(quad.object))
    con = duckdb.connect()
    for table, (subjects, objects) in pairs.items():
        con.execute(
            f"CREATE TABLE {table} AS SELECT DISTINCT s, o FROM "
            "(SELECT unnest($1::VARCHAR[]) AS s, unnest($2::VARCHAR[]) AS o)",
            [subjects, objects],
        )
    return con


def run_rule(
    con: duckdb.DuckDBPyConnection,
    name: str,
    today: date,
    appetite: int,
    review: ReviewSettings | None = None,
) -> list[tuple[Any, ...]]:
    """Every row of rule ``name`` on the projection; the review intervals (``review.<kind>_days``,
    the defaults unless given) bound as the gap report binds them."""
    text = sql(name)
    params: dict[str, Any] = {
        key: value
        for key, value in review_params(review or ReviewSettings()).items()
        if f"${key}" in text
    }
    if "$today" in text:
        params["today"] = today.isoformat()
    if "$appetite" in text:
        params["appetite"] = appetite
    return con.execute(text, params).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = parser.parse_args()
    start = time.perf_counter()
    store = ox.Store.read_only(str(store_path(args.size, args.work)))
    con = project(store)
    projected = time.perf_counter() - start
    appetite = RegisterConfig().risk.appetite_rank
    rules: dict[str, dict[str, Any]] = {}
    for name in LIMIT_RULES:
        began = time.perf_counter()
        rows = len(run_rule(con, name, TODAY, appetite))  # warm-up; timed when --repeat is 0
        times = [time.perf_counter() - began] if args.repeat == 0 else []
        for _ in range(args.repeat):
            began = time.perf_counter()
            run_rule(con, name, TODAY, appetite)
            times.append(time.perf_counter() - began)
        rules[name] = {"times": times, "rows": rows}
    emit({"size": args.size, "engines": {"limit": {"rules": rules, "load_s": projected}}})


if __name__ == "__main__":
    main()
