"""Where a link goes in every output, decided once from the model.

A fragment (``#id``) points inside the article; a target with a scheme is
kept; a site-relative target (``/docs/x``, ``../y``) is made absolute against
the article's published address, and stays unresolved (shown as text) when the
article names none.  The XHTML renderer (EPUB and PDF) reads this policy;
speech reads links as their text and never says an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

LinkKind = Literal["fragment", "absolute", "unresolved"]
"""What a link target is once resolved."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A link target as every output uses it."""

    kind: LinkKind
    """``fragment`` (``href`` is the id, without ``#``), ``absolute`` (``href`` is
    the address) or ``unresolved`` (site-relative with no site to resolve it
    against; ``href`` is the target as written)."""
    href: str
    """The id, address or written target, by ``kind``."""


def link_target(url: str, base_url: str | None) -> LinkTarget:
    """Resolve a link's target as written against the article's address."""
    u = url.strip()
    if u.startswith("#"):
        return LinkTarget("fragment", u[1:])
    if _SCHEME.match(u):
        return LinkTarget("absolute", u)
    if base_url:
        return LinkTarget("absolute", urljoin(base_url, u))
    return LinkTarget("unresolved", url)
