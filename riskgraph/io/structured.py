"""Read register data from YAML or JSON: entity lists under kind names.

    risks:
      - id: R-001
        title: Biased credit decisions
        likelihood: 3
        severity: 4
        affects: [SYS-001]
    systems:
      - id: SYS-001
        title: Credit scoring

Keys are kinds or their plurals; items hold the model's fields (lists as lists or as text
separated by ';').
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from riskgraph.errors import InputError, Location, UserError
from riskgraph.io.formats import DataFormat
from riskgraph.io.records import Defaults, ReadResult, Take, validate_record
from riskgraph.io.template import kind_named, kind_names, list_fields, split_list
from riskgraph.io.yaml_lines import line_of, load_yaml
from riskgraph.model.entities import Risk
from riskgraph.progress import Progress


def read_structured(
    path: Path, fmt: DataFormat, defaults: Defaults, progress: Progress, take: Take | None = None
) -> ReadResult:
    file = str(path)
    text = read_text(path)
    progress.phase(f"reading {path.name}", total=None)
    document = _parse_json(text, file) if fmt is DataFormat.JSON else load_yaml(text, file)
    result = ReadResult(file, take=take)
    if document is None:
        return result
    if not isinstance(document, dict):
        raise InputError(
            "the top level is not a mapping of kinds to lists of entities",
            location=Location(file, line=1),
            expected=f"keys such as risks: or systems: ({kind_names()}), each holding a list",
        )
    for key, items in document.items():
        key_line = line_of(document, [key])
        try:
            cls = kind_named(str(key))
        except UserError:
            raise InputError(
                "the key is not a kind of entity",
                location=Location(file, line=key_line, column=str(key)),
                expected=f"one of {kind_names()} (or their plurals)",
            ) from None
        if items is None:
            continue
        if not isinstance(items, list):
            raise InputError(
                f"{key} must hold a list of entities",
                location=Location(file, line=key_line, column=str(key)),
                value=items if not isinstance(items, dict) else None,
                expected="a list (items starting with '-' in YAML, [...] in JSON)",
            )
        many = list_fields(cls)
        for index, item in enumerate(items):
            record = result.records
            result.records += 1
            where = Location(file, line=line_of(document, [key, index]))
            label = f"{key}[{index}]"
            if not isinstance(item, dict):
                result.problems.add(
                    record,
                    InputError(
                        f"{label} is not a mapping of fields",
                        location=where,
                        value=item,
                        expected="fields such as id:, title:",
                    ),
                )
                continue
            data = {
                str(name): split_list(value)
                if str(name) in many and isinstance(value, str)
                else value
                for name, value in item.items()
            }
            if cls is Risk and data.get("matrix") is None:
                data["matrix"] = defaults.matrix
            validate_record(
                cls,
                data,
                record=record,
                where=where,
                column_of=_under(label),
                result=result,
            )
    return result


def _under(label: str) -> Callable[[str], str | None]:
    """Field names shown as paths, e.g. risks[3].likelihood."""
    return lambda name: f"{label}.{name}"


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text (byte {exc.start})", location=Location(str(path))
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", location=Location(str(path))
        ) from None


def _parse_json(text: str, file: str) -> Any:
    """Parse JSON strictly; line numbers come from a YAML reading of the same text if it can."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON: {exc.msg} at column {exc.colno}",
            location=Location(file, line=exc.lineno),
        ) from None
    except RecursionError:
        raise InputError("not valid JSON: nested too deeply", location=Location(file)) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"not valid JSON: {exc}", location=Location(file)) from None
    try:
        with_lines = load_yaml(text, file)
    except InputError:
        return data
    return with_lines if with_lines == data else data


def looks_like_json_ld(path: Path) -> bool:
    """A .json file that is JSON-LD (it uses @context, @graph or @id near the start)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return any(key in head for key in (b'"@context"', b'"@graph"', b'"@id"'))
