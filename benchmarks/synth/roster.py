"""Who holds which role. A person's main role follows from their number alone, so a risk CSV
generated on its own names owners who hold the right role in the register of the same size."""

from __future__ import annotations

from .lexicon import ROLES
from .profile import Profile

# Main roles in a repeating pattern of 20 people: many owners, few approvers and auditors.
_PATTERN = (
    ["AI system owner"] * 6
    + ["Risk owner"] * 5
    + ["Control owner"] * 4
    + ["Risk approver"] * 2
    + ["Impact assessor", "Internal auditor", "AI governance lead"]
)
assert set(_PATTERN) == set(ROLES)


def main_role(person_number: int) -> str:
    """The main role of person ``PER-<person_number>`` (numbers start at 1)."""
    return _PATTERN[(person_number - 1) % len(_PATTERN)]


def people_with_role(profile: Profile, role: str) -> list[int]:
    """Numbers of the people whose main role is ``role``."""
    return [n for n in range(1, profile.people + 1) if main_role(n) == role]
