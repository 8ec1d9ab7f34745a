"""docs/assistant.md stays true: every test its threat model cites exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_test_the_threat_model_cites_exists() -> None:
    doc = (ROOT / "docs" / "assistant.md").read_text(encoding="utf-8")
    threat_model = doc[doc.index("## Threat model") :]
    cited = set(re.findall(r"\b(test_[a-z0-9_]+)", threat_model))
    files = set(re.findall(r"\b(test_[a-z_]+\.py)", threat_model))
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py")}
    assert files <= set(sources), files - set(sources)
    defined = {n for text in sources.values() for n in re.findall(r"def (test_\w+)\(", text)}
    names = {c for c in cited if not c.endswith("_py") and f"{c}.py" not in sources}
    assert names and names <= defined, names - defined
