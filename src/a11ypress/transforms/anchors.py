"""Heading ids as Nuxt makes them, so that ``#anchors`` written for the site work.

@nuxtjs/mdc gives every heading the id the article set, else a slug of its
text from github-slugger (one slugger per article), then collapses runs of
``-``, drops one leading and one trailing ``-`` and puts ``_`` before a leading
digit.  github-slugger lower-cases the text, removes every character that is
not a letter, a mark, a decimal or letter number, a connector (``_``), ``-``
or a space, and turns each space into ``-``; a repeated slug gets ``-1``,
``-2``... (the count is kept per slug, before the dashes are collapsed).

We differ only where Nuxt's id would be broken: an empty id becomes
``section``; an id already taken (Nuxt can repeat one: ``a - b`` and ``a-b``
both give ``a-b``) gets ``-2``, ``-3``...; an id that cannot start an XML id
(``ⓐ``, a combining mark...) gets a ``_`` in front.  Characters added to
Unicode after version 13 (github-slugger's tables) are kept here.
"""

from __future__ import annotations

import re
import unicodedata

from a11ypress import model as m

#: Letters kept by github-slugger although Unicode files them as symbols
#: (they have the Alphabetic property): circled and squared Latin letters.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
#: A character an XML id may start with (XML 1.0 NameStartChar, without ``:``).
_XML_NAME_START = re.compile(
    "[A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
    "\ufdf0-\ufffd\U00010000-\U000effff]"
)
#: The ASCII characters github-slugger removes (after lower-casing).
_ASCII_DROPPED = re.compile(r"[^a-z0-9 _-]")
_DASHES = re.compile(r"-+")
#: Prefix under which the slugger's own slugs are remembered in ``used``.
_RAW = "\0"


def _kept(ch: str) -> bool:
    """Whether github-slugger keeps ``ch``."""
    if ch in " -":
        return True
    cat = unicodedata.category(ch)
    if cat[0] in "LM" or cat in ("Nd", "Nl", "Pc"):
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


def github_slug(text: str) -> str:
    """github-slugger's ``slug()`` of ``text`` (no duplicate counting)."""
    low = text.lower()
    if low.isascii():
        return _ASCII_DROPPED.sub("", low).replace(" ", "-")
    return "".join(ch for ch in low if _kept(ch)).replace(" ", "-")


def heading_id(given: str | None, text: str, used: set[str]) -> str:
    """The id of a heading whose article-given id is ``given`` and whose plain
    text is ``text``; ``used`` holds the article's ids so far (and, under a
    private prefix, the slugger's counts) and is updated."""
    if given:
        raw = given
    else:
        base = github_slug(text)
        raw, n = base, 0
        while _RAW + raw in used:
            n += 1
            raw = f"{base}-{n}"
        used.add(_RAW + raw)
    ident = _DASHES.sub("-", raw).removeprefix("-").removesuffix("-")
    if ident[:1].isascii() and ident[:1].isdigit():
        ident = "_" + ident
    if not ident:
        ident = "section"
    elif not _XML_NAME_START.match(ident):
        ident = "_" + ident
    unique, n = ident, 2
    while unique in used:
        unique, n = f"{ident}-{n}", n + 1
    used.add(unique)
    return unique


def heading_text(node: m.Heading) -> str:
    """A heading's text as Nuxt slugs it: its text and code, spaces kept as
    written, nothing for images or line breaks."""
    parts: list[str] = []
    _collect(node.children, parts)
    return "".join(parts).strip()


def _collect(nodes: tuple[m.Inline, ...], out: list[str]) -> None:
    for n in nodes:
        if isinstance(n, m.Text | m.Code):
            out.append(n.text)
        else:
            kids = getattr(n, "children", None)
            if isinstance(kids, tuple):
                _collect(kids, out)
