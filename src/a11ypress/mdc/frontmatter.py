"""YAML front matter at the very start of an article."""

from __future__ import annotations

import re
from dataclasses import dataclass

from a11ypress.model import PropValue

from .yamlsafe import YamlProblem, load_mapping

_CLOSE = re.compile(r"^---[^\n]*$", re.M)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Front matter split off an article."""

    data: dict[str, PropValue]
    """Loaded YAML, dotted keys unflattened."""
    lines: int
    """How many source lines the block (fences included) takes."""
    problem: YamlProblem | None = None
    """Set when the YAML was refused; ``data`` is then empty."""


def split_front_matter(text: str) -> FrontMatter | None:
    """Find front matter at byte 0 (``---`` line ... ``---`` line).

    ``text`` must already have normalised newlines.  An empty block
    (``---\\n---``) or an unterminated one is not front matter.
    """
    if not (text.startswith("---\n") or text == "---"):
        return None
    if not re.match(r"---[ \t]*\n", text):
        return None
    m = _CLOSE.search(text, 4)
    if m is None:
        return None
    body = text[4 : m.start()]
    if m.start() == 4:  # "---\n---": not front matter
        return None
    nlines = text.count("\n", 0, m.end()) + 1
    loaded = load_mapping(body)
    if isinstance(loaded, YamlProblem):
        line = None if loaded.line is None else loaded.line + 2
        return FrontMatter({}, nlines, YamlProblem(loaded.message, line))
    return FrontMatter(unflatten(loaded), nlines)


def unflatten(data: dict[str, PropValue]) -> dict[str, PropValue]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}`` (nested keys merge)."""
    out: dict[str, PropValue] = {}
    for key, value in data.items():
        parts = key.split(".") if "." in key and not key.startswith(".") else [key]
        cur = out
        for part in parts[:-1]:
            nxt = cur.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                cur[part] = nxt
            cur = nxt
        cur[parts[-1]] = value
    return out
