"""Small helpers for building XHTML with lxml (namespaces, text, documents)."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from a11ypress.xmlchars import strip_invalid

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"
NSMAP = {None: XHTML, "epub": OPS}


def el(
    parent: etree._Element | None,
    tag: str,
    attrib: dict[str, str] | None = None,
    text: str | None = None,
) -> etree._Element:
    """A new XHTML element (a root with the XHTML and EPUB namespaces when
    ``parent`` is None), with attributes and text."""
    if parent is not None:
        e = etree.SubElement(parent, f"{{{XHTML}}}{tag}")
    else:
        e = etree.Element(f"{{{XHTML}}}{tag}", nsmap=NSMAP)  # type: ignore[arg-type]
    for k, v in (attrib or {}).items():
        e.set(k, clean(v))
    if text:
        e.text = clean(text)
    return e


def append_text(parent: etree._Element, text: str) -> None:
    """Append text after the last child (or as the element's text).

    Constant time in the number of children: ``len()`` of an lxml element
    counts its children one by one, which made a paragraph of tens of
    thousands of inline elements quadratic."""
    text = clean(text)
    if not text:
        return
    last = last_child(parent)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def last_child(parent: etree._Element) -> etree._Element | None:
    """The last child of ``parent`` (comments included), or None, in constant
    time (``parent[-1]`` starts from the end; ``len(parent)`` walks them all)."""
    try:
        return parent[-1]
    except IndexError:
        return None


def clean(text: str) -> str:
    """Drop characters XML cannot carry."""
    return strip_invalid(text)


def set_lang(e: etree._Element, lang: str | None) -> None:
    """Set both ``lang`` and ``xml:lang`` (EPUB and PDF readers look at either)."""
    if lang:
        e.set("lang", lang)
        e.set(XML_LANG, lang)


#: Class of a link to another chapter of the same book.
CHAPTER_LINK = "chapter-link"


def new_document(
    title: str, lang: str, stylesheets: Sequence[str]
) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML document; returns (html root, body)."""
    root = el(None, "html")
    set_lang(root, lang)
    head = el(root, "head")
    el(head, "meta", {"charset": "utf-8"})
    el(head, "title", None, title or "Untitled")
    for href in stylesheets:
        el(head, "link", {"rel": "stylesheet", "type": "text/css", "href": href})
    body = el(root, "body")
    return root, body


def serialize(root: etree._Element) -> bytes:
    """XHTML bytes with XML declaration and HTML5 doctype."""
    return etree.tostring(
        root, encoding="utf-8", xml_declaration=True, doctype="<!DOCTYPE html>", pretty_print=False
    )


def unlink_dangling(root: etree._Element) -> list[str]:
    """Turn links to a fragment that no element under ``root`` carries
    (``<a href="#nowhere">``) into plain spans; returns those targets.  Links to
    another chapter of the book (class :data:`CHAPTER_LINK`) are left alone."""
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    missing = []
    for a in list(root.iter(f"{{{XHTML}}}a")):
        href = a.get("href") or ""
        if a.get("class") == CHAPTER_LINK:
            continue
        if href.startswith("#") and len(href) > 1 and href[1:] not in ids:
            missing.append(href)
            a.tag = f"{{{XHTML}}}span"
            a.attrib.clear()
            a.set("class", "link-unresolved")
            a.set("title", href)
    return missing
