"""How synthetic risks are scored on the 5x5 matrix, before and after treatment."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .context import Weighted

# Most risks sit in the middle of the matrix; few are rated 1 or 5.
_LIKELIHOOD = Weighted([1, 2, 3, 4, 5], [10, 25, 30, 22, 13])
_SEVERITY = Weighted([1, 2, 3, 4, 5], [8, 20, 32, 25, 15])
_REDUCTION = Weighted([0, 1, 2], [30, 50, 20])


@dataclass(frozen=True)
class Scores:
    likelihood: int
    severity: int


def inherent(rng: random.Random) -> Scores:
    return Scores(_LIKELIHOOD.draw(rng), _SEVERITY.draw(rng))


def reduced(rng: random.Random, scores: Scores) -> Scores:
    """Residual scores after controls: each axis drops by 0 to 2 steps, never below 1."""
    return Scores(
        max(1, scores.likelihood - _REDUCTION.draw(rng)),
        max(1, scores.severity - _REDUCTION.draw(rng)),
    )
