"""MDC props lists: ``{key="v" .class #id bool :bound='json'}``."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from a11ypress.model import PropValue

_NAME_CHARS = re.compile(r"[^\s=\"'<>`{}/]+")
_UNQUOTED = re.compile(r"[^\s\"'<>=`{}]+")
#: A ``.class`` or ``#id`` value: as in remark-mdc it may hold ``#``, ``[``, ``]``
#: (Tailwind's ``.bg-[#E74249]``) and ends at a space, ``.`` or ``}``.
_CLASS_ID = re.compile(r"[^\s.#}\"'<>=`][^\s.}\"'<>=`]*")
_KEBAB = re.compile(r"(?<=[a-z0-9])([A-Z])")


def label_end(src: str, start: int, limit: int | None = None) -> int:
    """Index of the ``]`` closing the ``[`` at ``src[start]`` on the same line
    (nested brackets balanced, backslash escapes skipped), or -1.

    Linear over all calls on one text: the brackets of ``src`` are matched
    once (and cached), so many unclosed ``[`` cannot make parsing quadratic."""
    end = len(src) if limit is None else limit
    match = _bracket_matches(src).get(start)
    if match is None:  # not a bracket the whole-text scan saw (e.g. escaped)
        return _scan_label_end(src, start, end)
    return match if 0 <= match < end else -1


def _scan_label_end(src: str, start: int, end: int) -> int:
    """:func:`label_end` by scanning from ``start``."""
    depth = 0
    i = start
    while i < end:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            return -1
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


#: What :func:`_bracket_matches` looks at: an escape (with the character it
#: escapes, a newline included), a bracket or a newline.
_BRACKET_EVENTS = re.compile(r"\\.|[\[\]\n]", re.S)


@lru_cache(maxsize=2)
def _bracket_matches(src: str) -> dict[int, int]:
    """For every unescaped ``[`` in ``src``: the index of its ``]`` on the same
    line, or -1 (one pass, as :func:`_scan_label_end` would find it; the regular
    expression skips the plain text between brackets at C speed)."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for found in _BRACKET_EVENTS.finditer(src):
        c = found.group()
        if c == "[":
            stack.append(found.start())
        elif c == "]":
            if stack:
                out[stack.pop()] = found.start()
        elif c == "\n":
            for j in stack:
                out[j] = -1
            stack.clear()
    for j in stack:
        out[j] = -1
    return out


@lru_cache(maxsize=1024)
def kebab(name: str) -> str:
    """Kebab-case a component or prop name: ``MyAlert`` -> ``my-alert``."""
    return _KEBAB.sub(r"-\1", name).lower()


@dataclass(frozen=True, slots=True)
class PropsParse:
    """Result of reading a props list."""

    props: dict[str, PropValue]
    """The props, class names merged into ``class``, ``#id`` into ``id``."""
    end: int
    """Index just after the closing ``}`` in the source."""


def parse_props(src: str, start: int, *, multiline: bool) -> PropsParse | None:
    """Read a props list whose ``{`` is at ``src[start]``.

    Returns None when the text is not a valid props list (the caller then
    leaves it as literal text).  ``multiline`` allows newlines inside.
    """
    if start >= len(src) or src[start] != "{":
        return None
    n = len(src)
    i = start + 1
    props: dict[str, PropValue] = {}
    classes: list[str] = []
    while True:
        while i < n and src[i] in " \t\n\r":
            if src[i] in "\n\r" and not multiline:
                return None
            i += 1
        if i >= n:
            return None
        c = src[i]
        if c == "}":
            i += 1
            break
        if c == ".":
            m = _CLASS_ID.match(src, i + 1)
            if not m:
                return None
            classes.append(html.unescape(m.group()))
            i = m.end()
        elif c == "#":
            m = _CLASS_ID.match(src, i + 1)
            if not m:
                return None
            props["id"] = html.unescape(m.group())
            i = m.end()
        else:
            bound = c == ":"
            m = _NAME_CHARS.match(src, i + 1 if bound else i)
            if not m or m.group().startswith((":", "@")) or not m.group()[0].isalpha():
                return None
            name = kebab(m.group())
            i = _skip_space(src, m.end(), multiline)
            if i < n and src[i] == "=":
                i = _skip_space(src, i + 1, multiline)
                if i >= n:
                    return None
                q = src[i]
                if q in "\"'":
                    read = _quoted(src, i, bound)
                    if read is None or (not multiline and "\n" in read[0]):
                        return None
                    raw, i = read
                else:
                    m2 = _UNQUOTED.match(src, i)
                    if not m2:
                        return None
                    raw = m2.group()
                    i = m2.end()
                value = html.unescape(raw)
                if bound:
                    props[":" + name] = value
                elif name == "class":
                    classes.extend(value.split())
                else:
                    props[name] = value
            else:
                if bound:
                    return None
                props[name] = True
            if i < n and src[i] not in " \t\n\r}" and src[i - 1] not in " \t\n\r":
                return None
    if classes:
        merged = " ".join(classes)
        props = {"class": merged, **{k: v for k, v in props.items() if k != "class"}}
    return PropsParse(props, i)


def _skip_space(src: str, i: int, multiline: bool) -> int:
    """Index of the first character at or after ``i`` that is not a space
    (nor a newline, when ``multiline``)."""
    blanks = " \t\n\r" if multiline else " \t"
    n = len(src)
    while i < n and src[i] in blanks:
        i += 1
    return i


def _quoted(src: str, start: int, bound: bool) -> tuple[str, int] | None:
    """The quoted value opened at ``src[start]`` and the index after its
    closing quote, or None when it is not closed.

    In a bound value (``:key='...'``) a backslash escapes the next character,
    as in remark-mdc.  In any value ``\\'`` (or ``\\"``) is the quote itself:
    remark-mdc shows such props as text, but an author who escapes a quote
    means it (see KNOWN_DIFFERENCES in the differential tests)."""
    q = src[start]
    out: list[str] = []
    i = start + 1
    n = len(src)
    while i < n:
        c = src[i]
        if c == q:
            return "".join(out), i + 1
        if c == "\\" and i + 1 < n and (bound or src[i + 1] == q):
            out.append(src[i + 1])
            i += 2
            continue
        out.append(c)
        i += 1
    return None


def bound_value(raw: str, data: dict[str, PropValue]) -> PropValue:
    """Value of a bound prop ``:key='raw'``: JSON when it parses, else a
    (dotted) reference into the front matter ``data``; None when unresolved."""
    try:
        value: PropValue = json.loads(raw)
    except ValueError:
        return lookup(data, raw)
    return value


def lookup(data: dict[str, PropValue], ref: str) -> PropValue:
    """Follow a dotted reference (``$doc.a.b`` or ``a.b``) into ``data``."""
    parts = ref.strip().split(".")
    if parts and parts[0] in ("$doc", "$page", "$frontmatter"):
        parts = parts[1:]
    cur: PropValue = data
    for part in parts:
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur
