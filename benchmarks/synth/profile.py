"""Register sizes and how many shared entities a register of each size has."""

from __future__ import annotations

from dataclasses import dataclass

SIZES: dict[str, int] = {"S": 100, "M": 1_000, "L": 10_000, "XL": 50_000}
"""AI systems per size."""

SYSTEMS_PER_UNIT = 25
"""Systems are grouped into business units (teams) of this many; shared risks stay in a unit."""


@dataclass(frozen=True)
class Profile:
    """Pool sizes derived from the number of AI systems, in the proportions of a real register."""

    systems: int

    @property
    def units(self) -> int:
        return max(1, -(-self.systems // SYSTEMS_PER_UNIT))

    @property
    def people(self) -> int:
        return max(20, self.systems // 8)

    @property
    def suppliers(self) -> int:
        return max(6, self.systems // 60)

    @property
    def foundation_models(self) -> int:
        return max(5, self.systems // 50)

    @property
    def shared_services(self) -> int:
        return max(5, self.systems // 50)

    @property
    def shared_datasets(self) -> int:
        return max(5, self.systems // 40)

    @property
    def stakeholders(self) -> int:
        return max(15, self.systems // 25)

    @property
    def controls(self) -> int:
        return max(40, self.systems // 20)

    @property
    def findings(self) -> int:
        return max(15, self.systems // 40)


def profile_for(size: str) -> Profile:
    try:
        return Profile(SIZES[size])
    except KeyError:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}") from None
