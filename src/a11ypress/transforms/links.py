"""Where a link goes in every output, decided once from the model.

A fragment (``#id``) points inside the article; a link to another article of
the same book (rewritten by :mod:`a11ypress.transforms.crosslinks`) leads to
that chapter; a target with a scheme is kept; a site-relative target
(``/docs/x``, ``../y``) is made absolute against the article's published
address, and stays unresolved (shown as text) when the article names none.
The XHTML renderer (EPUB and PDF) reads this policy; speech reads links as
their text and never says an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urljoin

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

LinkKind = Literal["fragment", "chapter", "absolute", "unresolved"]
"""What a link target is once resolved."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A link target as every output uses it."""

    kind: LinkKind
    """``fragment`` (``href`` is the id, without ``#``), ``absolute`` (``href`` is
    the address) or ``unresolved`` (site-relative with no site to resolve it
    against; ``href`` is the target as written)."""
    href: str
    """The id, address or written target, by ``kind``; for ``chapter``, the
    source of the article of the same book it leads to."""
    anchor: str | None = None
    """``chapter``: the heading id in that article (None: its start)."""


#: Scheme of a link to another article of the same book, as
#: :mod:`a11ypress.transforms.crosslinks` rewrites it:
#: ``a11ypress-chapter:<source>#<heading id>``.
CHAPTER_SCHEME = "a11ypress-chapter:"


def chapter_link(url: str) -> tuple[str, str | None] | None:
    """(source, anchor) of a link to another article of the book, or None."""
    if not url.startswith(CHAPTER_SCHEME):
        return None
    source, _, anchor = url[len(CHAPTER_SCHEME) :].partition("#")
    return unquote(source), unquote(anchor) or None


def link_target(url: str, base_url: str | None) -> LinkTarget:
    """Resolve a link's target as written against the article's address."""
    u = url.strip()
    chapter = chapter_link(u)
    if chapter is not None:
        return LinkTarget("chapter", chapter[0], chapter[1])
    if u.startswith("#"):
        return LinkTarget("fragment", u[1:])
    if _SCHEME.match(u):
        return LinkTarget("absolute", u)
    if base_url:
        return LinkTarget("absolute", urljoin(base_url, u))
    return LinkTarget("unresolved", url)
