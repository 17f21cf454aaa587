"""Metadata resolution: front matter, then meta-tags, then the body."""

from __future__ import annotations

import re
from collections.abc import Sequence

from a11ypress import model as m
from a11ypress.model import PropValue

from .text import plain_text

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: The excerpt marker: an HTML comment ``<!-- more -->`` alone on its line.
_MORE = re.compile(r"\s*<!--\s*more\s*-->\s*$", re.I)
#: Front matter keys that become Metadata fields (the rest go to ``extra``).
_USED = frozenset(
    {
        "title",
        "description",
        "date",
        "authors",
        "author",
        "lang",
        "language",
        "locale",
        "tags",
        "keywords",
        "category",
        "categories",
        "image",
        "cover",
        "url",
        "canonical",
        "seo",
        "head",
    }
)


def _str(v: PropValue) -> str:
    return v.strip() if isinstance(v, str) else ""


def _words(v: PropValue) -> list[str]:
    """Keywords from a list or a comma-separated string."""
    if isinstance(v, str):
        return [w.strip() for w in v.split(",") if w.strip()]
    if isinstance(v, list):
        return [str(x).strip() for x in v if isinstance(x, str | int | float) and str(x).strip()]
    return []


def _authors(fm: dict[str, PropValue], tags: dict[str, PropValue]) -> tuple[m.Author, ...]:
    raw = fm.get("authors", fm.get("author", tags.get("author")))
    items = raw if isinstance(raw, list) else [raw] if raw else []
    out: list[m.Author] = []
    for a in items:
        if isinstance(a, str) and a.strip():
            out.append(m.Author(a.strip()))
        elif isinstance(a, dict) and _str(a.get("name")):
            url = a.get("to") or a.get("url") or a.get("link")
            out.append(m.Author(_str(a.get("name")), str(url) if isinstance(url, str) else None))
    return tuple(out)


def _image(v: PropValue, alt_fallback: PropValue = None) -> m.Image | None:
    if isinstance(v, str) and v.strip():
        alt = _str(alt_fallback)
        return m.Image(src=v.strip(), alt=alt, alt_missing=not alt)
    if isinstance(v, dict) and _str(v.get("src") or v.get("url")):
        given = v.get("alt", alt_fallback)
        return m.Image(
            src=_str(v.get("src") or v.get("url")),
            alt=_str(given),
            alt_missing=not isinstance(given, str),
        )
    return None


def excerpt(body: Sequence[m.Block]) -> str:
    """Plain text of the paragraphs before a ``<!-- more -->`` line (the
    excerpt, as Nuxt Content marks it); empty when there is no such line."""
    for i, b in enumerate(body):
        if isinstance(b, m.HtmlBlock) and _MORE.match(b.html):
            return " ".join(plain_text(p) for p in body[:i] if isinstance(p, m.Paragraph))
    return ""


def _first(blocks: Sequence[m.Block], kind: type) -> m.Block | None:
    for b in blocks:
        if isinstance(b, kind):
            return b
    return None


def resolve_metadata(
    fm: dict[str, PropValue],
    tags: dict[str, PropValue],
    body: Sequence[m.Block],
    default_lang: str,
) -> tuple[m.Metadata, bool]:
    """Metadata from front matter, then ``meta-tags`` props, then body fallbacks.

    Returns the metadata and whether the body's first heading repeats the title.
    """
    seo = fm.get("seo") if isinstance(fm.get("seo"), dict) else {}
    assert isinstance(seo, dict)
    headings = [b for b in body if isinstance(b, m.Heading)]
    h1 = next((h for h in headings if h.level == 1), None)
    title = (
        _str(fm.get("title"))
        or _str(seo.get("title"))
        or _str(tags.get("title"))
        or (plain_text(h1) if h1 else "")
    )
    description = (
        _str(fm.get("description")) or _str(seo.get("description")) or _str(tags.get("description"))
    )
    if not description:
        para = _first(body, m.Paragraph)
        description = excerpt(body) or (plain_text(para) if para else "")
    date_raw = fm.get("date") or tags.get("date") or tags.get("datePublished")
    date = None
    if isinstance(date_raw, str) and _DATE.match(date_raw):
        date = date_raw[:10]
    lang = (
        _str(fm.get("lang"))
        or _str(fm.get("language"))
        or _str(fm.get("locale"))
        or _str(tags.get("lang"))
        or default_lang
    )
    keywords: list[str] = []
    for key in ("tags", "keywords", "category", "categories"):
        for w in _words(fm.get(key)) + _words(tags.get(key)):
            if w.casefold() not in {k.casefold() for k in keywords}:
                keywords.append(w)
    cover = (
        _image(fm.get("image"), fm.get("imageAlt"))
        or _image(fm.get("cover"), fm.get("coverAlt"))
        or _image(tags.get("mainImage"), tags.get("mainImageAlt"))
        or _image(tags.get("image"), tags.get("imageAlt"))
    )
    url = fm.get("url") or fm.get("canonical") or tags.get("url") or tags.get("canonical")
    extra: dict[str, PropValue] = {k: v for k, v in fm.items() if k not in _USED}
    for k, v in tags.items():
        extra.setdefault(f"meta-tags.{k}", v)
    first_heading = headings[0] if headings else None
    title_in_body = bool(first_heading and _same(plain_text(first_heading), title))
    meta = m.Metadata(
        title=title,
        description=description,
        authors=_authors(fm, tags),
        date=date,
        language=lang,
        keywords=tuple(keywords),
        cover=cover,
        source_url=str(url) if isinstance(url, str) and url else None,
        extra=extra,
    )
    return meta, title_in_body


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", s.casefold()).split())


def _same(a: str, b: str) -> bool:
    return bool(a) and _norm(a) == _norm(b)
