"""What every part of the generator shares: the output, the random source and the fixed inputs."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from . import terms
from .catalogue import Catalogue
from .ids import Counter
from .ntriples import TripleSink, date, string
from .profile import Profile

T = TypeVar("T")

ANNUAL = dt.timedelta(days=365)
"""How long evidence stays valid and how often reviews recur."""


class Weighted(Generic[T]):
    """Items drawn with fixed relative weights (cumulative weights are computed once)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("need as many weights as items, and at least one item")
        self.items = list(items)
        self._cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> T:
        point = rng.random() * self._cumulative[-1]
        return self.items[bisect.bisect_right(self._cumulative, point)]


@dataclass
class Context:
    sink: TripleSink
    rng: random.Random
    base: str
    as_of: dt.date
    catalogue: Catalogue
    profile: Profile
    ids: Counter = field(default_factory=Counter)

    def node(self, ident: str) -> str:
        """The IRI term of a register entity."""
        return f"<{self.base}{ident}>"

    def entity(self, ident: str, cls: str, title: str) -> str:
        """Write type, identifier and title of a new entity; return its IRI term."""
        subject = self.node(ident)
        add = self.sink.add
        add(subject, terms.TYPE, cls)
        add(subject, terms.IDENTIFIER, string(ident))
        add(subject, terms.TITLE, string(title))
        return subject

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def draw(self, weighted: Weighted[T]) -> T:
        return weighted.draw(self.rng)

    def day(self, earliest: int, latest: int, *, since: dt.date | None = None) -> dt.date:
        """A date ``earliest``..``latest`` days after ``since`` (default: the as-of date)."""
        return (since or self.as_of) + dt.timedelta(days=self.rng.randint(earliest, latest))

    def add_date(self, subject: str, predicate: str, value: dt.date) -> None:
        self.sink.add(subject, predicate, date(value))
