"""Synthesised sentences cached by content.

An entry holds one utterance's encoded audio (an MP3 segment, or raw PCM for
WAV and M4B output) with its length in samples.  Its key is a hash of
everything that changes the sound: text, voice, rate, trailing pause, engine
version and encoding, so editing one paragraph only re-synthesises the
sentences that changed.  Entries are written to a temporary file and renamed,
and checked when read (length and a SHA-256 checksum of the whole entry), so
an interrupted build leaves the cache consistent and a damaged entry is
synthesised again.  An entry that is not a regular file (a FIFO, a folder, a
device) is ignored without being opened for reading.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from a11ypress.fsutil import atomic_file

_MAGIC = b"A11YSEG2"
#: magic, samples, speech samples, payload length, SHA-256 of all the rest
_HEADER = struct.Struct("<8sIII32s")
#: Largest entry read (an utterance is at most about 30 s of audio).
_MAX_ENTRY = 64 * 1024 * 1024


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/a11ypress`` (or ``~/.cache/a11ypress``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "a11ypress"


@dataclass(frozen=True, slots=True)
class Segment:
    """The audio of one utterance, as stored."""

    samples: int
    """Length when decoded, in samples (pause and encoder padding included)."""
    speech: int
    """Samples of speech before the trailing pause."""
    payload: bytes
    """MP3 frames, or 16-bit mono PCM."""


def segment_key(
    text: str, voice: str | None, rate: int, pause_ms: int, kind: str, engine: str
) -> str:
    """The cache key of an utterance."""
    data = json.dumps([text, voice, rate, pause_ms, kind, engine], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class SpeechCache:
    """A folder of segments, two levels deep by key."""

    def __init__(self, root: Path) -> None:
        self.root = root
        """Folder holding the entries (created on first write)."""

    def path(self, key: str) -> Path:
        """Where the entry for ``key`` lives."""
        return self.root / "segments" / key[:2] / f"{key[2:]}.seg"

    def header(self, key: str) -> tuple[int, int] | None:
        """(samples, speech samples) of a complete, undamaged entry, or None
        when it is absent, damaged or not a regular file."""
        try:
            segment = self.read(key)
        except KeyError:
            return None
        return segment.samples, segment.speech

    def read(self, key: str) -> Segment:
        """The entry for ``key``; raises ``KeyError`` when absent, damaged or
        not a regular file."""
        try:
            data = _read_entry(self.path(key))
        except OSError as exc:
            raise KeyError(key) from exc
        if data is None or len(data) < _HEADER.size:
            raise KeyError(key)
        magic, samples, speech, length, digest = _HEADER.unpack_from(data)
        if (
            magic != _MAGIC
            or len(data) != _HEADER.size + length
            or samples == 0
            or digest != _checksum(data[:8 + 12], data[_HEADER.size :])
        ):
            raise KeyError(key)
        return Segment(samples, speech, data[_HEADER.size :])

    def check_writable(self) -> None:
        """Raise ``OSError`` when entries cannot be stored in :attr:`root`."""
        folder = self.root / "segments"
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(tmp)

    def write(self, key: str, segment: Segment) -> None:
        """Store an entry atomically (temporary file + rename in the same folder;
        not flushed to disk: an entry lost in a crash is only synthesised again)."""
        fields = struct.pack("<III", segment.samples, segment.speech, len(segment.payload))
        digest = _checksum(_MAGIC + fields, segment.payload)
        head = _HEADER.pack(
            _MAGIC, segment.samples, segment.speech, len(segment.payload), digest
        )
        with atomic_file(self.path(key), durable=False, mode=None) as fh:
            fh.write(head)
            fh.write(segment.payload)


def _checksum(head: bytes, payload: bytes) -> bytes:
    """SHA-256 of an entry's header fields and payload."""
    return hashlib.sha256(head + payload).digest()


def _read_entry(path: Path) -> bytes | None:
    """The bytes of a cache entry, or None when it is not a regular file or
    is implausibly large (opened without blocking, so a FIFO never hangs)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(_MAX_ENTRY + 1)
    finally:
        os.close(fd)
