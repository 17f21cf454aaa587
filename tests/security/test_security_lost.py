"""Nothing silently lost (issue #18): colliding outputs, chapters past what
one ID3 table of contents lists, damaged or strange cache entries."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from hostile import build
from mutagen.id3 import ID3, CTOCFlags

from a11ypress.tts.cache import Segment, SpeechCache
from a11ypress.tts.tags import id3_tag
from a11ypress.tts.timeline import ChapterTime


def test_colliding_sidecar_is_refused_naming_both(tmp_path: Path) -> None:
    """``a.md`` as audio writes a.timings.json; ``a.timings.md`` as JSON
    writes the same name: the second silently replaced the first."""
    (tmp_path / "a.md").write_text("# A\n\nFirst article.\n")
    (tmp_path / "a.timings.md").write_text("# B\n\nSecond article.\n")
    out = tmp_path / "out"
    res = build(
        tmp_path / "a.md", tmp_path / "a.timings.md", "--to", "audio,json", "-o", out
    )
    assert res.exit_code == 1, res.stderr
    refused = [line for line in res.stderr.splitlines() if "[would-overwrite-output]" in line]
    assert len(refused) == 1, res.stderr
    assert refused[0].startswith(f"{tmp_path / 'a.timings.md'}: error: refusing to write")
    assert f"{out / 'a.timings.json'}" in refused[0]
    assert f"output of {tmp_path / 'a.md'}" in refused[0]
    # the first article's sidecar is intact: it is still the timing file
    assert '"utterances"' in (out / "a.timings.json").read_text() or "start" in (
        out / "a.timings.json"
    ).read_text()
    assert (out / "a.timings.mp3").is_file()  # the rest of the second article is written


def test_same_stem_in_two_folders_still_gets_two_names(tmp_path: Path) -> None:
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "post.md").write_text(f"# {d}\n\nText.\n")
    res = build(tmp_path / "x/post.md", tmp_path / "y/post.md", "--to", "json", "-o", tmp_path)
    assert res.exit_code == 0, res.stderr
    assert sorted(p.name for p in tmp_path.glob("post*.json")) == ["post-2.json", "post.json"]


@pytest.mark.parametrize("n", [256, 600, 3000])
def test_every_chapter_of_a_single_article_is_listed(n: int) -> None:
    """One article with more than 255 sections: CTOC frames list 255 at
    most, and the chapters past the 255th were left out of the table."""
    chapters = [
        ChapterTime(i, f"Section {i}", 1 if i == 0 else 2, i * 10, i * 10 + 10) for i in range(n)
    ]
    tag = ID3(io.BytesIO(id3_tag(title="T", authors=[], album="A", chapters=chapters)))
    ctocs = {c.element_id: c for c in tag.getall("CTOC")}
    top = [c for c in ctocs.values() if c.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1
    listed: list[str] = []

    def walk(ident: str) -> None:  # depth first, in order
        for child in ctocs[ident].child_element_ids:
            if child in ctocs:
                walk(child)
            else:
                listed.append(child)

    walk(top[0].element_id)
    assert listed == [f"ch{i}" for i in range(n)]
    assert all(len(c.child_element_ids) <= 255 for c in ctocs.values())



def _listed(tag: ID3) -> list[str]:
    """The CHAP ids in the order the CTOC tree lists them (depth first)."""
    ctocs = {c.element_id: c for c in tag.getall("CTOC")}
    top = [c for c in ctocs.values() if c.flags & CTOCFlags.TOP_LEVEL]
    assert len(top) == 1
    assert all(len(c.child_element_ids) <= 255 for c in ctocs.values())
    listed: list[str] = []

    def walk(ident: str) -> None:
        for child in ctocs[ident].child_element_ids:
            if child in ctocs:
                walk(child)
            else:
                listed.append(child)

    walk(top[0].element_id)
    return listed


def test_every_chapter_of_a_book_with_parts_is_listed() -> None:
    """A digest with parts nests its CTOCs as its outline does; a part of 300
    articles, and an article of 300 sections inside a part, still list every
    chapter (the part CTOCs once kept only their first 255 entries)."""
    chapters: list[ChapterTime] = []

    def add(title: str, level: int, depth: int) -> None:
        i = len(chapters)
        chapters.append(ChapterTime(i, title, level, i * 10, i * 10 + 10, depth))

    add("Part A", 1, 0)
    for k in range(300):
        add(f"Article A{k}", 1, 1)
    add("Part B", 1, 0)
    add("Long article", 1, 1)
    for k in range(300):
        add(f"Section {k}", 2, 1)
    tag = ID3(io.BytesIO(id3_tag(title="T", authors=[], album="A", chapters=chapters)))
    assert _listed(tag) == [f"ch{i}" for i in range(len(chapters))]


def _entry(cache: SpeechCache) -> str:
    key = "ab" + "0" * 62
    cache.write(key, Segment(100, 80, b"\x01\x02" * 500))
    return key


def test_a_damaged_cache_entry_is_detected(tmp_path: Path) -> None:
    """A flipped byte in the payload (same length) was read back as sound."""
    cache = SpeechCache(tmp_path)
    key = _entry(cache)
    assert cache.header(key) == (100, 80)
    data = bytearray(cache.path(key).read_bytes())
    data[-10] ^= 0xFF
    cache.path(key).write_bytes(bytes(data))
    assert cache.header(key) is None
    with pytest.raises(KeyError):
        cache.read(key)


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_cache_entry_that_is_not_a_file_is_ignored(tmp_path: Path, kind: str) -> None:
    cache = SpeechCache(tmp_path)
    key = "cd" + "1" * 62
    path = cache.path(key)
    path.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    found: list[object] = []
    t = threading.Thread(target=lambda: found.append(cache.header(key)), daemon=True)
    t.start()
    t.join(10)
    assert found == [None]  # answered at once, without hanging or reading /dev/zero
