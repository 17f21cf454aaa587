"""An inline component alone on its line (``:hello``, ``:badge[New]{.x}``).

As in remark-mdc, such a line is a block of its own: it interrupts a
paragraph (or a list item's, a quote's or a table's lines) and the text after
it starts a new paragraph.  It is emitted as a one-line paragraph holding the
component; the model builder turns a paragraph whose only content is an
inline component into a block component.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .inline import component_end

#: Most lines a stand-alone component's props may take.
_MAX_PROPS_LINES = 50


def mdc_standalone_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it block rule for a line holding only an inline component."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # indented code, or a lazy paragraph line
    pos = state.bMarks[start] + state.tShift[start]
    eol = state.eMarks[start]
    src = state.src
    if pos >= eol or src[pos] != ":":
        return False
    last = start
    if src.find("{", pos, eol) >= 0 and src.find("}", pos, eol) < 0:
        # props may go on over the next lines (up to a blank line)
        while last + 1 < min(end, start + _MAX_PROPS_LINES) and not state.isEmpty(last + 1):
            last += 1
    text = src[pos : state.eMarks[last]]
    found = component_end(text, 0, len(text))
    if found is None:
        return False
    line_end = text.find("\n", found.end)
    if text[found.end : len(text) if line_end < 0 else line_end].strip(" \t"):
        return False
    if line_end >= 0:
        last = start + text.count("\n", 0, line_end)
        text = text[:line_end]
    if silent:
        return True
    tok = state.push("paragraph_open", "p", 1)
    tok.map = [start, last + 1]
    inl = state.push("inline", "", 0)
    inl.content = text.rstrip(" \t")
    inl.map = [start, last + 1]
    inl.children = []
    state.push("paragraph_close", "p", -1)
    state.line = last + 1
    return True


def mdc_standalone_plugin(md: MarkdownIt) -> None:
    """Register the rule (it may end a paragraph, list, quote or table)."""
    md.block.ruler.before(
        "lheading",
        "mdc_standalone",
        mdc_standalone_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
