"""Atomic file output: the one writer every output and cache entry goes through.

A file is written under a temporary name in its target's folder and renamed
over the target only when complete, so a reader never sees a half-written
file, and a failure leaves no debris.  Outputs are made durable (flushed to
disk before the rename); the speech cache, which can always be rebuilt, skips
that (``durable=False``), because it writes one entry per sentence.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: Permissions of a finished output.
OUTPUT_MODE = 0o644


@contextlib.contextmanager
def atomic_path(
    path: Path, *, durable: bool = True, mode: int | None = OUTPUT_MODE
) -> Iterator[Path]:
    """A temporary path in ``path``'s folder, for a writer that wants a file
    name (ffmpeg, say); renamed over ``path`` when the block completes, removed
    when it fails.  ``mode`` None keeps the temporary file's private mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable:
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_file(
    path: Path, *, durable: bool = True, mode: int | None = OUTPUT_MODE
) -> Iterator[BinaryIO]:
    """A binary file open for writing (and reading back) that replaces ``path``
    when the block completes; see :func:`atomic_path`."""
    with (
        atomic_path(path, durable=False, mode=mode) as tmp,
        os.fdopen(os.open(tmp, os.O_RDWR | os.O_TRUNC), "w+b") as fh,
    ):
        yield fh
        fh.flush()
        if durable:
            os.fsync(fh.fileno())


def atomic_write(
    path: Path, data: bytes, *, durable: bool = True, mode: int | None = OUTPUT_MODE
) -> None:
    """Write ``data`` to ``path`` atomically; see :func:`atomic_path`."""
    with atomic_file(path, durable=durable, mode=mode) as fh:
        fh.write(data)
