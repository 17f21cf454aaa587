"""Atomic file output: the one writer every output and cache entry goes through.

A file is written under a temporary name in its target's folder and renamed
over the target only when complete, so a reader never sees a half-written
file, and a failure leaves no debris.  Outputs are made durable (flushed to
disk before the rename); the speech cache, which can always be rebuilt, skips
that (``durable=False``), because it writes one entry per sentence.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: Permissions of a finished output.
OUTPUT_MODE = 0o644

#: Longest file name most file systems accept, in bytes.
NAME_MAX = 255


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a folder or a socket, not a file."""


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of the regular file at ``path`` (symbolic links followed), or
    None when it is larger than ``limit``.  Raises :class:`NotRegularFile` for
    a FIFO, a device (``/dev/zero``), a folder or a socket, without blocking
    or reading from it, and ``OSError`` (``ELOOP`` for a symbolic-link loop)
    when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(0, "not a regular file (a FIFO, device, folder or socket)")
        if info.st_size > limit:
            return None
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # it grew while being read
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def real_path(path: Path) -> Path:
    """``path`` made absolute with every symbolic link followed, like
    ``Path.resolve()``, but a symbolic-link loop does not raise (Python 3.11
    raises RuntimeError): the looping part is kept as it is, and opening it
    then fails with ``ELOOP``."""
    return Path(os.path.realpath(path))


def temp_prefix(name: str) -> str:
    """A temporary-file prefix for ``name`` short enough that the temporary
    name (prefix, eight random characters, ``.tmp``) still fits in
    :data:`NAME_MAX` bytes however long ``name`` is."""
    raw = name.encode("utf-8", "surrogateescape")[:200]
    return "." + raw.decode("utf-8", "ignore") + "."


#: False inside :func:`scratch`: files written there need not reach the disk.
_DURABLE: contextvars.ContextVar[bool] = contextvars.ContextVar("durable", default=True)


@contextlib.contextmanager
def scratch() -> Iterator[None]:
    """A block whose atomic writes skip ``fsync``: for files written into a
    private temporary folder and read back at once (an article task's outputs,
    which the build then writes durably where they belong)."""
    token = _DURABLE.set(False)
    try:
        yield
    finally:
        _DURABLE.reset(token)


@contextlib.contextmanager
def atomic_path(
    path: Path, *, durable: bool = True, mode: int | None = OUTPUT_MODE
) -> Iterator[Path]:
    """A temporary path in ``path``'s folder, for a writer that wants a file
    name (ffmpeg, say); renamed over ``path`` when the block completes, removed
    when it fails.  ``mode`` None keeps the temporary file's private mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if durable and _DURABLE.get():
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
        if durable and _DURABLE.get():
            os.fsync(fh.fileno())


def atomic_write(
    path: Path, data: bytes, *, durable: bool = True, mode: int | None = OUTPUT_MODE
) -> None:
    """Write ``data`` to ``path`` atomically; see :func:`atomic_path`."""
    with atomic_file(path, durable=durable, mode=mode) as fh:
        fh.write(data)
