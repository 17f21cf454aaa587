"""What every exporter needs of a book: its chapters, its title page text and
its build time."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from a11ypress import model as m
from a11ypress.render.dom import el
from a11ypress.render.xhtml import HeadingEntry


@dataclass
class Chapter:
    """One article of the book."""

    doc: m.Document
    """The article (title in body or not)."""
    source: Path | None
    """Its source file."""
    file_name: str = ""
    """Name inside the package."""
    headings: list[HeadingEntry] = field(default_factory=list)
    """(level, text, id) of its headings, for the nav."""


def chapters_of(doc: m.Document, sources: tuple[Path, ...]) -> list[Chapter]:
    """Split a document into chapters: one per digest section, else one."""
    if doc.children and all(isinstance(b, m.Section) and b.metadata for b in doc.children):
        out = []
        for b in doc.children:
            assert isinstance(b, m.Section) and b.metadata is not None
            out.append(
                Chapter(
                    m.Document(
                        metadata=b.metadata,
                        children=b.children,
                        footnotes=b.footnotes,
                        title_in_body=True,
                        source=b.source,
                    ),
                    Path(b.source) if b.source else None,
                )
            )
        return out
    src = sources[0] if sources else (Path(doc.source) if doc.source else None)
    return [Chapter(doc, src)]


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
