"""Synthetic AI risk registers for benchmarks: deterministic, streamed, at realistic shapes.

``python -m benchmarks.synth --help`` from the repository root shows how to run it.
"""

from __future__ import annotations

from .profile import SIZES, Profile, profile_for
from .register import DEFAULT_AS_OF, DEFAULT_BASE, DEFAULT_SEED, write_register
from .risk_csv import RISK_CSV_COLUMNS, write_risk_csv

__all__ = [
    "DEFAULT_AS_OF",
    "DEFAULT_BASE",
    "DEFAULT_SEED",
    "RISK_CSV_COLUMNS",
    "SIZES",
    "Profile",
    "profile_for",
    "write_register",
    "write_risk_csv",
]
