"""ID3v2.3 tags for the MP3: title, author, album, cover and chapters.

Chapters are CHAP frames (start/end in milliseconds, the title in a TIT2
sub-frame) listed in order by one top-level, ordered CTOC frame.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from mutagen.id3 import (
    APIC,
    CHAP,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TXXX,
    CTOCFlags,
    PictureType,
)

from a11ypress.tts.timeline import ChapterTime

#: Most entries one CTOC frame can list (its entry count is one byte).
MAX_CTOC_ENTRIES = 255
#: Image types an ID3 cover may hold (what players show).
COVER_TYPES = ("image/jpeg", "image/png")


def id3_tag(
    *,
    title: str,
    authors: Sequence[str],
    album: str,
    chapters: Sequence[ChapterTime],
    language: str | None = None,
    date: str | None = None,
    cover: tuple[str, bytes] | None = None,
) -> bytes:
    """The bytes of an ID3v2.3 tag to put in front of the MP3 frames."""
    tag = ID3()
    tag.add(TIT2(encoding=3, text=[title]))
    if authors:
        tag.add(TPE1(encoding=3, text=["/".join(authors)]))
    tag.add(TALB(encoding=3, text=[album]))
    if date:
        tag.add(TDRC(encoding=3, text=[date[:10]]))
    if language:
        tag.add(TLAN(encoding=3, text=[language]))
    tag.add(TXXX(encoding=3, desc="generator", text=["a11ypress"]))
    if cover is not None and cover[0] in COVER_TYPES:
        tag.add(
            APIC(
                encoding=3, mime=cover[0], type=PictureType.COVER_FRONT, desc="Cover", data=cover[1]
            )
        )
    ids = [f"ch{i}" for i in range(len(chapters))]
    for frame in _tables_of_contents(ids, chapters):
        tag.add(frame)
    for ident, ch in zip(ids, chapters, strict=True):
        tag.add(
            CHAP(
                element_id=ident,
                start_time=ch.start_ms,
                end_time=ch.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=3, text=[ch.title])],
            )
        )
    buf = io.BytesIO()
    tag.save(buf, v2_version=3, padding=lambda info: 0)
    return buf.getvalue()


def _tables_of_contents(ids: Sequence[str], chapters: Sequence[ChapterTime]) -> list[CTOC]:
    """One top-level CTOC listing every chapter in order, the top-level CTOC
    first.  A book with parts nests as its outline does (parts, articles,
    sections: see `_nested_contents`).  Otherwise, when there are more than
    a CTOC can list, chapters are grouped by article (its own chapter and its
    sections).  A CTOC lists at most 255 entries, so any list still too long
    (a single article with hundreds of sections) is split into numbered
    parts, level below level, until every chapter is listed."""
    tocs = _Tocs()
    if any(ch.depth for ch in chapters):
        return _nested_contents(tocs, ids, chapters)
    if len(ids) <= MAX_CTOC_ENTRIES:
        tocs.add("toc", "Contents", list(ids), top=True)
        return tocs.frames
    groups: list[tuple[str, list[str]]] = []
    for ident, ch in zip(ids, chapters, strict=True):
        if ch.level == 1 or not groups:
            groups.append((ch.title, []))
        groups[-1][1].append(ident)
    if len(groups) == 1:
        tocs.add("toc", "Contents", groups[0][1], top=True)
    else:
        members = [tocs.add(tocs.new_id(), title, m) for title, m in groups]
        tocs.add("toc", "Contents", members, top=True)
    return [tocs.frames[-1], *tocs.frames[:-1]]


class _Tocs:
    """CTOC frames being built; a list longer than a CTOC can hold is split
    into numbered parts (nested CTOCs), so that no entry is ever dropped."""

    def __init__(self) -> None:
        self.frames: list[CTOC] = []
        self._counter = iter(range(1, 1 << 30))

    def new_id(self) -> str:
        """A CTOC element id not used by any other frame of the tag."""
        return f"toc{next(self._counter)}"

    def add(self, element_id: str, title: str, members: list[str], top: bool = False) -> str:
        """Add one ordered CTOC listing `members` (nesting them in parts of at
        most 255 when there are more) and return its element id."""
        while len(members) > MAX_CTOC_ENTRIES:  # nest: parts of at most 255
            step = MAX_CTOC_ENTRIES
            parts = [members[i : i + step] for i in range(0, len(members), step)]
            members = [
                self.add(self.new_id(), f"{title} ({k})", part) for k, part in enumerate(parts, 1)
            ]
        flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if top else 0)
        self.frames.append(
            CTOC(
                element_id=element_id,
                flags=flags,
                child_element_ids=members,
                sub_frames=[TIT2(encoding=3, text=[title])],
            )
        )
        return element_id


def _nested_contents(
    tocs: _Tocs, ids: Sequence[str], chapters: Sequence[ChapterTime]
) -> list[CTOC]:
    """Nested CTOCs for a book with parts: a chapter with chapters below it in
    the outline (a part, an article with sections) becomes a CTOC listing its
    own CHAP first, then what is below it.  Every list longer than 255 is
    split into numbered parts, so every chapter is listed."""
    # (outline level, element id, title, children ids)
    stack: list[tuple[int, str, str, list[str]]] = [(0, "toc", "Contents", [])]

    def close() -> None:
        _, ident, title, kids = stack.pop()
        tocs.add(ident, title, kids, top=ident == "toc")

    for n, (ident, ch) in enumerate(zip(ids, chapters, strict=True)):
        while stack[-1][0] >= ch.outline:
            close()
        following = chapters[n + 1] if n + 1 < len(chapters) else None
        if following is not None and following.outline > ch.outline:
            group = f"toc-{ident}"
            stack[-1][3].append(group)
            stack.append((ch.outline, group, ch.title, [ident]))
        else:
            stack[-1][3].append(ident)
    while stack:
        close()
    top = tocs.frames.pop()  # the top-level CTOC first
    return [top, *tocs.frames]
