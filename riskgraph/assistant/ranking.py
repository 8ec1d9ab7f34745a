"""The offline baseline of risk identification: BM25 over the texts of library concepts.

It needs no model endpoint. Each concept is one document (its notation, label, definition and
the label of its group); the query is what the register says about an AI system. The language
model path reranks and explains this ranker's shortlist, so every ID a candidate cites comes from
a loaded library, never from the model's memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from riskgraph.library.catalogue import ConceptRow

TOKEN_PATTERN = r"(?u)\b\w\w+\b"
MATCHED_TERMS_SHOWN = 6


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _tokens(texts: list[str]) -> list[list[str]]:
    import bm25s

    tokens: list[list[str]] = bm25s.tokenize(
        texts,
        lower=True,
        token_pattern=TOKEN_PATTERN,
        stopwords="en",
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )
    return tokens


def concept_text(concept: ConceptRow, groups: dict[str, str] | None = None) -> str:
    """The document of one concept: label, definition and its group's label."""
    words = re.sub(r"[-_]", " ", concept.notation)
    group = (groups or {}).get(concept.broader or "", "")
    return " ".join(
        t for t in (words, concept.label, concept.label, concept.definition, group) if t
    )


@dataclass(frozen=True)
class Ranked:
    concept: ConceptRow
    score: float
    matched: tuple[str, ...]
    """Stemmed query terms found in the concept's text, most frequent in the query first."""


class ConceptIndex:
    """A BM25 index over library concepts (kind ``risk`` unless told otherwise)."""

    def __init__(self, concepts: Sequence[ConceptRow], groups: dict[str, str] | None = None):
        import bm25s

        self.concepts = list(concepts)
        self._docs = _tokens([concept_text(c, groups) for c in self.concepts])
        self._doc_sets = [set(d) for d in self._docs]
        self._bm25 = bm25s.BM25()
        if self.concepts:
            self._bm25.index(self._docs, show_progress=False)

    @classmethod
    def of_risks(cls, rows: Iterable[ConceptRow]) -> ConceptIndex:
        """An index over the risk concepts of ``rows`` that have a definition (a name alone is
        too little to match on, and a candidate needs a description); group labels enrich
        their documents."""
        rows = list(rows)
        groups = {c.iri: c.label for c in rows if c.kind == "group"}
        return cls([c for c in rows if c.kind == "risk" and c.definition.strip()], groups)

    def __len__(self) -> int:
        return len(self.concepts)

    def rank(self, query: str, *, k: int = 10, exclude: Iterable[str] = ()) -> list[Ranked]:
        """The ``k`` best concepts for ``query`` (IRIs in ``exclude`` left out), best first;
        concepts that share no term with the query are never returned. Ties keep notation
        order, so the ranking is deterministic."""
        if not self.concepts or k <= 0:
            return []
        terms = _tokens([query])[0]
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        excluded = set(exclude)
        counts: dict[str, int] = {}
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
        order = sorted(
            range(len(self.concepts)),
            key=lambda i: (-float(scores[i]), self.concepts[i].library, self.concepts[i].notation),
        )
        out: list[Ranked] = []
        for i in order:
            if float(scores[i]) <= 0.0:
                break
            concept = self.concepts[i]
            if concept.iri in excluded:
                continue
            matched = sorted(
                (t for t in counts if t in self._doc_sets[i]), key=lambda t: (-counts[t], t)
            )
            out.append(Ranked(concept, round(float(scores[i]), 4), tuple(matched)))
            if len(out) >= k:
                break
        return out
