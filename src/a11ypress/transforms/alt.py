"""The alt text every output gives an image: worked out once, in the model.

An image whose author gave no alt borrows the alt given for the same source
elsewhere in the article (the cover's included), else its figure's caption;
:func:`resolve_alts` records that in :attr:`~a11ypress.model.Image.fallback_alt`.
The XHTML (EPUB and PDF) and speech renderers all read :func:`shown_alt`, so
the JSON model, the books and the audio cannot disagree.
"""

from __future__ import annotations

from dataclasses import replace

from a11ypress import model as m

from .text import plain_text
from .walk import iter_nodes, map_nodes

#: Alt text of an image whose author gave none and that has nothing to borrow
#: (honest, and never empty: an empty alt would tell assistive technology the
#: image is decorative).
NO_DESCRIPTION = "Image (no description provided)"


def known_alts(doc: m.Document) -> dict[str, str]:
    """Alt texts the article gives for each image source (the cover's included)."""
    out: dict[str, str] = {}
    cover = doc.metadata.cover
    if cover is not None and cover.alt:
        out[cover.src] = cover.alt
    for node in iter_nodes(doc):
        if isinstance(node, m.Image) and node.alt:
            out.setdefault(node.src, node.alt)
    return out


def resolve_alts(doc: m.Document) -> m.Document:
    """``doc`` with :attr:`~a11ypress.model.Image.fallback_alt` set on every image
    whose author gave no alt and that can borrow one."""
    if not any(isinstance(n, m.Image) and n.alt_missing for n in iter_nodes(doc)):
        return doc
    alts = known_alts(doc)

    def fill(img: m.Image, caption: str = "") -> m.Image:
        if not img.alt_missing or img.fallback_alt is not None:
            return img
        found = alts.get(img.src) or caption
        return replace(img, fallback_alt=found) if found else img

    def visit(node: m.AnyNode) -> m.AnyNode:
        if isinstance(node, m.Figure) and node.image.alt_missing:
            caption = plain_text(node.caption) if node.caption else ""
            image = fill(node.image, caption)
            return node if image is node.image else replace(node, image=image)
        if isinstance(node, m.Image):
            return fill(node)
        return node

    return map_nodes(doc, visit)


def shown_alt(img: m.Image) -> str | None:
    """What every output says for ``img``: None for a decorative image, else its
    alt, its fallback, or :data:`NO_DESCRIPTION`."""
    if img.decorative:
        return None
    if img.alt_missing:
        return img.fallback_alt or NO_DESCRIPTION
    return img.alt


def lacks_alt(img: m.Image) -> bool:
    """True when ``img`` is shown with :data:`NO_DESCRIPTION` (nothing to borrow)."""
    return img.alt_missing and not img.fallback_alt
