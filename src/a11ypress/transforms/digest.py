"""Digest: many articles -> one document whose top-level blocks are sections."""

from __future__ import annotations

from collections.abc import Sequence

from a11ypress import model as m
from a11ypress.transforms.resolve import free_id, heading_ids, slugify


def digest(
    docs: Sequence[m.Document], title: str, *, sort: str | None = None, lang: str | None = None
) -> m.Document:
    """One document with a :class:`~a11ypress.model.Section` per article.

    Each section starts with the article's title as an h1 (unless the body
    already starts with it) and carries the article's language and source.
    ``sort`` is ``date``, ``title`` or None (given order).
    """
    items = list(docs)
    if sort == "date":
        items.sort(key=lambda d: d.metadata.date or "9999")
    elif sort == "title":
        items.sort(key=lambda d: d.metadata.title.casefold())
    sections: list[m.Block] = []
    used: set[str] = set()
    for i, d in enumerate(items, 1):
        body = d.children
        if not d.title_in_body:
            heading_text = m.Text(text=d.metadata.title or "Untitled")
            ident = free_id("title", heading_ids(d))
            body = (m.Heading(level=1, children=(heading_text,), id=ident), *body)
        base = slugify(d.metadata.title)[:40] or f"article-{i}"
        ident = base
        n = 2
        while ident in used:
            ident, n = f"{base}-{n}", n + 1
        used.add(ident)
        sections.append(
            m.Section(
                children=body,
                id=ident,
                metadata=d.metadata,
                source=d.source,
                footnotes=d.footnotes,
                lang=d.metadata.language,
            )
        )
    languages = [d.metadata.language for d in items]
    main_lang = lang or (max(set(languages), key=languages.count) if languages else "en")
    authors: list[m.Author] = []
    keywords: list[str] = []
    for d in items:
        authors.extend(a for a in d.metadata.authors if a not in authors)
        keywords.extend(k for k in d.metadata.keywords if k not in keywords)
    dates = sorted(d.metadata.date for d in items if d.metadata.date)
    meta = m.Metadata(
        title=title,
        description=f"A digest of {len(items)} articles: "
        + "; ".join(d.metadata.title for d in items if d.metadata.title),
        authors=tuple(authors),
        date=dates[-1] if dates else None,
        language=main_lang,
        keywords=tuple(keywords),
    )
    return m.Document(metadata=meta, children=tuple(sections), title_in_body=False)
