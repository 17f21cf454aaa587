"""Code fence info strings: ``ts [nuxt.config.ts] {1-3,5} meta``."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: ``[filename]``: as in @nuxtjs/mdc, from the first ``[`` to the last ``]``.
_FILENAME = re.compile(r"\[(.*)\]")
_UNESCAPE = re.compile(r"\\([\[\]{}().*+?^$|])")
_RANGE = re.compile(r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$")


@dataclass(frozen=True, slots=True)
class FenceInfo:
    """The parts of a code fence's info string."""

    language: str | None
    """First word, when it is not a filename or highlight list."""
    filename: str | None
    """Text inside ``[...]`` (``\\]`` unescaped)."""
    highlights: tuple[int, ...]
    """Line numbers from ``{1-3,5}``."""
    meta: str | None
    """Whatever is left."""


def parse_info(info: str) -> FenceInfo:
    """Split an info string into language, filename, highlights and meta."""
    rest = info.strip()
    language = None
    if rest and rest[0] not in "[{":
        m = re.match(r"[^\s\[{]+", rest)
        assert m is not None
        language = m.group()
        rest = rest[m.end() :].strip()
    filename = None
    fm = _FILENAME.search(rest)
    if fm:
        filename = _UNESCAPE.sub(r"\1", fm.group(1)) or None
        rest = (rest[: fm.start()] + rest[fm.end() :]).strip()
    highlights: tuple[int, ...] = ()
    if rest.startswith("{"):
        end = rest.find("}")
        if end > 0 and _RANGE.match(rest[1:end]):
            highlights = _expand(rest[1:end])
            rest = rest[end + 1 :].strip()
    return FenceInfo(language, filename, highlights, rest or None)


def _expand(spec: str) -> tuple[int, ...]:
    """``"1-3,5"`` -> ``(1, 2, 3, 5)`` (ranges capped at 10,000 lines)."""
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        lo = int(a)
        hi = int(b) if b else lo
        out.extend(range(lo, min(hi, lo + 10_000) + 1))
    return tuple(out)
