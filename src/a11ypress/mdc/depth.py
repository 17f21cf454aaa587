"""Bounded nesting and work: deep content is kept, flattened; no text takes unbounded time.

markdown-it stops at ``maxNesting`` block levels and silently skips the rest of
the deepest container; emphasis pairs are not limited at all, and the model
builder, resolver and renderer recurse once per level.  Here the skipped lines
become a plain paragraph (reported as ``too-deep``), and inline wrappers beyond
:data:`MAX_INLINE_DEPTH` are dropped while their text is kept, so no input can
exhaust the Python stack and no text is lost.
"""

from __future__ import annotations

import types
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

#: Deepest nesting of inline wrappers (emphasis, links, spans...) kept as such.
MAX_INLINE_DEPTH = 50
#: Key in the markdown-it ``env`` listing (0-based) first lines of flattened content.
DEEP_LINES = "a11ypress_too_deep"
#: Key in the markdown-it ``env`` holding the work left (a one-item list).
BUDGET = "a11ypress_budget"
#: Work allowed for any text, plus :data:`WORK_PER_CHAR` per character of it.
BASE_WORK = 5_000_000
WORK_PER_CHAR = 4
#: Work counted per source line a component opener scans for its closer
#: (about as slow as three tokens skipped in a link label).
LINE_WORK = 3


class TooComplex(Exception):
    """The text needs more parsing work than its size justifies."""


def work_budget(text: str) -> list[int]:
    """The work allowed for parsing ``text`` (put it in ``env`` under :data:`BUDGET`).

    Ordinary articles use a small fraction of it; only pathological ones (tens
    of thousands of unclosed brackets or component openers) reach it."""
    return [BASE_WORK + WORK_PER_CHAR * len(text)]


def spend(env: object, units: int = 1) -> None:
    """Count ``units`` of work against the budget in ``env``; raise
    :class:`TooComplex` when it is exhausted (no budget: no limit)."""
    if isinstance(env, dict):
        budget = env.get(BUDGET)
        if budget is not None:
            budget[0] -= units
            if budget[0] < 0:
                raise TooComplex


def guard_inline_work(md: MarkdownIt) -> None:
    """Count every token markdown-it skips while looking for the end of a
    link label (the work that piles up with unclosed ``[``)."""
    inline = md.inline
    original = inline.skipToken

    def skip_token(self: object, state: StateInline) -> None:
        spend(state.env)
        original(state)

    inline.skipToken = types.MethodType(skip_token, inline)  # type: ignore[method-assign]


def guard_block_depth(md: MarkdownIt) -> None:
    """Make ``md`` keep, as a plain paragraph, the lines it would skip for
    being nested more than ``maxNesting`` levels deep."""
    block = md.block
    original = block.tokenize

    def tokenize(self: object, state: StateBlock, start: int, end: int) -> None:
        if state.level < state.md.options.maxNesting:
            original(state, start, end)
            return
        line = state.skipEmptyLines(start)
        if line < end and state.sCount[line] >= state.blkIndent:
            text = state.getLines(line, end, state.blkIndent, False).strip()
            if text:
                _plain_paragraph(state, text, line, end)
                lines = state.env.setdefault(DEEP_LINES, [])
                assert isinstance(lines, list)
                lines.append(line)
        state.line = end

    block.tokenize = types.MethodType(tokenize, block)  # type: ignore[method-assign]


def _plain_paragraph(state: StateBlock, text: str, start: int, end: int) -> None:
    """Push a paragraph holding ``text`` as literal text (no further parsing)."""
    opener = state.push("paragraph_open", "p", 1)
    opener.map = [start, end]
    inline = state.push("inline", "", 0)
    inline.map = [start, end]
    inline.content = ""  # not parsed: the children below are final
    child = Token("text", "", 0)
    child.content = " ".join(text.split())
    inline.children = [child]
    state.push("paragraph_close", "p", -1)


def flatten_inlines(toks: Sequence[Token], limit: int = MAX_INLINE_DEPTH) -> list[Token] | None:
    """Inline tokens with wrappers nested deeper than ``limit`` removed (their
    content stays); None when nothing was that deep."""
    if not any(t.nesting for t in toks):
        return None
    depth = 0
    for t in toks:
        depth += t.nesting
        if depth > limit:
            break
    else:
        return None
    out: list[Token] = []
    kept: list[bool] = []
    level = 0
    for t in toks:
        if t.nesting == 1:
            keep = level < limit
            kept.append(keep)
            if keep:
                level += 1
                out.append(t)
        elif t.nesting == -1:
            keep = kept.pop() if kept else True
            if keep:
                level -= 1
                out.append(t)
        else:
            out.append(t)
    return out
