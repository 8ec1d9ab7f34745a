"""Versioned prompt templates: ``prompts/<name>/<version>/`` holds ``system.md``, ``user.md.j2``
and ``response.schema.json``. Together they are one template, identified by the SHA-256 of
their bytes, which every draft records."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from riskgraph.errors import UserError
from riskgraph.resources import prompts_dir

TEMPLATE_FILES = ("system.md", "user.md.j2", "response.schema.json")

TREATMENT_DRAFT = ("treatment-draft", "v2")
"""The template the assistant uses to draft treatments."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    folder: Path

    @classmethod
    def load(cls, name: str, version: str, root: Path | None = None) -> PromptTemplate:
        folder = (root or prompts_dir()) / name / version
        missing = [f for f in TEMPLATE_FILES if not (folder / f).is_file()]
        if missing:
            raise UserError(
                f"prompt template {name}/{version} in {folder} is incomplete: "
                f"{', '.join(missing)} missing"
            )
        return cls(name, version, folder)

    @property
    def label(self) -> str:
        return f"{self.name}/{self.version}"

    def _text(self, filename: str) -> str:
        return (self.folder / filename).read_text(encoding="utf-8")

    @cached_property
    def sha256(self) -> str:
        """Hash of the template files, names included, in a fixed order."""
        digest = hashlib.sha256()
        for filename in TEMPLATE_FILES:
            digest.update(filename.encode() + b"\0")
            digest.update((self.folder / filename).read_bytes() + b"\0")
        return digest.hexdigest()

    @cached_property
    def response_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self._text("response.schema.json"))
        return schema

    @cached_property
    def system(self) -> str:
        return self._text("system.md").strip()

    @cached_property
    def _user_template(self) -> jinja2.Template:
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False
        )
        return env.from_string(self._text("user.md.j2"))

    def render_user(self, schema: dict[str, Any] | None = None, **variables: object) -> str:
        """The user message; ``schema`` is the schema sent with it (default: the template's)."""
        schema_json = json.dumps(schema or self.response_schema, indent=2, ensure_ascii=False)
        return self._user_template.render(schema_json=schema_json, **variables).strip()


def data_block_json(data: object) -> str:
    """JSON for a ``<register_data>`` block. '<', '>' and '&' are escaped inside strings, so no
    text from the register can close the block or open a new tag."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
