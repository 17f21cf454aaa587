"""Repairs to WeasyPrint 70's tagged PDF, made while WeasyPrint writes it.

WeasyPrint builds the structure tree from the HTML, which is most of the work.
What it leaves out, PDF/UA needs, so a few of its internal steps are wrapped
(through :mod:`a11ypress.seams.weasyprint_internals`; WeasyPrint is pinned to
70.x for that reason, and the tests check the result):

* ``/Lang`` on structure elements made from HTML elements with a ``lang``
  attribute (WeasyPrint only writes the document's language, in the catalog).
  The renderer sets ``lang`` only where the language changes.
* A list item whose content is blocks (a loose item: paragraphs, a nested list)
  gets its children other than ``Lbl`` wrapped in an ``LBody``, as PDF/UA
  requires (``LI`` may only hold ``Lbl`` and ``LBody``).
* A link annotation's ``/Contents`` (its alternate description) is the link's
  text, not the target's id or address; a link gets one annotation per box of
  its own (WeasyPrint also gives one to every inline box inside it, such as a
  ``<code>``, which no ``Link`` structure element holds).
* Running headers and page numbers (page margin boxes) are drawn as marked
  content that no structure element reaches; they become ``/Artifact``, so
  assistive technology skips them instead of meeting untagged text.
* A glyph that shaping merged into its neighbours (as in Devanagari) gets an
  empty, malformed ``<>`` ToUnicode mapping; it is mapped to U+200B ZERO WIDTH
  SPACE, which adds nothing to the extracted text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from a11ypress.seams.weasyprint_internals import (
    AddTags,
    BuildTree,
    GatherAnchors,
    is_margin_box,
    own_link,
    wrapped_anchors,
    wrapped_tagging,
)

#: First line of the ToUnicode CMaps WeasyPrint writes.
_CMAP_START = b"/CIDInit /ProcSet findresource begin"


@contextmanager
def repaired_tags() -> Iterator[None]:
    """While active, WeasyPrint's tagging is repaired as described above."""
    import pydyf

    margin_mcids: dict[int, set[int]] = {}

    def wrap_build(original_tree: BuildTree) -> BuildTree:
        def build(
            box: Any, parent: Any, pdf: Any, page_number: int, nums: dict[int, Any], *rest: Any
        ) -> Iterator[Any]:
            if is_margin_box(box):
                before = set(nums)
                yield from original_tree(box, parent, pdf, page_number, nums, *rest)
                margin_mcids.setdefault(page_number, set()).update(set(nums) - before)
                return
            for element in original_tree(box, parent, pdf, page_number, nums, *rest):
                lang = _own_lang(box)
                if lang:
                    element["Lang"] = pydyf.String(lang)
                if element.get("S") == "/LI":
                    _wrap_list_body(element, pdf)
                annotation = getattr(box, "link_annotation", None)
                if annotation is not None and box.element is not None:
                    text = " ".join("".join(box.element.itertext()).split())
                    if text:
                        annotation["Contents"] = pydyf.String(text)
                yield element

        return build

    def wrap_add(original_add: AddTags) -> AddTags:
        def add(pdf: Any, document: Any, version: Any, page_streams: list[Any]) -> None:
            original_add(pdf, document, version, page_streams)
            for number, stream in enumerate(page_streams):
                orphans = margin_mcids.get(number)
                if orphans:
                    stream.stream[:] = _as_artifacts(stream.stream, orphans)

        return add

    def wrap_gather(original_gather: GatherAnchors) -> GatherAnchors:
        def gather(box: Any, anchors: Any, links: list[Any], *rest: Any) -> None:
            start = len(links)
            original_gather(box, anchors, links, *rest)
            # Only boxes that are links themselves: those inside a link inherit
            # it and would get annotations that no Link element holds.
            links[start:] = [item for item in links[start:] if own_link(item[3])]

        return gather

    with wrapped_tagging(wrap_build, wrap_add), wrapped_anchors(wrap_gather):
        yield


def fix_unicode_maps(document: Any, pdf: Any) -> None:
    """A WeasyPrint ``finisher``: give every glyph a non-empty Unicode mapping."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.stream and obj.stream[0] == _CMAP_START:
            obj.stream[:] = [
                line[:-2] + b"<200b>"
                if isinstance(line, bytes) and line.endswith(b"> <>")
                else line
                for line in obj.stream
            ]


def _as_artifacts(items: list[Any], mcids: set[int]) -> list[Any]:
    """Content stream items with the marked content of ``mcids`` turned into
    ``/Artifact`` (``/Tag <</MCID n>> BDC`` becomes ``/Artifact BMC``)."""
    import pydyf

    out: list[Any] = []
    pending = False
    for item in items:
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids:
            out[-1] = "/Artifact"
            pending = True
            continue
        if pending and item == b"BDC":
            out.append(b"BMC")
            pending = False
            continue
        out.append(item)
    return out


def _wrap_list_body(item: Any, pdf: Any) -> None:
    """Group an ``LI``'s children other than ``Lbl``/``LBody`` into ``LBody``s."""
    import pydyf

    kids: list[Any] = []
    body: Any = None
    for ref in item["K"]:
        child = pdf.objects[int(ref.split()[0])] if isinstance(ref, bytes) else None
        if child is None or child.get("S") in ("/Lbl", "/LBody"):
            kids.append(ref)
            body = None
            continue
        if body is None:
            body = pydyf.Dictionary(
                {"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item.reference}
            )
            if "Pg" in item:
                body["Pg"] = item["Pg"]
            pdf.add_object(body)
            kids.append(body.reference)
        body["K"].append(ref)
        child["P"] = body.reference
    item["K"] = pydyf.Array(kids)


def _own_lang(box: Any) -> str | None:
    """The ``lang`` of the box's element (the root's is the catalog's ``/Lang``)."""
    elem = getattr(box, "element", None)
    if elem is None or getattr(box, "element_tag", None) in ("html", "body"):
        return None
    lang = elem.get("lang")
    return str(lang) if lang else None
