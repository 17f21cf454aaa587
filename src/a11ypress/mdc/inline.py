"""Inline MDC syntax: ``:name[label]{props}``, spans, ``{props}`` and bindings.

Tokens emitted:

- ``mdc_inline_open`` / ``mdc_inline_close`` around the parsed label
  (meta ``{"name", "props"}``); ``:br`` becomes a ``hardbreak``.
- ``mdc_span_open`` / ``mdc_span_close`` around ``[text]``.
- ``mdc_attrs`` (meta ``{"props", "raw"}``) for ``{...}`` glued to the
  preceding element; the model builder attaches it or turns it back into text.
- ``mdc_binding`` (meta ``{"expr"}``) for ``{{ expr }}``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .props import kebab, label_end, parse_props

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_BEFORE_COMPONENT = frozenset(" \t\n\r[*_(")
#: Longest ``{{ binding }}`` accepted.
_MAX_BINDING = 500


def _tokenize_between(state: StateInline, start: int, end: int) -> None:
    """Tokenize ``src[start:end]`` as inline content in place."""
    old_pos, old_max = state.pos, state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.pos, state.posMax = old_pos, old_max


def mdc_inline_component(state: StateInline, silent: bool) -> bool:
    """``:name``, ``:name[label]``, ``:name{props}``, ``:name[label]{props}``."""
    src, pos = state.src, state.pos
    if src[pos] != ":" or (pos > 0 and src[pos - 1] not in _BEFORE_COMPONENT):
        return False
    m = _NAME.match(src, pos + 1, state.posMax)
    if not m or m.group().endswith("_"):
        return False
    i = m.end()
    if i < state.posMax and src[i] == ":":
        return False  # :rocket: stays text
    name = kebab(m.group())
    label: tuple[int, int] | None = None
    if i < state.posMax and src[i] == "[":
        end = label_end(src, i, state.posMax)
        if end >= 0:
            label = (i + 1, end)
            i = end + 1
    props: dict[str, object] = {}
    if i < state.posMax and src[i] == "{":
        parsed = parse_props(src[: state.posMax], i, multiline=True)
        if parsed is not None:
            props = dict(parsed.props)
            i = parsed.end
    if silent:
        state.pos = i
        return True
    if name == "br" and label is None:
        state.push("hardbreak", "br", 0)
        state.pos = i
        return True
    tok = state.push("mdc_inline_open", "span", 1)
    tok.meta = {"name": name, "props": props}
    tok.markup = ":"
    if label is not None:
        _tokenize_between(state, label[0], label[1])
    state.push("mdc_inline_close", "span", -1)
    state.pos = i
    return True


def mdc_span(state: StateInline, silent: bool) -> bool:
    """``[text]`` that is not a link (links and footnote refs run first)."""
    src, pos = state.src, state.pos
    if src[pos] != "[":
        return False
    end = state.md.helpers.parseLinkLabel(state, pos, False)
    if end < 0 or end == pos + 1:
        return False
    inner = src[pos + 1 : end]
    if (
        inner in (" ", "x", "X")
        and (pos == 0 or src[pos - 1] == "\n")
        and (end + 1 >= state.posMax or src[end + 1] in " \t")
    ):
        return False  # leave task-list boxes ("[ ] item") alone
    if not silent:
        state.push("mdc_span_open", "span", 1)
        _tokenize_between(state, pos + 1, end)
        state.push("mdc_span_close", "span", -1)
    state.pos = end + 1
    return True


def mdc_brace(state: StateInline, silent: bool) -> bool:
    """``{{ binding }}`` or ``{props}`` glued to the previous element."""
    src, pos = state.src, state.pos
    if src[pos] != "{":
        return False
    if src.startswith("{{", pos):
        end = src.find("}}", pos + 2, min(state.posMax, pos + _MAX_BINDING))
        if end < 0:
            return False
        if not silent:
            state.push("mdc_binding", "", 0).meta = {"expr": src[pos + 2 : end].strip()}
        state.pos = end + 2
        return True
    if pos == 0 or src[pos - 1] in " \t\n\r" or state.pending or not state.tokens:
        return False
    parsed = parse_props(src[: state.posMax], pos, multiline=True)
    if parsed is None:
        return False
    if not silent:
        tok = state.push("mdc_attrs", "", 0)
        tok.meta = {"props": parsed.props, "raw": src[pos : parsed.end]}
    state.pos = parsed.end
    return True


def mdc_inline_plugin(md: MarkdownIt) -> None:
    """Register the inline MDC rules."""
    md.inline.ruler.before("emphasis", "mdc_inline_component", mdc_inline_component)
    names = md.inline.ruler.get_all_rules()
    md.inline.ruler.after(
        "footnote_ref" if "footnote_ref" in names else "link", "mdc_span", mdc_span
    )
    md.inline.ruler.before("emphasis", "mdc_brace", mdc_brace)
