"""Code fence info strings: ``ts [nuxt.config.ts] {1-3,5} meta``."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
        word, _, rest = rest.partition(" ")
        language = word or None
        rest = rest.strip()
    filename = None
    if rest.startswith("["):
        end = _closing_bracket(rest)
        if end > 0:
            filename = rest[1:end].replace("\\]", "]").replace("\\[", "[").strip() or None
            rest = rest[end + 1 :].strip()
    highlights: tuple[int, ...] = ()
    if rest.startswith("{"):
        end = rest.find("}")
        if end > 0 and _RANGE.match(rest[1:end]):
            highlights = _expand(rest[1:end])
            rest = rest[end + 1 :].strip()
    return FenceInfo(language, filename, highlights, rest or None)


def _closing_bracket(s: str) -> int:
    """Index of the ``]`` that closes ``s[0] == '['``, honouring nesting and escapes."""
    depth = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _expand(spec: str) -> tuple[int, ...]:
    """``"1-3,5"`` -> ``(1, 2, 3, 5)`` (ranges capped at 10,000 lines)."""
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        lo = int(a)
        hi = int(b) if b else lo
        out.extend(range(lo, min(hi, lo + 10_000) + 1))
    return tuple(out)
