"""The wheel carries the prompt template and the Annex C mapping, and the assistant finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_installed_wheel_loads_the_template_and_the_mapping(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("riskgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("system.md", "user.md.j2", "response.schema.json"):
        assert f"riskgraph/_data/prompts/treatment-draft/v2/{name}" in names
    assert "riskgraph/assistant/annex_c_to_a.toml" in names

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from riskgraph.assistant.prompts import TREATMENT_DRAFT, PromptTemplate\n"
        "from riskgraph.assistant.context import annex_c_candidates\n"
        "t = PromptTemplate.load(*TREATMENT_DRAFT)\n"
        "print(t.folder); print(t.sha256); print(len(annex_c_candidates()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    folder, digest, sources = out.stdout.split()
    assert folder.startswith(str(site)) and "_data/prompts" in folder
    from riskgraph.assistant.prompts import TREATMENT_DRAFT, PromptTemplate

    assert digest == PromptTemplate.load(*TREATMENT_DRAFT).sha256  # same bytes, same hash
    assert sources == "7"
