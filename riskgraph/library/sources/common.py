"""Helpers shared by the source readers: YAML with clear errors, front matter, text clean-up."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from riskgraph.errors import InputError, Location
from riskgraph.nesting import load_yaml


def read_text(path: Path) -> str:
    """The file as UTF-8 text; a file that cannot be read is an InputError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", location=Location(str(path))
        ) from None


def read_yaml(path: Path) -> Any:
    text = read_text(path)
    return load_yaml(text, str(path))


def front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """The YAML front matter (between the first two ``---`` lines) and the Markdown after it."""
    text = read_text(path)
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise InputError(
            "the file does not start with YAML front matter",
            location=Location(str(path), line=1),
            value=lines[0] if lines else "",
            expected="a first line '---'",
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise InputError(
            "the front matter is not closed",
            location=Location(str(path), line=len(lines)),
            expected="a second line '---' after the YAML",
        ) from None
    data = load_yaml("\n".join(lines[1:end]), str(path), first_line=2)
    if not isinstance(data, dict):
        raise InputError(
            "the front matter is not a mapping of keys to values",
            location=Location(str(path), line=2),
            expected="'key: value' lines",
        )
    return data, "\n".join(lines[end + 1 :])


def section(markdown: str, heading: str) -> str:
    """The text under a ``## heading`` up to the next heading, as one paragraph."""
    match = re.search(
        rf"^##\s+{re.escape(heading)}\s*$(.*?)(?=^#{{1,6}}\s|\Z)", markdown, re.M | re.S | re.I
    )
    return one_line(match.group(1)) if match else ""


def one_line(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def iso_date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value or "").strip()
    return text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else ""


def as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def content_version(files: list[Path]) -> str:
    """A version for data that states none: ``sha256:`` and the start of a digest of the files'
    names and bytes, so that the same files always give the same version."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()[:12]
