"""Digest: many articles -> one document whose top-level blocks are sections
(and, for a site, parts: sections of sections, one per folder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from a11ypress import model as m
from a11ypress.transforms.resolve import slugify, unique_id
from a11ypress.transforms.walk import iter_nodes

#: ``Metadata.extra`` key listing the articles left out of a digest (shown on
#: its title page).
LEFT_OUT = "a11ypress-left-out"


@dataclass(frozen=True, slots=True)
class Placed:
    """An article and where it sits in a site's folders."""

    doc: m.Document
    """The article."""
    parts: tuple[tuple[str, str], ...] = ()
    """(key, title) of each enclosing folder, outermost first."""
    intro: bool = False
    """True for a folder's index.md: the introduction of its part."""


def _sorted(items: list[Placed], sort: str | None) -> list[Placed]:
    """Sort the articles of each folder among themselves (a folder's index.md
    stays first; subfolders keep their places)."""
    if sort not in ("date", "title"):
        return items

    def key(p: Placed) -> tuple[bool, str]:
        meta = p.doc.metadata
        value = (meta.date or "9999") if sort == "date" else meta.title.casefold()
        return (not p.intro, value)

    slots: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for i, p in enumerate(items):
        slots.setdefault(p.parts, []).append(i)
    out = list(items)
    for positions in slots.values():
        for i, p in zip(positions, sorted((items[i] for i in positions), key=key), strict=True):
            out[i] = p
    return out


def _article(d: m.Document, i: int, used: set[str], intro: bool) -> m.Section:
    body = d.children
    if not d.title_in_body:
        heading_text = m.Text(text=d.metadata.title or "Untitled")
        taken = {n.id for n in iter_nodes(d) if isinstance(n, m.Heading) and n.id}
        ident = unique_id("title", taken)
        body = (m.Heading(level=1, children=(heading_text,), id=ident), *body)
    return m.Section(
        children=body,
        id=unique_id(slugify(d.metadata.title)[:40] or f"article-{i}", used),
        metadata=d.metadata,
        source=d.source,
        footnotes=d.footnotes,
        lang=d.metadata.language,
        intro=intro,
    )


def _nest(items: Sequence[Placed], lang: str, used: set[str]) -> tuple[m.Block, ...]:
    """Sections of the articles, nested into part sections by their folders."""
    root: list[m.Block] = []
    # open parts: (key, title, children)
    stack: list[tuple[str, str, list[m.Block]]] = []

    def close() -> None:
        _, title, kids = stack.pop()
        part = m.Section(
            children=tuple(kids),
            id=unique_id("part-" + (slugify(title)[:40] or "untitled"), used),
            metadata=m.Metadata(title=title, language=lang),
            part=True,
        )
        (stack[-1][2] if stack else root).append(part)

    for i, p in enumerate(items, 1):
        keep = 0
        while keep < min(len(stack), len(p.parts)) and stack[keep][0] == p.parts[keep][0]:
            keep += 1
        while len(stack) > keep:
            close()
        for key, title in p.parts[keep:]:
            stack.append((key, title, []))
        intro = p.intro and bool(p.parts) and not stack[-1][2]
        (stack[-1][2] if stack else root).append(_article(p.doc, i, used, intro))
    while stack:
        close()
    return tuple(root)


def digest(
    docs: Sequence[m.Document | Placed],
    title: str,
    *,
    sort: str | None = None,
    lang: str | None = None,
    authors: Sequence[str] = (),
    left_out: Sequence[str] = (),
) -> m.Document:
    """One document with a :class:`~a11ypress.model.Section` per article.

    Each section starts with the article's title as an h1 (unless the body
    already starts with it) and carries the article's language and source.
    Articles placed in folders (:class:`Placed`) are nested in part sections,
    a folder's index.md first as its introduction.  ``sort`` is ``date``,
    ``title`` or None (given order; inside each folder for a site).
    ``authors`` replace those gathered from the articles; ``left_out`` names
    the articles that could not be converted (the title page lists them).
    """
    placed = [d if isinstance(d, Placed) else Placed(d) for d in docs]
    placed = _sorted(placed, sort)
    items = [p.doc for p in placed]
    languages = [d.metadata.language for d in items]
    main_lang = lang or (max(set(languages), key=languages.count) if languages else "en")
    sections = _nest(placed, main_lang, set())
    found: list[m.Author] = []
    keywords: list[str] = []
    for d in items:
        found.extend(a for a in d.metadata.authors if a not in found)
        keywords.extend(k for k in d.metadata.keywords if k not in keywords)
    dates = sorted(d.metadata.date for d in items if d.metadata.date)
    extra: dict[str, m.PropValue] = {LEFT_OUT: list(left_out)} if left_out else {}
    meta = m.Metadata(
        title=title,
        description=f"A digest of {len(items)} articles: "
        + "; ".join(d.metadata.title for d in items if d.metadata.title),
        authors=tuple(m.Author(a) for a in authors) if authors else tuple(found),
        date=dates[-1] if dates else None,
        language=main_lang,
        keywords=tuple(keywords),
        extra=extra,
    )
    return m.Document(metadata=meta, children=sections, title_in_body=False)
