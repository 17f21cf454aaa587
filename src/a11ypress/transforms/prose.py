"""Model shapes for the documentation components of Nuxt UI and its kin.

Each turns a component into ordinary model blocks that every output already
knows, so nothing about them is lost and nothing needs a new renderer:

* ``group`` (a tab, an accordion item, a card): its title or label in bold,
  then its content;
* ``field`` (one property in an API reference): its name and type as code, and
  whether it is required, then its description;
* ``figure``: the image inside with the ``figcaption`` inside as its caption;
* ``video``: never fetched; a visible placeholder with its title and address.

A ``to``/``href`` prop (the target the site makes the whole block clickable)
is kept: see :func:`link_blocks` and :func:`link_inlines`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from a11ypress import model as m
from a11ypress.model import PropValue

from .walk import iter_nodes

#: A prop value that is a link target (an address, a path, an anchor).
_TARGET = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|\./|\.\./|#)\S*$", re.I)
#: Schemes never linked nor printed (as raw HTML links are refused them).
_REFUSED = ("javascript:", "vbscript:", "data:", "file:")
#: Targets every output can link to.
_LINKABLE = re.compile(r"^(?:https?:|mailto:|tel:|ftp:|/|\./|\.\./|#|[^:/?#]*(?:[/?#]|$))", re.I)


def target(props: dict[str, PropValue]) -> str | None:
    """The link target a component's ``to`` or ``href`` prop names, if any (a
    script, data or local-file URL is no target: nothing is lost without it)."""
    for key in ("to", "href"):
        value = props.get(key)
        if isinstance(value, str) and _TARGET.match(value.strip()):
            squashed = "".join(ch for ch in value.lower() if ch > " ")
            if not squashed.startswith(_REFUSED):
                return value.strip()
    return None


def linkable(url: str) -> bool:
    """Whether a target can be a link in every output: a web or mail address, a
    path or an anchor.  An app's own scheme (``cursor://``, ``vscode:``) is not
    registered, so EPUB readers refuse it (EPUBCheck HTM-025): it is printed."""
    return bool(_LINKABLE.match(url))


def printed(url: str) -> tuple[m.Inline, ...]:
    """An address that cannot be a link, shown as code after the content."""
    return (m.Text(text=" "), m.Code(text=url))


def address(url: str) -> m.Inline:
    """The address itself as a link: a link with no text shows its address
    (printed once in the PDF too) and is spoken as "link", not spelled out."""
    link = m.Link(url=url, children=())
    return m.Span(attrs=m.Attrs(classes=("address",)), children=(link,))


def _has_link(node: m.AnyNode | Iterable[m.AnyNode]) -> bool:
    return any(isinstance(n, m.Link | m.LinkCard) for n in iter_nodes(node))


def link_inlines(kids: tuple[m.Inline, ...], url: str) -> tuple[m.Inline, ...]:
    """Inline content made a link to ``url``; content that already holds a link
    (links do not nest) or is empty gets the address after it."""
    if not linkable(url):
        return (*kids, *printed(url)) if kids else (m.Code(text=url),)
    if kids and not _has_link(kids):
        return (m.Link(url=url, children=kids),)
    return (*kids, *((m.Text(text=" "),) if kids else ()), address(url))


def link_blocks(
    blocks: tuple[m.Block, ...], url: str, pos: m.SourcePos | None
) -> tuple[m.Block, ...]:
    """Blocks of a component that links to ``url``: the first paragraph becomes
    the link when it holds none; otherwise the address follows the content."""
    if not linkable(url):
        return (*blocks, m.Paragraph(children=(m.Code(text=url),), pos=pos))
    for i, b in enumerate(blocks):
        if isinstance(b, m.Paragraph) and b.children:
            if _has_link(b):
                break
            linked = replace(b, children=(m.Link(url=url, children=b.children),))
            return (*blocks[:i], linked, *blocks[i + 1 :])
        if not isinstance(b, m.Paragraph):
            break
    return (*blocks, m.Paragraph(children=(address(url),), pos=pos))


def label_paragraph(
    text: tuple[m.Inline, ...], url: str | None, pos: m.SourcePos | None
) -> m.Paragraph:
    """A group's title in bold, a link when the group links somewhere."""
    strong: m.Inline = m.Strong(children=text)
    if url is not None and not linkable(url):
        return m.Paragraph(children=(strong, *printed(url)), pos=pos)
    if url is not None:
        strong = m.Link(url=url, children=(strong,))
    return m.Paragraph(children=(strong,), pos=pos)


def field_label(props: dict[str, PropValue], pos: m.SourcePos | None) -> m.Paragraph | None:
    """``name`` (as code), its ``type`` and "required" for a field component."""
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    out: list[m.Inline] = [m.Strong(children=(m.Code(text=name.strip()),))]
    typ = props.get("type")
    if isinstance(typ, str) and typ.strip():
        out += [m.Text(text=": "), m.Code(text=typ.strip())]
    if props.get("required") in (True, "true", ""):
        out.append(m.Text(text=" (required)"))
    return m.Paragraph(children=tuple(out), pos=pos)


def video_placeholder(title: str | None, url: str | None, pos: m.SourcePos | None) -> m.Paragraph:
    """What a video becomes: "[Video: title]" and its address, never fetched."""
    label = f"[Video: {title}]" if title else "[Video]"
    kids: list[m.Inline] = [
        m.Span(attrs=m.Attrs(classes=("video-placeholder",)), children=(m.Text(text=label),))
    ]
    if url:
        kids += [m.Text(text=" "), address(url)]
    return m.Paragraph(children=tuple(kids), pos=pos)


def video_source(c: m.Component, src_prop: str) -> str | None:
    """A video's address: its own ``src`` prop, else its first ``source``."""
    own = c.props.get(src_prop)
    if isinstance(own, str) and _TARGET.match(own.strip()):
        return own.strip()
    for n in iter_nodes(c.children):
        if isinstance(n, m.Component | m.InlineComponent) and n.name == "source":
            src = n.props.get("src")
            if isinstance(src, str) and _TARGET.match(src.strip()):
                return src.strip()
    return None
