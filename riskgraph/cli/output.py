"""Console output shared by the commands: one place for colours, errors and progress."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def fail(message: str, *, code: int = 2) -> NoReturn:
    err_console.print("[bold red]error:[/] ", end="", highlight=False)
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


def success(message: str) -> None:
    console.print(f"[green]✓[/] {message}", highlight=False)
