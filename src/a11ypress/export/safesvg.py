"""SVG images from articles, cleaned before they are embedded.

An SVG file is a document that can run scripts, load remote resources and
declare entities.  Only SVG elements are kept; scripts, ``foreignObject``,
event handlers, references to anything but a fragment of the same file, and
styles that import or point at other resources are removed.  A file with a
DTD (entity declarations) is refused.  Parsing never touches the network.

``<use>`` elements (and ``url(#id)`` references) draw another part of the file
again, so a few kilobytes can ask for millions of shapes, level by level:
:class:`SvgTooComplex` is raised when the drawing, with every reference
expanded, would have more than :data:`MAX_SVG_ELEMENTS` elements, or when
references form a cycle.
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: SVG elements removed with their content.
_DROP = frozenset(
    {
        "script",
        "foreignObject",
        "handler",
        "listener",
        "iframe",
        "object",
        "embed",
        "audio",
        "video",
        "animation",
        "discard",
        "set",
        "animate",
        "animateTransform",
        "animateMotion",
    }
)
#: A CSS or attribute value that reaches outside the file.
_EXTERNAL = re.compile(r"""url\(\s*['"]?\s*(?!#)|@import|expression\(|javascript:""", re.I)
#: Most elements an SVG may draw once every ``<use>`` and ``url(#id)``
#: reference is expanded (an ordinary chart or map draws a few thousand).
MAX_SVG_ELEMENTS = 20_000
_FRAGMENT_URL = re.compile(r"""url\(\s*['"]?\s*#([^'")\s]+)""")


class SvgTooComplex(ValueError):
    """The SVG's references expand to more than :data:`MAX_SVG_ELEMENTS`
    elements, or form a cycle."""


def sanitize_svg(data: bytes) -> bytes | None:
    """The SVG in ``data`` with everything active or external removed, or
    None when it is not a well-formed SVG document without a DTD."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    for e in list(root.iter()):
        if not isinstance(e.tag, str):
            _remove(e)
            continue
        q = etree.QName(e)
        if q.namespace != SVG_NS or q.localname in _DROP:
            _remove(e)
            continue
        if q.localname == "style" and e.text and _EXTERNAL.search(e.text):
            _remove(e)
            continue
        for key in list(e.attrib):
            name = etree.QName(key).localname.lower()
            value = e.attrib[key]
            if (
                name.startswith("on")
                or (name == "href" and not value.strip().startswith("#"))
                or _EXTERNAL.search(value)
            ):
                del e.attrib[key]
    expanded_size(root)
    return bytes(etree.tostring(root, encoding="utf-8", xml_declaration=True))


def expanded_size(root: etree._Element) -> int:
    """How many elements ``root`` draws with every same-file reference
    (``<use href="#id">``, ``fill="url(#id)"``...) expanded; raises
    :class:`SvgTooComplex` beyond :data:`MAX_SVG_ELEMENTS` or on a cycle."""
    ids = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    sizes: dict[etree._Element, int] = {}
    busy: set[etree._Element] = set()

    def refs(e: etree._Element) -> list[str]:
        out: list[str] = []
        for key, value in e.attrib.items():
            k, v = str(key), str(value)
            if k.endswith("href") and v.strip():
                out.append(v.strip()[1:])
            out += _FRAGMENT_URL.findall(v)
        return out

    def size(e: etree._Element) -> int:
        if e in sizes:
            return sizes[e]
        if e in busy:
            raise SvgTooComplex("the SVG's references form a cycle")
        busy.add(e)
        total = 1
        for ident in refs(e):
            target = ids.get(ident)
            if target is not None:
                total += size(target)
        for child in e:
            if isinstance(child.tag, str):
                total += size(child)
            if total > MAX_SVG_ELEMENTS:
                break
        busy.discard(e)
        if total > MAX_SVG_ELEMENTS:
            raise SvgTooComplex(
                f"the SVG draws more than {MAX_SVG_ELEMENTS} elements once its "
                "references are expanded"
            )
        sizes[e] = total
        return total

    try:
        return size(root)
    except RecursionError as exc:  # a chain of thousands of references
        raise SvgTooComplex("the SVG's references are chained too deep") from exc


def _remove(e: etree._Element) -> None:
    """Remove ``e`` (and its content) but keep the text that follows it."""
    parent = e.getparent()
    if parent is None:
        return
    if e.tail:
        prev = e.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + e.tail
        else:
            parent.text = (parent.text or "") + e.tail
    parent.remove(e)
