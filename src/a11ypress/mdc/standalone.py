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


def mdc_standalone_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it block rule for a line holding only an inline component."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # indented code, or a lazy paragraph line
    pos = state.bMarks[start] + state.tShift[start]
    eol = state.eMarks[start]
    src = state.src
    if pos >= eol or src[pos] != ":":
        return False
    line = src[pos:eol]
    found = component_end(line, 0, len(line))
    if found is None or line[found.end :].strip(" \t"):
        return False
    if silent:
        return True
    tok = state.push("paragraph_open", "p", 1)
    tok.map = [start, start + 1]
    inl = state.push("inline", "", 0)
    inl.content = line.rstrip(" \t")
    inl.map = [start, start + 1]
    inl.children = []
    state.push("paragraph_close", "p", -1)
    state.line = start + 1
    return True


def mdc_standalone_plugin(md: MarkdownIt) -> None:
    """Register the rule (it may end a paragraph, list, quote or table)."""
    md.block.ruler.before(
        "lheading",
        "mdc_standalone",
        mdc_standalone_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
