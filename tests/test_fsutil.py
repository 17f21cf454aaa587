"""The one atomic writer: whole files or nothing, no debris, outputs readable."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from a11ypress.fsutil import atomic_file, atomic_path, atomic_write
from a11ypress.tts.cache import Segment, SpeechCache


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.bin"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["out.bin"]


@pytest.mark.parametrize("writer", ["file", "path"])
def test_failure_keeps_the_old_file_and_leaves_no_debris(tmp_path: Path, writer: str) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        if writer == "file":
            with atomic_file(target) as fh:
                fh.write(b"half")
                raise RuntimeError("boom")
        else:
            with atomic_path(target) as tmp:
                tmp.write_bytes(b"half")
                raise RuntimeError("boom")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_cache_entries_go_through_the_same_writer(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path)
    cache.write("k" * 64, Segment(3, 2, b"\x00\x01" * 3))
    got = cache.read("k" * 64)
    assert got.payload == b"\x00\x01" * 3
    entry = cache.path("k" * 64)
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]
