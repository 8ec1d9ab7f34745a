"""NIST AI RMF 1.0: functions, 19 categories and 72 subcategories (IDs and paraphrased titles,
from the two CSV files of the reference material)."""

from __future__ import annotations

import csv
from pathlib import Path

from riskgraph.errors import InputError, Location
from riskgraph.library.model import Concept, Library, Scheme, concept_iri

NAME = "nist-ai-rmf"
FUNCTIONS = {
    "GOVERN": "Govern: a culture of AI risk management",
    "MAP": "Map: context is recognised and risks are identified",
    "MEASURE": "Measure: identified risks are assessed, analysed or tracked",
    "MANAGE": "Manage: risks are prioritised and acted upon",
}


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    "missing column(s) " + ", ".join(missing),
                    location=Location(str(path), line=1),
                    expected=", ".join(columns),
                )
            rows = list(reader)
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", location=Location(str(path))
        ) from None
    for number, row in enumerate(rows, 2):
        for column in columns:
            if not (row.get(column) or "").strip():
                raise InputError(
                    "empty value", location=Location(str(path), row=number, column=column)
                )
    return rows


def read_nist_rmf(subcategories: Path, categories: Path) -> Library:
    library = Library(
        NAME,
        Scheme(
            key=NAME,
            title="NIST AI Risk Management Framework 1.0",
            description="The four functions of the AI RMF core with their categories and "
            "subcategories (IDs and short titles in paraphrase).",
            license="https://www.usa.gov/government-works",
            license_name="US government work",
            attribution="NIST AI 100-1, Artificial Intelligence Risk Management Framework "
            "(AI RMF 1.0), National Institute of Standards and Technology; titles paraphrased",
            source="https://doi.org/10.6028/NIST.AI.100-1",
            publisher="NIST",
            version="1.0",
        ),
    )
    for function, title in FUNCTIONS.items():
        library.add(Concept(function, function, title, "group"))
    for row in _rows(categories, ("id", "function", "title")):
        library.add(
            Concept(
                row["id"],
                row["id"],
                row["title"].strip(),
                "group",
                broader=[concept_iri(NAME, row["function"].strip())],
            )
        )
    for row in _rows(subcategories, ("id", "function", "category", "title")):
        library.add(
            Concept(
                row["id"],
                row["id"],
                row["title"].strip(),
                "control",
                broader=[concept_iri(NAME, row["category"].strip())],
            )
        )
    return library
