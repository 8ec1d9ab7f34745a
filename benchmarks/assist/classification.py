"""How well the high-risk call agrees with people's labels, on the US federal AI use-case inventory.

Gold set: OMB's 2025 Federal Agency AI Use Case Inventory (public domain, U.S. government work;
in the shared reference data, ``us-federal-ai-use-case-inventory-2025``). Agencies label each use
case ``High-impact`` (445) or ``Not High-impact`` (2,630) in ``is_high_impact``, OMB's
counterpart of the EU AI Act's high-risk class. Rows with other or no labels are left out.

Input is the use case's own text only: its name, topic area, the problem it solves, benefits,
outputs and data description. The justification and the ``hi_*`` practice columns are left out:
agencies fill them in for high-impact use cases, so they would give the label away.

* Offline baseline: TF-IDF (words and word pairs) and logistic regression with balanced class
  weights (scikit-learn). It learns from labels, so the data is split once, stratified, with a
  fixed seed: 70 % to learn from, 30 % held out; the regularisation strength is chosen by
  5-fold cross-validation on the 70 % only. Figures are on the held-out 30 %.
* LLM path (with an endpoint): the assistant's classification call (template
  ``prompts/ai-act-classification``) on the held-out use cases; ``high`` or ``prohibited`` counts
  as a high-impact call. It learns nothing from the labels.

``limit`` takes the first N held-out cases (the baseline still learns from the whole 70 %).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATASET = Path("datasets/us-federal-ai-use-case-inventory-2025")
INVENTORY = "2025_individually_reported_AI_use_cases.csv"
TEXT_FIELDS = (
    "use_case_name",
    "topic_area",
    "problem_solved",
    "benefits",
    "system_outputs",
    "data_description",
)
LABELS = {"High-impact": True, "Not High-impact": False}
SEED = 14
HELD_OUT = 0.3
C_GRID = (1.0, 3.0, 10.0, 30.0)
ATTRIBUTION = (
    "2025 Federal Agency AI Use Case Inventory, U.S. Office of Management and Budget "
    "(ombegov/2025-Federal-Agency-AI-Use-Case-Inventory), U.S. government work"
)


@dataclass(frozen=True)
class UseCase:
    id: str
    title: str
    text: str
    high: bool


def reference_dir() -> Path:
    return Path(os.environ.get("RISKGRAPH_REFERENCE", ROOT.parent / "shared" / "reference"))


def load_cases(path: Path | None = None) -> list[UseCase]:
    """The labelled use cases, in file order. Raises FileNotFoundError without the data."""
    path = path or reference_dir() / DATASET / INVENTORY
    cases = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            label = LABELS.get((row.get("is_high_impact") or "").strip())
            if label is None:
                continue
            text = "\n".join(row[f].strip() for f in TEXT_FIELDS if (row.get(f) or "").strip())
            ident = (row.get("id") or "").strip() or f"row-{number}"
            cases.append(UseCase(ident, row.get("use_case_name") or "", text, label))
    return cases


def split(cases: list[UseCase]) -> tuple[list[UseCase], list[UseCase]]:
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        cases, test_size=HELD_OUT, random_state=SEED, stratify=[c.high for c in cases]
    )
    return list(train), list(test)


def scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, Any]:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    tn = len(gold) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "cases": len(gold),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def baseline(train: list[UseCase], test: list[UseCase]) -> tuple[list[bool], dict[str, Any]]:
    """Predictions for ``test`` from a model that learnt from ``train`` only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import make_pipeline

    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )
    search = GridSearchCV(
        pipeline,
        {"logisticregression__C": list(C_GRID)},
        scoring="f1",
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED),
    )
    search.fit([c.text for c in train], [c.high for c in train])
    predicted = [bool(p) for p in search.predict([c.text for c in test])]
    info = {
        "method": "TF-IDF (1-2 grams) + logistic regression, balanced class weights",
        "C": search.best_params_["logisticregression__C"],
        "cv_f1": round(float(search.best_score_), 4),
    }
    return predicted, info


