"""How well risk identification finds the risks people named, on gold sets from real data.

Gold sets (``gold.py`` builds the first two from the publishers' files; none from our outputs):

* ``finos``: the 3 use cases of the FINOS AI Governance Framework and their ``related_risks``,
  ranked over the framework's 23 risks (library ``finos-aigf``);
* ``nexus``: the 38 risk incidents of AI Atlas Nexus and the risks each ``refersToRisk``, ranked
  over the IBM AI Risk Atlas risks of the ``ai-atlas-nexus`` library;
* ``register``: the AI systems of a register whose risks a person linked to library concepts
  (``riskgraph library link``); by default the Harbourline example with the links listed in
  ``data/harbourline-links.json`` (see that file for how they were made), ranked over the risk
  concepts of the libraries those links point into.

For each case the offline baseline (BM25, ``riskgraph.assistant.ranking``) ranks the concepts;
when an endpoint is given, the language model reranks the baseline's shortlist
(``riskgraph.assistant.identify.rerank``) and is scored the same way.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.assist.metrics import KS, summary
from riskgraph.assistant.ranking import ConceptIndex
from riskgraph.library.bundled import read_bundled
from riskgraph.library.catalogue import ConceptRow

DATA = Path(__file__).resolve().parent / "data"
SHORTLIST = 15
"""How many baseline candidates the language model reranks."""


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    text: str
    gold: frozenset[str]
    """Concept IRIs a person (the publisher, or the register's reviewer) linked to this case."""


@dataclass(frozen=True)
class GoldSet:
    name: str
    description: str
    cases: list[Case]
    corpus: list[ConceptRow]
    groups: dict[str, str]
    attribution: str = ""


def _rows(library: str, taxonomy: str | None = None) -> tuple[list[ConceptRow], dict[str, str]]:
    lib = read_bundled(library)
    groups = {c.iri: c.label for c in lib.concepts if c.kind == "group"}
    rows = [
        ConceptRow(
            c.iri,
            library,
            c.notation,
            c.label,
            c.kind,
            c.definition,
            c.broader[0] if c.broader else None,
        )
        for c in lib.concepts
        if c.kind == "risk" and (taxonomy is None or taxonomy in c.schemes)
    ]
    return rows, groups


def _fixture_set(name: str, file: str, description: str) -> GoldSet:
    data = json.loads((DATA / file).read_text(encoding="utf-8"))
    rows, groups = _rows(data["library"], data.get("taxonomy"))
    by_notation = {r.notation: r.iri for r in rows}
    cases = []
    for case in data["cases"]:
        missing = [g for g in case["gold"] if g not in by_notation]
        if missing:
            raise SystemExit(f"{file}: {case['id']} names {missing}, not in {data['library']}")
        cases.append(
            Case(
                case["id"],
                case["title"],
                case["text"],
                frozenset(by_notation[g] for g in case["gold"]),
            )
        )
    return GoldSet(name, description, cases, rows, groups, data["attribution"])


def finos_set() -> GoldSet:
    return _fixture_set(
        "finos",
        "finos-usecases.json",
        "FINOS AI Governance Framework use cases -> related_risks (23 finos-aigf risks)",
    )


def nexus_set() -> GoldSet:
    return _fixture_set(
        "nexus",
        "nexus-incidents.json",
        "AI Atlas Nexus risk incidents -> refersToRisk (IBM AI Risk Atlas risks)",
    )


def gold_sets(register: Path | None = None) -> list[GoldSet]:
    from benchmarks.assist.register_gold import register_set

    return [finos_set(), nexus_set(), register_set(register)]


Ranker = Callable[[Case, ConceptIndex], list[str]]


def baseline_ranking(case: Case, index: ConceptIndex, k: int = max(KS)) -> list[str]:
    return [r.concept.iri for r in index.rank(case.text, k=k)]


def evaluate(gold: GoldSet, rankers: dict[str, Ranker], limit: int | None) -> dict[str, Any]:
    index = ConceptIndex(gold.corpus, gold.groups)
    cases = gold.cases[:limit] if limit is not None else gold.cases
    out: dict[str, Any] = {
        "description": gold.description,
        "corpus": len(gold.corpus),
        "cases": len(cases),
        "mean_gold": round(sum(len(c.gold) for c in cases) / len(cases), 2) if cases else 0,
    }
    for name, ranker in rankers.items():
        runs: list[tuple[Sequence[str], set[str]]] = []
        failures = 0
        for case in cases:
            try:
                runs.append((ranker(case, index), set(case.gold)))
            except Exception as exc:  # a failed model call counts as an empty ranking
                from riskgraph.errors import RiskgraphError

                if not isinstance(exc, RiskgraphError):
                    raise
                failures += 1
                runs.append(([], set(case.gold)))
        out[name] = summary(runs) | ({"failed_calls": failures} if failures else {})
    return out


def run(
    *,
    endpoint: str | None,
    limit: int | None,
    register: Path | None = None,
    model: str | None = None,
) -> dict[str, Any]:
    """Figures for every gold set: the baseline always, the LLM path when ``endpoint`` is set."""
    rankers: dict[str, Ranker] = {"baseline": baseline_ranking}
    result: dict[str, Any] = {"task": "identification", "shortlist": SHORTLIST}
    if endpoint:
        from benchmarks.assist.llm import llm_ranker

        llm, info = llm_ranker(endpoint, model, SHORTLIST)
        rankers["llm"] = llm
        result["llm"] = info
    result["sets"] = {g.name: evaluate(g, rankers, limit) for g in gold_sets(register)}
    if register is not None:
        from benchmarks.assist.decisions import decisions

        result["decisions"] = decisions(register)
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = ["## Risk identification", ""]
    if "llm" in result:
        info = result["llm"]
        lines += [
            f"LLM path: model `{info['model']}` at `{info['host']}`, prompt `{info['template']}` "
            f"(sha256 `{info['template_hash'][:12]}`), reranking the baseline's top "
            f"{result['shortlist']}.",
            "",
        ]
    header = (
        "| gold set | ranker | cases | corpus | "
        + " | ".join(f"P@{k} | R@{k}" for k in KS)
        + " | MRR |"
    )
    lines += [header, "|" + "---|" * (5 + 2 * len(KS))]
    for name, figures in result["sets"].items():
        for ranker in ("baseline", "llm"):
            if ranker not in figures:
                continue
            f = figures[ranker]
            if not f.get("cases"):
                continue
            cells = " | ".join(f"{f[f'precision@{k}']:.3f} | {f[f'recall@{k}']:.3f}" for k in KS)
            lines.append(
                f"| {name} | {ranker} | {f['cases']} | {figures['corpus']} | {cells} | "
                f"{f['mrr']:.3f} |"
            )
    lines.append("")
    for name, figures in result["sets"].items():
        lines.append(
            f"- `{name}`: {figures['description']}; {figures['mean_gold']} gold risks per case."
        )
    decided = result.get("decisions")
    if decided:
        lines += ["", "### Decisions recorded in the register (PROV-O)", ""]
        lines += [
            "| drafts | decided | accepted | rejected | acceptance rate | mean edit distance |",
            "|---|---|---|---|---|---|",
        ]
        for kind, d in decided.items():
            rate = f"{d['acceptance_rate']:.2f}" if d["acceptance_rate"] is not None else "n/a"
            dist = (
                f"{d['mean_edit_distance']:.3f}" if d["mean_edit_distance"] is not None else "n/a"
            )
            lines.append(
                f"| {kind}: {d['drafts']} | {d['decided']} | {d['accepted']} | {d['rejected']} | "
                f"{rate} | {dist} |"
            )
    return "\n".join(lines) + "\n"


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="riskgraph-assist-bench-")
