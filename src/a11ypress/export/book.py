"""What every exporter needs of a book: its chapters, its title page text and
its build time."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from a11ypress import model as m
from a11ypress.render.dom import el
from a11ypress.render.xhtml import HeadingEntry
from a11ypress.transforms.digest import LEFT_OUT


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the book (a folder of a site)."""

    id: str
    """Its section id (unique in the book)."""
    title: str
    """Its title."""
    lang: str
    """Its language."""


@dataclass
class Chapter:
    """One article of the book (or the title page of a part)."""

    doc: m.Document
    """The article (title in body or not)."""
    source: Path | None
    """Its source file."""
    file_name: str = ""
    """Name inside the package."""
    headings: list[HeadingEntry] = field(default_factory=list)
    """(level, text, id) of its headings, for the nav."""
    parts: tuple[Part, ...] = ()
    """Enclosing parts, outermost first (the one it opens included)."""
    opens: bool = False
    """True when the chapter opens its innermost part: the part's introduction
    (its folder's index.md) or, when it has none, a page with its title."""


def chapters_of(doc: m.Document, sources: tuple[Path, ...]) -> list[Chapter]:
    """Split a document into chapters: one per digest section (parts flattened,
    each opened by its introduction or a title page), else one."""
    if doc.children and all(isinstance(b, m.Section) and b.metadata for b in doc.children):
        out: list[Chapter] = []
        _flatten(doc.children, (), out)
        return out
    src = sources[0] if sources else (Path(doc.source) if doc.source else None)
    return [Chapter(doc, src)]


def _flatten(blocks: tuple[m.Block, ...], parts: tuple[Part, ...], out: list[Chapter]) -> None:
    for b in blocks:
        if not isinstance(b, m.Section) or b.metadata is None:
            continue
        if b.part:
            part = Part(b.id or "part", b.metadata.title, b.metadata.language)
            inner = (*parts, part)
            first = b.children[0] if b.children else None
            if not (isinstance(first, m.Section) and first.intro):
                page = m.Document(metadata=b.metadata, children=(), source=None)
                out.append(Chapter(page, None, parts=inner, opens=True))
            _flatten(b.children, inner, out)
            continue
        chapter_doc = m.Document(
            metadata=b.metadata,
            children=b.children,
            footnotes=b.footnotes,
            title_in_body=True,
            source=b.source,
        )
        out.append(
            Chapter(chapter_doc, Path(b.source) if b.source else None, parts=parts, opens=b.intro)
        )


@dataclass
class TocEntry:
    """One entry of a book's table of contents."""

    title: str
    """Text of the entry."""
    chapter: Chapter
    """The chapter it is in."""
    anchor: str | None
    """Id inside the chapter (None: its start)."""
    lang: str | None = None
    """Language of the entry, when it is the chapter's."""
    children: list[TocEntry] = field(default_factory=list)
    """Entries below it."""
    part: bool = False
    """True for a part."""


def _heading_entries(ch: Chapter, heads: list[HeadingEntry]) -> list[TocEntry]:
    """Nested entries of headings (levels already without gaps)."""
    out: list[TocEntry] = []
    stack: list[tuple[int, list[TocEntry]]] = [(0, out)]
    for level, text, ident in heads:
        entry = TocEntry(text, ch, ident)
        while stack[-1][0] >= level:
            stack.pop()
        stack[-1][1].append(entry)
        stack.append((level, entry.children))
    return out


def toc_tree(chapters: list[Chapter]) -> list[TocEntry]:
    """The table of contents: parts, then articles, then their headings
    (call after rendering, when the chapters' headings are known)."""
    top: list[TocEntry] = []
    by_part: dict[str, TocEntry] = {}
    for ch in chapters:
        title_id = next((h[2] for h in ch.headings if h[0] == 1), None)
        subs = _heading_entries(ch, [h for h in ch.headings if h[0] > 1])
        enclosing = ch.parts[:-1] if ch.opens else ch.parts
        parent = by_part[enclosing[-1].id].children if enclosing else top
        if ch.opens and ch.parts:
            part = ch.parts[-1]
            entry = TocEntry(part.title, ch, title_id, part.lang, subs, part=True)
            by_part[part.id] = entry
        else:
            meta = ch.doc.metadata
            entry = TocEntry(meta.title or "Untitled", ch, title_id, meta.language, subs)
        parent.append(entry)
    return top


def chapter_hrefs(
    chapters: list[Chapter], href: Callable[[int, str | None], str]
) -> Callable[[str, str | None], str | None]:
    """The renderer's ``chapter_href``: (source, heading id) -> ``href(number,
    id)`` of the chapter made from that source (numbers start at 1)."""
    numbers = {ch.doc.source: i for i, ch in enumerate(chapters, 1) if ch.doc.source}

    def find(source: str, anchor: str | None) -> str | None:
        number = numbers.get(source)
        return None if number is None else href(number, anchor)

    return find


def depth(ch: Chapter) -> int:
    """How many parts enclose the chapter's article (a part's own title page or
    introduction counts its part's ancestors only)."""
    return len(ch.parts) - 1 if ch.opens else len(ch.parts)


def build_time(date: str | None = None) -> datetime.datetime:
    """Build time: ``SOURCE_DATE_EPOCH`` when set, else the content's date, else a
    fixed date, so the same input always gives the same bytes."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw and raw.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(raw), datetime.UTC).replace(tzinfo=None)
    if date:
        try:
            return datetime.datetime.fromisoformat(date[:10])
        except ValueError:
            pass
    return datetime.datetime(2000, 1, 1)


def title_page_text(section: etree._Element, meta: m.Metadata) -> None:
    """Append the title page's text to ``section``: the title as ``h1``, then
    authors, date and description when the book has them."""
    el(section, "h1", {"id": "booktitle"}, meta.title or "Untitled")
    if meta.authors:
        el(section, "p", {"class": "authors"}, ", ".join(a.name for a in meta.authors))
    if meta.date:
        el(section, "p", {"class": "date"}, meta.date)
    if meta.description:
        el(section, "p", {"class": "description"}, meta.description)
    left_out = meta.extra.get(LEFT_OUT)
    if isinstance(left_out, list) and left_out:
        el(
            section,
            "p",
            {"class": "left-out"},
            f"Left out: {len(left_out)} article{'s' if len(left_out) != 1 else ''} "
            "could not be converted: " + ", ".join(str(x) for x in left_out) + ".",
        )
