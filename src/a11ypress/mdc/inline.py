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
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from .props import kebab, label_end, parse_props

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_BEFORE_COMPONENT = frozenset(" \t\n\r[*_(")
#: Longest ``{{ binding }}`` accepted.
_MAX_BINDING = 500
#: env key: True while the inline content being parsed is the first paragraph
#: of a list item (where ``[ ]`` is a task box, not a span).
FIRST_IN_ITEM = "mdc_first_in_item"


def _tokenize_between(state: StateInline, start: int, end: int) -> None:
    """Tokenize ``src[start:end]`` as inline content in place."""
    old_pos, old_max = state.pos, state.posMax
    state.pos, state.posMax = start, end
    state.md.inline.tokenize(state)
    state.pos, state.posMax = old_pos, old_max


class ComponentSyntax(NamedTuple):
    """Where an inline component's parts are in the source."""

    end: int
    """Index just after the component."""
    name: str
    """Kebab-cased name."""
    label: tuple[int, int] | None
    """Start and end of the ``[label]`` text, if any."""
    props: dict[str, object]
    """Props, merged in source order."""


def component_end(src: str, pos: int, limit: int) -> ComponentSyntax | None:
    """Read ``:name`` with its ``[label]`` and ``{props}`` starting at ``src[pos]``:
    props may come before the label, after it, or both (``:n{.a}[label]{b}``),
    as in remark-mdc.  None when there is no component here; the caller checks
    what precedes ``pos``."""
    if src[pos] != ":":
        return None
    m = _NAME.match(src, pos + 1, limit)
    if not m or m.group().endswith("_"):
        return None
    i = m.end()
    if i < limit and src[i] == ":":
        return None  # :rocket: stays text
    label: tuple[int, int] | None = None
    props: dict[str, object] = {}
    seen_props = False
    while i < limit:
        c = src[i]
        if c == "[" and label is None:
            end = label_end(src, i, limit)
            if end < 0:
                break
            label = (i + 1, end)
            i = end + 1
        elif c == "{" and (not seen_props or label is not None):
            parsed = parse_props(src[:limit], i, multiline=True)
            if parsed is None:
                break
            props.update(parsed.props)
            i = parsed.end
            if seen_props or label is not None:
                break
            seen_props = True
        else:
            break
    return ComponentSyntax(i, kebab(m.group()), label, props)


def mdc_inline_component(state: StateInline, silent: bool) -> bool:
    """``:name``, ``:name[label]``, ``:name{props}``, ``:name[label]{props}``,
    ``:name{props}[label]``."""
    src, pos = state.src, state.pos
    if src[pos] != ":" or (pos > 0 and src[pos - 1] not in _BEFORE_COMPONENT):
        return False
    found = component_end(src, pos, state.posMax)
    if found is None:
        return False
    i, name, label, props = found
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
    """``[text]`` that is not a link (links and footnote refs run first).

    As in remark-mdc: no span starts right after or right before another
    ``[`` (``[[x]]`` is text), none is followed by ``(`` or ``[`` (``[a](oops``
    is text), ``[]`` and ``[ ]`` are empty spans, brackets nest at most three
    deep, and a task box at the start of a list item is left to the list.
    In silent mode (inside a link's text) it matches nothing, so that nested
    brackets count as brackets and ``[see [1]](/x)`` stays one link."""
    src, pos = state.src, state.pos
    if silent or src[pos] != "[":
        return False
    if (pos > 0 and src[pos - 1] == "[") or src.startswith("[", pos + 1):
        return False
    end = state.md.helpers.parseLinkLabel(state, pos, False)
    if end < 0 or (end + 1 < state.posMax and src[end + 1] in "([") or _too_deep(src, pos, end):
        return False
    inner = src[pos + 1 : end]
    if pos == 0 and state.env.get(FIRST_IN_ITEM) and not inner.strip(" \txX"):
        return False  # leave task-list boxes ("- [ ] item") alone
    opened = len(state.tokens)
    state.push("mdc_span_open", "span", 1)
    _tokenize_between(state, pos + 1, end)
    last = state.tokens[-1]
    if len(state.tokens) > opened + 1 and last.type == "text":
        last.content = last.content.rstrip(" \t")  # as remark-mdc: "[ a ]" holds " a"
        if not last.content:
            state.tokens.pop()
    state.push("mdc_span_close", "span", -1)
    state.pos = end + 1
    return True


def _too_deep(src: str, start: int, end: int) -> bool:
    """More than three levels of brackets inside ``src[start:end]``."""
    depth = 0
    i = start + 1
    while i < end:
        c = src[i]
        if c == "\\":
            i += 1
        elif c == "[":
            depth += 1
            if depth > 3:
                return True
        elif c == "]":
            depth -= 1
        i += 1
    return False


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


def _core_inline(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, telling the inline rules (through
    ``env``) when they parse the first paragraph of a list item."""
    toks = state.tokens
    env = state.env
    for i, tok in enumerate(toks):
        if tok.type == "inline":
            env[FIRST_IN_ITEM] = i >= 2 and (toks[i - 2].type, toks[i - 1].type) == (
                "list_item_open",
                "paragraph_open",
            )
            if tok.children is None:
                tok.children = []
            state.md.inline.parse(tok.content, state.md, env, tok.children)
    env.pop(FIRST_IN_ITEM, None)


def mdc_inline_plugin(md: MarkdownIt) -> None:
    """Register the inline MDC rules."""
    md.core.ruler.at("inline", _core_inline)
    md.inline.ruler.before("emphasis", "mdc_inline_component", mdc_inline_component)
    names = md.inline.ruler.get_all_rules()
    md.inline.ruler.after(
        "footnote_ref" if "footnote_ref" in names else "link", "mdc_span", mdc_span
    )
    md.inline.ruler.before("emphasis", "mdc_brace", mdc_brace)
