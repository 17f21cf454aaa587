"""WeasyPrint 70's internals that the tagged PDF relies on, in one place.

- Two steps of the structure-tree writer are wrapped while a PDF is written
  (:func:`wrapped_tagging`): ``weasyprint.pdf.tags._build_box_tree`` (one call
  per box, yielding structure elements) and ``weasyprint.pdf.add_tags`` (the
  whole tree, with the page content streams).  WeasyPrint rebinds nothing
  itself, so they are rebound module-wide for the duration of one layout.
- ``weasyprint.document.gather_anchors`` (which lists a page's links) is wrapped
  too (:func:`wrapped_anchors`), and boxes are read for ``link`` (set on a box
  that is a link itself, inherited by those inside it).
- Boxes are read for ``element``, ``element_tag`` and ``link_annotation``, and
  margin boxes (running headers, page numbers) are told apart by class.
- ``weasyprint.layout.inline.split_first_line`` (how much text fits on a
  line) is wrapped (:func:`wrapped_line_split`) so that spaces at the end of
  a line hang.
- A laid-out page's box tree (``Page._page_box``) is walked for its text
  boxes (:func:`page_words`): where each page of the PDF edition starts, for
  the EPUBs' print page numbers.
- WeasyPrint's log is read for two message texts: the ``.notdef`` glyph warning
  (which characters no font draws) and "Failed to load" (a refused fetch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import Private, check_version

PIN = "weasyprint>=70,<71"
"""The pin in pyproject.toml."""
VERSION = check_version("weasyprint", lambda v: v.split(".")[0] == "70", PIN)
"""The installed version (checked)."""

LOGGER_NAME = "weasyprint"
"""The logger WeasyPrint reports on."""
NOTDEF_MESSAGE = ".notdef glyph"
"""Start of the warning for text no installed font can draw; its first
argument is the string drawn as blank boxes."""
FAILED_LOAD_MESSAGE = "Failed to load"
"""Start of the error for a resource that could not be fetched."""

#: Every private name used, for the canary test.
PRIVATE: tuple[Private, ...] = (
    Private(
        "weasyprint.pdf.tags",
        "_build_box_tree",
        ("box", "parent", "pdf", "page_number", "nums", "annotations", "tags"),
    ),
    Private("weasyprint.pdf", "add_tags", ("pdf", "document", "pdf_version", "page_streams")),
    Private(
        "weasyprint.document",
        "gather_anchors",
        (
            "box",
            "anchors",
            "links",
            "bookmarks",
            "forms",
            "parent_matrix",
            "parent_form",
            "parent_link",
        ),
    ),
    Private("weasyprint.formatting_structure.boxes", "MarginBox"),
    Private("weasyprint.formatting_structure.boxes", "TextBox"),
    Private("weasyprint.document", "Page.__init__", ("self", "page_box")),
    Private("weasyprint.formatting_structure.boxes", "Box.link_annotation"),
    Private("weasyprint.formatting_structure.boxes", "Box.element_tag", on_instance=True),
    Private("weasyprint.formatting_structure.boxes", "Box.element", on_instance=True),
    Private("weasyprint.formatting_structure.boxes", "Box.link"),
    Private(
        "weasyprint.layout.inline",
        "split_first_line",
        (
            "text",
            "style",
            "context",
            "max_width",
            "justification_spacing",
            "is_line_start",
            "minimum",
        ),
    ),
)
#: Public names relied on in a way WeasyPrint's documentation does not show
#: (subclassing its URL fetcher), checked by the canary test all the same.
PUBLIC: tuple[Private, ...] = (
    Private("weasyprint.urls", "URLFetcher.fetch", ("self", "url", "headers")),
    Private(
        "weasyprint.urls",
        "URLFetcherResponse.__init__",
        ("self", "url", "body", "headers", "status", "kwargs"),
    ),
)
#: Log message texts relied on: (module whose source holds it, text).
MESSAGES: tuple[tuple[str, str], ...] = (
    ("weasyprint.draw.text", NOTDEF_MESSAGE),
    ("weasyprint.images", FAILED_LOAD_MESSAGE),
)

BuildTree = Callable[..., Iterator[Any]]
"""``_build_box_tree(box, parent, pdf, page_number, nums, *rest)``."""
AddTags = Callable[[Any, Any, Any, list[Any]], None]
"""``add_tags(pdf, document, pdf_version, page_streams)``."""
GatherAnchors = Callable[..., None]
"""``gather_anchors(box, anchors, links, bookmarks, forms, *rest)``; appends
``(type, target, rectangle, box)`` to ``links``."""


def own_link(box: Any) -> bool:
    """True when the box is a link itself (not only inside one)."""
    return getattr(box, "link", None) is not None


@contextmanager
def wrapped_anchors(gather: Callable[[GatherAnchors], GatherAnchors]) -> Iterator[None]:
    """While active, the ``gather_anchors`` WeasyPrint's document layout calls
    is ``gather(original)``; the original comes back afterwards."""
    from weasyprint import document as weasy_document

    original = weasy_document.gather_anchors
    weasy_document.gather_anchors = gather(original)
    try:
        yield
    finally:
        weasy_document.gather_anchors = original
SplitFirstLine = Callable[..., Any]
"""``split_first_line(text, style, context, max_width, ...)``; its result's
second item is the first line's length in UTF-8 bytes and its third where the
next line resumes (None: the text fits); ``style`` is read for ``white_space``
and ``hyphens``."""


def is_margin_box(box: Any) -> bool:
    """True for a page margin box (running header, page number)."""
    from weasyprint.formatting_structure import boxes

    return isinstance(box, boxes.MarginBox)


@contextmanager
def wrapped_tagging(
    build: Callable[[BuildTree], BuildTree], add: Callable[[AddTags], AddTags]
) -> Iterator[None]:
    """While active, WeasyPrint's ``_build_box_tree`` is ``build(original)`` and
    its ``add_tags`` is ``add(original)``; the originals come back afterwards."""
    from weasyprint import pdf as weasy_pdf
    from weasyprint.pdf import tags

    original_tree = tags._build_box_tree
    original_add = weasy_pdf.add_tags
    tags._build_box_tree = build(original_tree)
    weasy_pdf.add_tags = add(original_add)
    try:
        yield
    finally:
        tags._build_box_tree = original_tree
        weasy_pdf.add_tags = original_add


@contextmanager
def wrapped_line_split(split: Callable[[SplitFirstLine], SplitFirstLine]) -> Iterator[None]:
    """While active, the inline layout's ``split_first_line`` is ``split(original)``."""
    from weasyprint.layout import inline

    original = inline.split_first_line
    inline.split_first_line = split(original)
    try:
        yield
    finally:
        inline.split_first_line = original


def page_words(
    document: Any, limit: int = 12, skip: frozenset[str] = frozenset()
) -> list[list[str]]:
    """For each page of a laid-out ``weasyprint.document.Document``, the
    first ``limit`` words of its text in layout order (margin boxes, that is
    running headers and page numbers, left out, and elements of a class in
    ``skip``)."""
    from weasyprint.formatting_structure import boxes

    def texts(box: Any) -> Iterator[str]:
        if isinstance(box, boxes.MarginBox):
            return
        element = getattr(box, "element", None)
        classes = element.get("class", "").split() if element is not None else []
        if skip.intersection(classes):
            return
        if isinstance(box, boxes.TextBox):
            yield box.text
            return
        for child in getattr(box, "children", ()):
            yield from texts(child)

    pages: list[list[str]] = []
    for page in document.pages:
        words: list[str] = []
        for text in texts(page._page_box):
            words += text.split()
            if len(words) >= limit:
                break
        pages.append(words[:limit])
    return pages
