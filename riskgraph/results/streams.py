"""Stream plumbing: writers write bytes; these adapt text streams, text writing and hashing."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, BinaryIO, TextIO, cast

from riskgraph.errors import UserError

OutputStream = IO[bytes] | IO[str] | io.RawIOBase | io.BufferedIOBase
"""Where results can be written: a binary or text file object."""


@contextmanager
def text_writer(out: BinaryIO) -> Iterator[TextIO]:
    """UTF-8 text over ``out``, with line endings written exactly as given; ``out`` stays open."""
    text = io.TextIOWrapper(cast(IO[bytes], out), encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()


class _TextSink(io.RawIOBase):
    """Bytes in, text out: decodes UTF-8 (chunks may split characters) into a text stream."""

    def __init__(self, target: IO[str]) -> None:
        self._target = target
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._target.write(self._decoder.decode(bytes(data)))
        return len(data)

    def flush(self) -> None:
        self._target.flush()

    def finish(self) -> None:
        self._target.write(self._decoder.decode(b"", final=True))
        self._target.flush()


def _is_text(stream: object) -> bool:
    if isinstance(stream, io.TextIOBase):
        return True
    # Text wrappers that are not io classes (terminal and capture wrappers) carry an encoding.
    binary = isinstance(stream, io.RawIOBase | io.BufferedIOBase)
    return not binary and hasattr(stream, "encoding")


@contextmanager
def binary_view(
    stream: OutputStream, *, binary_format: bool, format_name: str
) -> Iterator[BinaryIO]:
    """A binary stream to write into, whatever kind of stream the caller gave.

    Text streams with a ``buffer`` (``sys.stdout``) are written through it after a flush;
    other text streams (``io.StringIO``) receive the decoded text. Binary formats need bytes.
    """
    if not _is_text(stream):
        yield cast(BinaryIO, stream)
        return
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        yield cast(BinaryIO, buffer)
        buffer.flush()
        return
    if binary_format:
        raise UserError(
            f"{format_name} is a binary format; write it to a file (for example -o results.xlsx)"
        )
    sink = _TextSink(cast(IO[str], stream))
    yield cast(BinaryIO, sink)
    sink.finish()


class HashingWriter(io.RawIOBase):
    """Passes bytes on to ``target`` and keeps a SHA-256 of everything that went through."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self._hash = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        view = bytes(data)
        self._hash.update(view)
        self._target.write(view)
        return len(view)

    def flush(self) -> None:
        self._target.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def file_sha256(path: str, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at ``target`` only once written completely.

    It is written under a temporary name next to ``target`` and renamed on success; on failure
    the temporary file is removed and ``target`` is left as it was.
    """
    if target.is_dir():  # checked first: the temporary file would be staged beside it
        raise UserError(f"cannot write {target}: it is a folder; give a file name")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        handle = temporary.open("xb")
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with handle:
            yield cast(BinaryIO, handle)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
