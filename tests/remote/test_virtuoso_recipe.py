"""docs/team-deployment.md's Virtuoso recipe is what the remote suite does to start Virtuoso: the
same isql statements, the same virtuoso.ini setting, and `init --endpoint` with the base URL."""

from __future__ import annotations

import re
from pathlib import Path

from remote_support import VIRTUOSO_GRANTS, VIRTUOSO_INI_SETTINGS

ISQL_LINE = re.compile(r"isql-vt 1111 dba \"\$DBA_PASSWORD\" exec=(['\"])(.*)\1$")
DOC = Path(__file__).resolve().parents[2] / "docs" / "team-deployment.md"


def recipe() -> str:
    section = DOC.read_text(encoding="utf-8").split("## Virtuoso Open Source (tested)", 1)[1]
    found = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert found, "the Virtuoso section has a sh block"
    return found.group(1)


def test_the_recipe_runs_the_statements_the_tests_run() -> None:
    lines = recipe().splitlines()
    executed = [found.group(2) for line in lines if (found := ISQL_LINE.match(line))]
    assert executed == list(VIRTUOSO_GRANTS)


def test_the_recipe_sets_what_the_tests_set_and_joins_by_base_url() -> None:
    text = recipe()
    for key, value in VIRTUOSO_INI_SETTINGS.items():
        assert f"{key} = {value}" in text
    assert "apt-get install virtuoso-opensource" in text
    assert re.search(r"^riskgraph init \w+ --endpoint http://127\.0\.0\.1:8890$", text, re.M)
