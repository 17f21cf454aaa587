"""Atomic file output."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename, so a
    reader never sees a half-written file and a failure leaves no debris."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
