"""Synthesised sentences cached by content.

An entry holds one utterance's encoded audio (an MP3 segment, or raw PCM for
WAV and M4B output) with its length in samples.  Its key is a hash of
everything that changes the sound: text, voice, rate, trailing pause, engine
version and encoding, so editing one paragraph only re-synthesises the
sentences that changed.  Entries are written to a temporary file and renamed,
and checked when read, so an interrupted build leaves the cache consistent.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from a11ypress.fsutil import atomic_file

_MAGIC = b"A11YSEG1"
_HEADER = struct.Struct("<8sIII")  # magic, samples, speech samples, payload length


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
        """(samples, speech samples) of a complete entry, or None when absent or damaged."""
        p = self.path(key)
        try:
            with p.open("rb") as fh:
                head = fh.read(_HEADER.size)
                size = os.fstat(fh.fileno()).st_size
        except OSError:
            return None
        if len(head) != _HEADER.size:
            return None
        magic, samples, speech, length = _HEADER.unpack(head)
        if magic != _MAGIC or size != _HEADER.size + length or samples == 0:
            return None
        return samples, speech

    def read(self, key: str) -> Segment:
        """The entry for ``key``; raises ``KeyError`` when absent or damaged."""
        try:
            data = self.path(key).read_bytes()
        except OSError as exc:
            raise KeyError(key) from exc
        if len(data) < _HEADER.size:
            raise KeyError(key)
        magic, samples, speech, length = _HEADER.unpack_from(data)
        if magic != _MAGIC or len(data) != _HEADER.size + length:
            raise KeyError(key)
        return Segment(samples, speech, data[_HEADER.size :])

    def write(self, key: str, segment: Segment) -> None:
        """Store an entry atomically (temporary file + rename in the same folder;
        not flushed to disk: an entry lost in a crash is only synthesised again)."""
        head = _HEADER.pack(_MAGIC, segment.samples, segment.speech, len(segment.payload))
        with atomic_file(self.path(key), durable=False, mode=None) as fh:
            fh.write(head)
            fh.write(segment.payload)
