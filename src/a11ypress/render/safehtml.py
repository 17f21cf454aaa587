"""Raw HTML in articles, re-built as safe, well-formed XHTML from an allow-list.

Scripts, styles, event handlers, ``javascript:``/``data:``/``file:`` URLs,
iframes, SVG, MathML and other embeds are removed (with their content);
unknown wrappers are dropped but their text is kept; comments are dropped.
Links in raw HTML are kept only to ``http(s)`` and ``mailto`` targets.  An
``<img>`` is never fetched: its alt text is shown in its place.

Raw HTML nested deeper than :data:`MAX_HTML_DEPTH` elements follows the rule
for deep Markdown: its text is kept, flattened into one run, and the caller
warns (libxml2 would otherwise drop everything below 256 levels, and the PDF's
layout would exhaust the Python stack long before that).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree
from lxml import html as lxml_html

from .dom import XHTML, append_text, clean, el

#: Links kept on raw HTML ``<a>``: to the web or to an e-mail address.
_REMOTE_LINK = re.compile(r"^(?:https?://|mailto:)", re.I)

#: Inline HTML tags kept (as themselves) when an article uses raw HTML.
PHRASING = frozenset(
    {
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "br",
        "wbr",
    }
)
#: Block HTML tags kept from raw HTML blocks.
FLOW = (
    frozenset(
        {
            "p",
            "div",
            "section",
            "article",
            "aside",
            "blockquote",
            "ul",
            "ol",
            "li",
            "dl",
            "dt",
            "dd",
            "pre",
            "hr",
            "table",
            "caption",
            "thead",
            "tbody",
            "tfoot",
            "tr",
            "th",
            "td",
            "details",
            "summary",
            "figure",
            "figcaption",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "address",
            "a",
        }
    )
    | PHRASING
)
#: Attributes kept on raw HTML (others, event handlers included, are dropped).
SAFE_ATTRS = frozenset(
    {
        "title",
        "lang",
        "dir",
        "colspan",
        "rowspan",
        "scope",
        "datetime",
        "cite",
        "href",
        "abbr",
        "headers",
        "open",
    }
)
#: Elements whose content is dropped with them.
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "video",
        "audio",
        "canvas",
        "svg",
        "math",
        "head",
        "title",
        "link",
        "meta",
        "img",
        "picture",
        "source",
    }
)


#: Deepest raw HTML block kept as elements (as for Markdown blocks); deeper
#: HTML is kept as flat text.
MAX_HTML_DEPTH = 100
#: Deepest raw inline HTML kept as elements (as for Markdown inlines).
MAX_INLINE_HTML_DEPTH = 50
#: Tags that close an open element of the same name (``<p>a<p>b``).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})

#: Elements that never have content (no closing tag to wait for).
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


def inline_html(stack: list[etree._Element], raw: str) -> None:
    """Apply one raw inline HTML tag: an allowed opening tag pushes a new
    element on ``stack``, its closing tag pops it; anything else is dropped.
    The content of a dropped element such as ``<script>`` goes into a
    detached element pushed on ``stack``, so it never reaches the output."""
    tag = raw.strip("<>/ \n").split()[0].lower() if raw.strip("<>/ \n") else ""
    if raw.startswith("</"):
        if len(stack) > 1 and etree.QName(stack[-1]).localname == tag:
            stack.pop()
        return
    if tag == "img" and not raw.startswith("<!--"):
        try:
            alt = lxml_html.fragment_fromstring(raw).get("alt") or ""
        except (etree.ParserError, ValueError):
            alt = ""
        image_placeholder(stack[-1], alt)
        return
    if tag in DROP_WITH_CONTENT and tag not in VOID and not raw.rstrip().endswith("/>"):
        stack.append(etree.Element(f"{{{XHTML}}}{tag}"))  # detached: a sink
        return
    if raw.startswith("<!--") or tag not in PHRASING | {"a"}:
        return
    if tag == "a" and any(etree.QName(x).localname == "a" for x in _self_and_up(stack[-1])):
        return  # a link inside a link is not allowed: keep its text in the outer one
    void = tag in ("br", "wbr") or raw.rstrip().endswith("/>")
    if not void and len(stack) > MAX_INLINE_HTML_DEPTH:
        return  # too deep: what follows stays text of the current element
    e = el(stack[-1], tag)
    if tag == "a":
        _link_target(e, raw)
    if void:
        return
    stack.append(e)


def raw_html(parent: etree._Element, raw: str) -> bool:
    """Parse a raw HTML block and append its safe part to ``parent``.

    Returns True when the HTML was nested more than :data:`MAX_HTML_DEPTH`
    elements deep and was appended as flat text instead (the caller warns)."""
    scan = _Scan()
    scan.feed(raw)
    scan.close()
    if scan.max_depth > MAX_HTML_DEPTH:
        text = " ".join("".join(scan.text).split())
        if text:
            append_text(parent, text)
        return True
    try:
        frags = lxml_html.fragments_fromstring(raw)
    except (etree.ParserError, ValueError):
        append_text(parent, raw)
        return False
    for f in frags:
        if isinstance(f, str):
            append_text(parent, f)
        else:
            _copy_safe(parent, f)
    return False


class _Scan(HTMLParser):
    """One pass over raw HTML without building a tree: how deep its elements
    nest, and its text (what is dropped with its content left out, an image
    as its alt text) for when it is too deep to keep as elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.max_depth = 0
        self.dropping = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self.dropping:
            alt = " ".join(clean(dict(attrs).get("alt") or "").split())
            if alt:
                self.text.append(f" [Image: {alt}] ")
        if tag in VOID:
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)
        self.open.append(tag)
        self.dropping += tag in DROP_WITH_CONTENT
        self.max_depth = max(self.max_depth, len(self.open))
        if tag in FLOW and tag not in PHRASING:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.dropping -= top in DROP_WITH_CONTENT
            if top == tag:
                break
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.text.append(data)


