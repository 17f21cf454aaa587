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
_CLASS_ID = re.compile(r"[^\s.#{}\"'<>=`]+")
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


@lru_cache(maxsize=2)
def _bracket_matches(src: str) -> dict[int, int]:
    """For every unescaped ``[`` in ``src``: the index of its ``]`` on the same
    line, or -1 (one pass, as :func:`_scan_label_end` would find it)."""
    out: dict[int, int] = {}
    stack: list[int] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            stack.append(i)
        elif c == "]":
            if stack:
                out[stack.pop()] = i
        elif c == "\n":
            for j in stack:
                out[j] = -1
            stack.clear()
        i += 1
    for j in stack:
        out[j] = -1
    return out


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
            i = m.end()
            if i < n and src[i] == "=":
                i += 1
                if i >= n:
                    return None
                q = src[i]
                if q in "\"'":
                    j = src.find(q, i + 1)
                    if j < 0 or (not multiline and "\n" in src[i + 1 : j]):
                        return None
                    raw = src[i + 1 : j]
                    i = j + 1
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
            if i < n and src[i] not in " \t\n\r}":
                return None
    if classes:
        merged = " ".join(classes)
        props = {"class": merged, **{k: v for k, v in props.items() if k != "class"}}
    return PropsParse(props, i)


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
