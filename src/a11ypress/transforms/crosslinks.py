"""Links between the articles of one build.

A link to another article of the same book, by its Nuxt path (``/guide/install``,
``../install``, ``./2.install.md``) with or without a ``#anchor``, is rewritten
to ``a11ypress-chapter:<source>#<heading id>``; each exporter then turns it into
a link to that chapter (:func:`chapter_target`).  An anchor that names no
heading of the target falls back to the start of the article, with a note.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.transforms.links import CHAPTER_SCHEME as SCHEME
from a11ypress.transforms.walk import iter_nodes, map_nodes


@dataclass(slots=True)
class LinkTargets:
    """The articles of a build that links can land on."""

    by_route: dict[str, str] = field(default_factory=dict)
    """Nuxt path -> source of the article."""
    by_file: dict[str, str] = field(default_factory=dict)
    """Path inside the content folder (as on disk) -> source."""
    anchors: dict[str, set[str]] = field(default_factory=dict)
    """Source -> ids of its headings."""
    internal: int = 0
    """Links rewritten so far."""

    def add(self, source: str, routes: list[str], rel: str, doc: m.Document) -> None:
        """Register one article under each of its Nuxt paths."""
        for route in routes:
            self.by_route.setdefault(_norm(route), source)
        self.by_file[rel] = source
        self.anchors[source] = {n.id for n in iter_nodes(doc) if isinstance(n, m.Heading) and n.id}

    def guess_prefix(self, docs: Iterable[m.Document]) -> str | None:
        """The path prefix the articles' own links put before the site's pages
        (``/docs/4.x`` when ``/docs/4.x/guide/x`` names the article ``/guide/x``),
        when at least three links agree on one; those links then land too."""
        counts: Counter[str] = Counter()
        for doc in docs:
            for node in iter_nodes(doc):
                if isinstance(node, m.Link | m.LinkCard):
                    prefix = self._prefix_of(node.url)
                    if prefix:
                        counts[prefix] += 1
        if not counts:
            return None
        prefix, n = counts.most_common(1)[0]
        if n < 3:
            return None
        for route, source in list(self.by_route.items()):
            self.by_route.setdefault(_norm(prefix + route), source)
        return prefix

    def _prefix_of(self, url: str) -> str | None:
        u = url.strip()
        if not u.startswith("/") or u.startswith("//"):
            return None  # only site-absolute paths: no scheme, no host
        path = unquote(urlsplit(u).path)
        if _norm(path) in self.by_route:
            return None
        parts = _norm(path).strip("/").split("/")
        for k in range(1, min(3, len(parts) - 1) + 1):  # a page must remain
            rest = "/" + "/".join(parts[k:])
            if _norm(rest) in self.by_route:
                return "/" + "/".join(parts[:k])
        return None


def _norm(route: str) -> str:
    r = "/" + route.strip("/").lower()
    return r


def _target(url: str, route: str, rel: str, targets: LinkTargets) -> tuple[str, str] | None:
    """(source, fragment) for a link that lands on an article of the build."""
    u = url.strip()
    if not u or u.startswith("#") or ":" in u.split("/", 1)[0] or u.startswith("//"):
        return None
    parts = urlsplit(u)
    path = unquote(parts.path)
    if not path:
        return None
    if path.endswith(".md"):  # a link to the file itself, relative to the article
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
        source = targets.by_file.get(joined.lstrip("/"))
    else:
        # Relative paths resolve against the article's folder (an index.md
        # is its folder's page: its own path is that folder).
        base = route if route.endswith("/") else posixpath.dirname(route) or "/"
        absolute = path if path.startswith("/") else posixpath.join(base, path)
        source = targets.by_route.get(_norm(posixpath.normpath(absolute)))
    if source is None:
        return None
    return source, unquote(parts.fragment)


def internal_links(
    doc: m.Document, route: str, rel: str, targets: LinkTargets, sink: DiagnosticSink
) -> m.Document:
    """``doc`` with its links to other articles of the build rewritten."""

    def fix(node: m.Link | m.LinkCard) -> m.Link | m.LinkCard:
        found = _target(node.url, route, rel, targets)
        if found is None:
            return node
        source, anchor = found
        if anchor and anchor not in targets.anchors.get(source, set()):
            sink.add(
                "anchor-not-found",
                f"link {node.url!r}: no heading with the id {anchor!r} in that article; "
                "it leads to the article's start",
                node.pos.line if node.pos else None,
                Severity.INFO,
            )
            anchor = ""
        targets.internal += 1
        url = SCHEME + quote(source) + (f"#{quote(anchor)}" if anchor else "")
        return replace(node, url=url)

    return _map_links(doc, fix)


def _map_links(doc: m.Document, fix: Callable[[Any], Any]) -> m.Document:
    """Apply ``fix`` to every Link and LinkCard of the document (the shared walk)."""
    return map_nodes(doc, lambda n: fix(n) if isinstance(n, m.Link | m.LinkCard) else n)


def count_links(docs: Iterable[m.Document]) -> int:
    """How many links of ``docs`` lead to a chapter of the same book."""
    return sum(
        1
        for d in docs
        for n in iter_nodes(d)
        if isinstance(n, m.Link | m.LinkCard) and n.url.startswith(SCHEME)
    )