def _copy_safe(parent: etree._Element, src: etree._Element) -> None:
    tag = src.tag.lower() if isinstance(src.tag, str) else ""
    if tag == "img":
        image_placeholder(parent, src.get("alt") or "")
    if tag in DROP_WITH_CONTENT or not tag:  # comments and processing instructions too
        if src.tail:
            append_text(parent, src.tail)
        return
    if tag in FLOW:
        e = el(parent, tag)
        _copy_attrs(e, src)
        if tag == "th" and "scope" not in e.attrib:
            e.set("scope", "col")
        target = e
    else:
        target = parent  # unknown wrapper: keep its content
    if src.text:
        append_text(target, src.text)
    for child in src:
        if isinstance(child.tag, str):
            _copy_safe(target, child)
        elif child.tail:
            append_text(target, child.tail)
    if src.tail:
        append_text(parent, src.tail)


def _copy_attrs(e: etree._Element, src: etree._Element) -> None:
    """The allowed attributes of ``src`` onto ``e``; an ``href`` only to the web
    or an e-mail address (relative, fragment or script: nothing it could point at)."""
    for key, raw in src.attrib.items():
        k, v = str(key).lower(), str(raw)
        if k in SAFE_ATTRS:
            if k == "href":
                if not _REMOTE_LINK.match(v.strip()):
                    continue
                v = safe_href(v)
            e.set(k, clean(v))


def _self_and_up(e: etree._Element) -> list[etree._Element]:
    """``e`` and its ancestors."""
    return [e, *e.iterancestors()]


def _link_target(e: etree._Element, raw: str) -> None:
    """The attributes of a raw inline ``<a ...>`` tag onto ``e``."""
    try:
        src = lxml_html.fragment_fromstring(raw + "</a>")
    except (etree.ParserError, ValueError):
        return
    _copy_attrs(e, src)


def image_placeholder(parent: etree._Element, alt: str) -> None:
    """What a raw HTML ``<img>`` becomes: never fetched, but its alt text is
    shown (as for a remote image); nothing for a decorative ``alt=""``."""
    alt = " ".join(clean(alt).split())
    if alt:
        ph = el(parent, "span", {"class": "image-placeholder", "role": "img", "aria-label": alt})
        ph.text = f"[Image: {alt}]"


def safe_href(url: str) -> str:
    """Links stay links, except script, data and local-file URLs."""
    u = url.strip()
    squashed = "".join(ch for ch in u.lower() if ch > " ")
    if squashed.startswith(("javascript:", "vbscript:", "data:", "file:")):
        return "#"
    return u or "#"
