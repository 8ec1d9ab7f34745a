"""The result fingerprint: same rows in any order match; any change in content does not."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from riskgraph.results import ResultDigest, ResultKind, result_sha256
from riskgraph.store.base import AskResult, GraphResult, SelectResult, Term

Row = dict[str, Term | None]


def fingerprint(variables: list[str], rows: list[Row]) -> str:
    return result_sha256(SelectResult(variables, iter(rows)))


def test_row_order_does_not_matter(select: Callable[[], SelectResult]) -> None:
    original = select()
    names, rows = original.variables, list(original.rows)
    assert fingerprint(names, rows) == fingerprint(names, list(reversed(rows)))
    assert fingerprint(names, rows) == result_sha256(select())


def test_any_change_in_content_changes_the_fingerprint(select: Callable[[], SelectResult]) -> None:
    original = select()
    names, rows = original.variables, list(original.rows)
    reference = fingerprint(names, rows)

    changed_value = [dict(row) for row in rows]
    changed_value[2]["title"] = ox.Literal("Untitled <risk> & more.")
    unbound = [dict(row) for row in rows]
    unbound[0]["owner"] = None
    retyped = [dict(row) for row in rows]
    retyped[0]["likelihood"] = ox.Literal("3")  # a string, not an integer
    relabelled = [dict(row) for row in rows]
    relabelled[0]["title"] = ox.Literal("Biased screening outcomes", language="en-gb")

    variants = {
        "value": fingerprint(names, changed_value),
        "unbound": fingerprint(names, unbound),
        "datatype": fingerprint(names, retyped),
        "language": fingerprint(names, relabelled),
        "missing row": fingerprint(names, rows[:2]),
        "duplicated row": fingerprint(names, [*rows, rows[0]]),
        "renamed variable": fingerprint(
            ["iri", *names[1:]],
            [{("iri" if k == "risk" else k): v for k, v in row.items()} for row in rows],
        ),
    }
    assert reference not in variants.values()
    assert len(set(variants.values())) == len(variants)


def test_values_cannot_shift_between_columns() -> None:
    a, b = ox.Literal("a"), ox.Literal("b")
    assert fingerprint(["x", "y"], [{"x": a, "y": None}]) != fingerprint(
        ["x", "y"], [{"x": None, "y": a}]
    )
    assert fingerprint(["x", "y"], [{"x": a, "y": b}]) != fingerprint(
        ["x", "y"], [{"x": b, "y": a}]
    )


def test_blank_node_labels_do_not_matter() -> None:
    p = ox.NamedNode("https://riskgraph.example/p")
    first = GraphResult(iter([ox.Triple(ox.BlankNode("a1"), p, ox.Literal("x"))]))
    second = GraphResult(iter([ox.Triple(ox.BlankNode("zz9"), p, ox.Literal("x"))]))
    assert result_sha256(first) == result_sha256(second)


def test_kinds_are_told_apart() -> None:
    assert result_sha256(AskResult(True)) != result_sha256(AskResult(False))
    empty_select = result_sha256(SelectResult([], iter([])))
    empty_graph = result_sha256(GraphResult(iter([])))
    assert empty_select != empty_graph


def test_digest_counts_rows() -> None:
    digest = ResultDigest(ResultKind.SELECT, ["x"])
    for value in ("a", "b", "a"):
        digest.add([ox.Literal(value)])
    assert digest.count == 3
    assert len(digest.hexdigest()) == 64
