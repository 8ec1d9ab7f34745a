"""Progress reporting without printing: the CLI passes a sink that draws a bar."""

from __future__ import annotations

import io
from typing import IO, Any, Protocol


class Progress(Protocol):
    """Told what a long job is doing; ``total`` None means the amount of work is unknown."""

    def phase(self, description: str, total: float | None = None) -> None: ...

    def advance(self, amount: float = 1) -> None: ...


class NoProgress:
    """A sink that ignores everything (library use and tests)."""

    def phase(self, description: str, total: float | None = None) -> None:
        pass

    def advance(self, amount: float = 1) -> None:
        pass


NO_PROGRESS = NoProgress()


class CountingReader(io.RawIOBase):
    """A binary file wrapper that reports the bytes read to a Progress sink (and, when given
    a hashlib object, feeds it the bytes too)."""

    def __init__(self, inner: IO[bytes], progress: Progress, digest: Any = None) -> None:
        self._inner = inner
        self._progress = progress
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        if size:
            self._progress.advance(size)
            if self._digest is not None:
                self._digest.update(data)
        return size

    def close(self) -> None:
        self._inner.close()
        super().close()
