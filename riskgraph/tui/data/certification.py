"""The certification journey for the terminal UI: readiness per stage, and the trust report
written to a file. Each function opens the register itself (it runs in a worker thread)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from riskgraph.analysis.readiness import Readiness, readiness
from riskgraph.analysis.trust import TrustReport, write_trust_report
from riskgraph.register import Register


def load_readiness(register: Register, today: date) -> Readiness:
    with register.reader() as store:
        return readiness(register, store, today=today)


def save_trust_report(register: Register, path: Path, today: date) -> TrustReport:
    return write_trust_report(register, path, today=today)