def llm_calls(
    endpoint_url: str, model: str | None, test: list[UseCase]
) -> tuple[list[bool | None], dict[str, Any]]:
    """The assistant's classification of each case; None where the call failed."""
    from riskgraph.assistant.chat import ChatClient
    from riskgraph.assistant.classify import AI_ACT_CLASSIFICATION, classify
    from riskgraph.assistant.endpoint import require_endpoint
    from riskgraph.assistant.prompts import PromptTemplate
    from riskgraph.assistant.protocol import ModelCallError
    from riskgraph.config import AssistantSettings

    settings = AssistantSettings(base_url=endpoint_url)
    if model:
        settings = settings.model_copy(update={"model": model})
    endpoint = require_endpoint(settings, config_file="--endpoint")
    client = ChatClient(endpoint)
    template = PromptTemplate.load(*AI_ACT_CLASSIFICATION)
    calls: list[bool | None] = []
    failures: list[str] = []
    try:
        for case in test:
            data = {"system": {"id": case.id, "title": case.title, "description": case.text}}
            try:
                calls.append(classify(client, template, case.id, data).high_risk)
            except ModelCallError as exc:
                calls.append(None)
                failures.append(f"{case.id}: {exc}"[:200])
    finally:
        client.close()
    info = {
        "model": endpoint.model,
        "host": endpoint.host,
        "template": template.label,
        "template_hash": template.sha256,
        "failed_calls": len(failures),
        "failures": failures[:5],
    }
    return calls, info


def run(*, endpoint: str | None, limit: int | None, model: str | None = None) -> dict[str, Any]:
    """Precision, recall and F1 of the high-impact call: the baseline always, the LLM path when
    ``endpoint`` is set."""
    model = model or os.environ.get("RISKGRAPH_ASSISTANT__MODEL")
    result: dict[str, Any] = {"task": "classification", "attribution": ATTRIBUTION}
    try:
        cases = load_cases()
    except FileNotFoundError as exc:
        result["skipped"] = f"gold set not found: {exc.filename} (set RISKGRAPH_REFERENCE)"
        return result
    train, test = split(cases)
    if limit is not None:
        test = test[:limit]
    result["gold"] = {
        "cases": len(cases),
        "high_impact": sum(c.high for c in cases),
        "train": len(train),
        "held_out": len(test),
        "held_out_high_impact": sum(c.high for c in test),
    }
    gold = [c.high for c in test]
    predicted, info = baseline(train, test)
    result["baseline"] = {**info, **scores(gold, predicted)}
    if endpoint:
        calls, llm_info = llm_calls(endpoint, model, test)
        answered = [(g, c) for g, c in zip(gold, calls, strict=True) if c is not None]
        result["llm"] = {
            **llm_info,
            **scores([g for g, _ in answered], [c for _, c in answered]),
        }
    return result


def markdown(result: dict[str, Any]) -> str:
    lines = ["## Classification", ""]
    if "skipped" in result:
        return "\n".join([*lines, f"Skipped: {result['skipped']}.", ""])
    gold = result["gold"]
    lines += [
        f"Gold set: {result['attribution']}; {gold['cases']} use cases labelled High-impact "
        f"({gold['high_impact']}) or Not High-impact. Held out: {gold['held_out']} "
        f"({gold['held_out_high_impact']} high-impact); the baseline learnt from "
        f"{gold['train']}.",
        "",
        "| path | cases | precision | recall | F1 | TP | FP | FN | TN |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("baseline", "llm"):
        if name not in result:
            continue
        f = result[name]
        lines.append(
            f"| {name} | {f['cases']} | {f['precision']:.3f} | {f['recall']:.3f} | "
            f"{f['f1']:.3f} | {f['tp']} | {f['fp']} | {f['fn']} | {f['tn']} |"
        )
    base = result["baseline"]
    lines += [
        "",
        f"Baseline: {base['method']}, C={base['C']:g} chosen by 5-fold cross-validation on the "
        f"training part (F1 there {base['cv_f1']:.3f}).",
    ]
    if "llm" in result:
        info = result["llm"]
        lines.append(
            f"LLM path: model `{info['model']}` at `{info['host']}`, prompt `{info['template']}` "
            f"(sha256 `{info['template_hash'][:12]}`); {info['failed_calls']} failed calls left "
            "out."
        )
    lines.append("")
    return "\n".join(lines)
