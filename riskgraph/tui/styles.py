"""Each widget keeps its styles in a ``.tcss`` file next to its module."""

from __future__ import annotations

from pathlib import Path


def stylesheet(module_file: str, name: str | None = None) -> str:
    """The text of the ``.tcss`` file beside ``module_file`` (default: same stem)."""
    module = Path(module_file)
    return module.with_name(name or module.stem + ".tcss").read_text(encoding="utf-8")
