"""Malformed CSV, YAML and Turtle thrown at import: a clean import or a clean error, always.

Never a traceback (only InputError/InputErrors come out), every error names the file, a failed
import leaves the register as it was, and what a successful import writes fits the models.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_support import config, content, every_kind, fill

from riskgraph.errors import InputError, InputErrors
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.model.repository import Repository
from riskgraph.register import Register

SEEDS = {
    "data.csv": (
        "Risk register export\n# riskgraph template: risk v1\n"
        "id,title,likelihood,severity,affects,sources,review_due\n"
        'R-1,"Bias, in credit",3,4,SYS-1,C.3.4; RS-1,2027-01-31\n'
        "R-7,Drift,2,2,SYS-1,,\n"
    ),
    "data.yaml": (
        "systems:\n  - id: SYS-9\n    title: Chatbot\n    lifecycle_stage: operation\n"
        "risks:\n  - id: R-8\n    title: Hallucination\n    likelihood: 3\n    severity: 4\n"
        "    affects: [SYS-9, SYS-1]\n    review_due: 2027-01-31\n"
    ),
    "data.ttl": (
        "@prefix rg: <https://w3id.org/riskgraph#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix ex: <https://other.example/> .\n"
        '<SYS-9> a rg:AISystem ; dcterms:identifier "SYS-9" ; dcterms:title "Chatbot" .\n'
        '<R-8> a rg:Risk ; dcterms:identifier "R-8" ; dcterms:title "Hallucination" ;\n'
        "  rg:likelihood 3 ; rg:severity 4 ; rg:affects <SYS-9> ;\n"
        '  ex:note [ ex:text "checked" ] .\n'
    ),
}
STRUCTURE = ",;\"'\n\r\t:{}[]<>@#._-=&|*!?% 0123456789aZé😀\x00"
EXAMPLES = 40


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    """The seed with a few random edits: characters in, out or swapped, lines doubled, a cut."""
    text = seed
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "cut", "double"]))
        if edit == "insert":
            text = (
                text[:position] + draw(st.text(STRUCTURE, min_size=1, max_size=4)) + text[position:]
            )
        elif edit == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 6)) :]
        elif edit == "replace":
            text = text[:position] + draw(st.sampled_from(STRUCTURE)) + text[position + 1 :]
        elif edit == "cut":
            text = text[:position]
        else:
            line_start = text.rfind("\n", 0, position) + 1
            line_end = text.find("\n", position) + 1 or len(text)
            text = text[:line_end] + text[line_start:line_end] + text[line_end:]
    data = text.encode("utf-8")
    if draw(st.booleans()) and draw(st.integers(0, 9)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(min_size=1, max_size=3)) + data[cut:]
    return data


def _check_import(register: Register, folder: Path, name: str, data: bytes, skip: bool) -> None:
    path = folder / name
    path.write_bytes(data)
    before = content(register)
    try:
        report = import_file(register, path, ImportOptions(skip_bad_rows=skip))
    except (InputError, InputErrors) as exc:
        errors = exc.errors if isinstance(exc, InputErrors) else [exc]
        assert errors and all(str(e.location.file).startswith(str(path)) for e in errors), exc
        assert "Traceback" not in str(exc)
        assert content(register) == before
        return
    if report.revision is None:
        assert content(register) == before
    with register.reader() as store:
        _, problems = Repository(store, register.base_iri).all()
    assert problems == []


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_malformed_files_give_a_clean_import_or_a_clean_error(name: str) -> None:
    register = Register.in_memory(config())
    fill(register, every_kind())
    with tempfile.TemporaryDirectory() as folder:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=mutated(SEEDS[name]), skip=st.booleans())
        def check(data: bytes, skip: bool) -> None:
            _check_import(register, Path(folder), name, data, skip)

        check()


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_seeds_themselves_import(name: str, tmp_path: Path) -> None:
    register = Register.in_memory(config())
    fill(register, every_kind())
    path = tmp_path / name
    path.write_text(SEEDS[name], encoding="utf-8")
    assert import_file(register, path).plan.added
