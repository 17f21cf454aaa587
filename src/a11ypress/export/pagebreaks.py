"""Print page numbers in the EPUB, from the PDF edition's real layout.

WeasyPrint lays out the PDF; the first words of each of its pages
(:func:`a11ypress.seams.weasyprint_internals.page_words`) are found, in
order, in the text of the EPUB's chapters, and a ``doc-pagebreak`` marker is
put before that word, so "page 12" in the EPUB is page 12 of the PDF.  A
page whose words are not in the chapters (a digest's title page and printed
table of contents) gets no marker.  The markers are empty: they change
neither the text shown nor the narration (which is made from the model).

:class:`PrintPages` carries the PDF edition between the exports of one
document in one run: whichever export needs it first lays it out, once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic, DiagnosticSink
from a11ypress.render.dom import EPUB_TYPE, XHTML

if TYPE_CHECKING:
    from a11ypress.export import ExportOptions

_WORD = re.compile(r"\w+")
#: Words of a page's start looked up together (shorter runs are too common).
_RUN = 4
#: How many of a page's first words may be skipped (generated text the EPUB
#: does not have, such as a printed link address).
_SKIP = 4


@dataclass
class PrintPages:
    """The PDF edition of one document, shared by that document's exports in
    one run (the EPUBs take its page breaks, the PDF export writes it)."""

    name: str
    """File name of the PDF edition (named by ``pageBreakSource``)."""
    paper: str = "a4"
    """Its paper size."""
    _pdf: bytes | None = None
    _words: list[list[str]] = field(default_factory=list)
    _said: list[Diagnostic] = field(default_factory=list)
    _laid_out: bool = False

    def _lay_out(self, doc: m.Document, options: ExportOptions) -> None:
        if self._laid_out:
            return
        from a11ypress.export.pdf import build_pdf_pages

        sink = DiagnosticSink(doc.source)
        self._pdf, self._words = build_pdf_pages(doc, options, sink)
        self._said = sink.items
        self._laid_out = True

    def settled(self) -> PrintPages | None:
        """A copy holding the page breaks but not the PDF (to send them from
        the process that laid the PDF out to the one that makes the
        read-aloud book), or None when nothing was laid out yet."""
        if not self._laid_out:
            return None
        return PrintPages(self.name, self.paper, None, self._words, [], True)

    def pdf(self, doc: m.Document, options: ExportOptions, sink: DiagnosticSink) -> bytes:
        """The PDF bytes (laid out now unless an EPUB already needed them), its
        diagnostics reported to ``sink``."""
        self._lay_out(doc, options)
        sink.items.extend(self._said)
        if self._pdf is None:  # a settled copy: lay the PDF out again
            sink2 = DiagnosticSink(doc.source)
            from a11ypress.export.pdf import build_pdf

            self._pdf = build_pdf(doc, options, sink2)
            sink.items.extend(sink2.items)
        return self._pdf

    def words(self, doc: m.Document, options: ExportOptions) -> list[list[str]]:
        """The first words of each page of the PDF edition."""
        self._lay_out(doc, options)
        return self._words


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A marker put in the EPUB."""

    page: int
    """Page number (the PDF's, from 1)."""
    file_name: str
    """Chapter it is in."""
    id: str
    """Its id."""


def place_page_breaks(
    chapters: Sequence[tuple[str, etree._Element]], pages: Sequence[Sequence[str]], prefix: str = ""
) -> list[PageBreak]:
    """Put a ``doc-pagebreak`` marker before the first word of each page of
    ``pages`` found, in order, in ``chapters`` ((file name, XHTML root)); the
    markers placed, in page order."""
    words: list[str] = []
    where: list[tuple[int, etree._Element, bool, int]] = []
    for number, (_, root) in enumerate(chapters):
        body = root.find(f"{{{XHTML}}}body")
        for event, e in etree.iterwalk(body, events=("start", "end")):
            text, tail = (e.text, False) if event == "start" else (e.tail, True)
            if not text or e is body or (not tail and not isinstance(e.tag, str)):
                continue  # a comment's text is not shown
            for w in _WORD.finditer(text):
                words.append(w.group().casefold())
                where.append((number, e, tail, w.start()))
    runs: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(words) - _RUN + 1):
        runs.setdefault(tuple(words[i : i + _RUN]), []).append(i)
    found: list[tuple[int, int]] = []  # (page, word index)
    cursor = 0
    for page, first in enumerate(pages, 1):
        said = [w.casefold() for w in _WORD.findall(" ".join(first))]
        for skip in range(min(_SKIP, max(len(said) - _RUN + 1, 0))):
            starts = runs.get(tuple(said[skip : skip + _RUN]), [])
            k = bisect.bisect_left(starts, cursor)
            if k < len(starts):
                found.append((page, starts[k]))
                cursor = starts[k] + 1
                break
    placed = []
    for page, i in reversed(found):  # last first: earlier offsets stay valid
        number, e, tail, offset = where[i]
        ident = f"{prefix}page-{page}"
        _insert(e, tail, offset, page, ident)
        placed.append(PageBreak(page, chapters[number][0], ident))
    return placed[::-1]


#: Elements whose accessible name is their content: a marker inside would add
#: its page number to the name, so it goes just before them instead.
_NAMED_BY_CONTENT = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6"})


def _insert(e: etree._Element, tail: bool, offset: int, page: int, ident: str) -> None:
    """An empty page-break marker at ``offset`` in ``e``'s text (or tail), or
    before the heading or link that text is in."""
    marker = etree.Element(f"{{{XHTML}}}span")
    marker.set(EPUB_TYPE, "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("id", ident)
    marker.set("aria-label", str(page))
    named = None
    node = e.getparent() if tail else e
    while node is not None and node.tag != f"{{{XHTML}}}body":
        if isinstance(node.tag, str) and etree.QName(node).localname in _NAMED_BY_CONTENT:
            named = node
        node = node.getparent()
    if named is not None:
        parent = named.getparent()
        assert parent is not None
        parent.insert(parent.index(named), marker)
        return
    if tail:
        text = e.tail or ""
        e.tail = text[:offset] or None
        parent = e.getparent()
        assert parent is not None
        parent.insert(parent.index(e) + 1, marker)
    else:
        text = e.text or ""
        e.text = text[:offset] or None
        e.insert(0, marker)
    marker.tail = text[offset:] or None
