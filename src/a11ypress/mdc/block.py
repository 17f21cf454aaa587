"""Block components (``::name[label]{props}`` ... ``::``), YAML props and slots.

The syntax is recognised here and emitted as markdown-it tokens; what a
component *means* is decided later by the component vocabulary.

Tokens emitted::

    mdc_block_open   meta: BlockMeta
      mdc_slot_open  meta: SlotMeta     (one per slot, "default" first)
        ...child block tokens...
      mdc_slot_close
    mdc_block_close
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from a11ypress.model import PropValue

from .depth import LINE_WORK, spend
from .props import kebab, label_end, parse_props
from .yamlsafe import YamlProblem, load_mapping

_OPENER = re.compile(r"(:{2,})([A-Za-z][A-Za-z0-9_-]*)")
_CLOSER = re.compile(r"(:{2,})[ \t]*$")
_SLOT = re.compile(r"#([A-Za-z][^{\s]*)")
_YAML_FENCE = re.compile(r"-{3,}[ \t]*$")
_FENCE = re.compile(r"(`{3,}|~{3,})")
#: Largest YAML props block accepted, in lines.
MAX_PROPS_LINES = 2_000


@dataclass(slots=True)
class SlotMeta:
    """What a ``mdc_slot_open`` token carries."""

    name: str
    """Slot name; ``default`` for content before the first slot line."""
    props: dict[str, PropValue] = field(default_factory=dict)
    """Props on the slot line."""
    line: int = 0
    """0-based line of the slot line (or of the component opener)."""


@dataclass(slots=True)
class BlockMeta:
    """What a ``mdc_block_open`` token carries."""

    name: str
    """Kebab-cased component name."""
    props: dict[str, PropValue]
    """Inline props merged with YAML props (YAML wins)."""
    label: str | None
    """Raw ``[label]`` text, Markdown."""
    line: int
    """0-based line of the opener."""
    closed: bool = True
    """False when the component ran to the end of its parent."""
    yaml_problem: YamlProblem | None = None
    """Set when the YAML props block was refused."""


@dataclass(frozen=True, slots=True)
class Opener:
    """A parsed opener line."""

    colons: int
    """Number of colons."""
    name: str
    """Kebab-cased name."""
    label: str | None
    """Label text, if any."""
    props: dict[str, PropValue]
    """Inline props."""


def parse_opener(line: str) -> Opener | None:
    """Parse an opener line (indentation already removed), or None if invalid."""
    m = _OPENER.match(line)
    if not m:
        return None
    name = m.group(2)
    if name.endswith("_"):
        return None
    i = m.end()
    label = None
    if i < len(line) and line[i] == "[":
        end = label_end(line, i)
        if end < 0:
            return None
        label = line[i + 1 : end]
        i = end + 1
    props: dict[str, PropValue] = {}
    if i < len(line) and line[i] == "{":
        parsed = parse_props(line, i, multiline=False)
        if parsed is None:
            return None
        props = parsed.props
        i = parsed.end
    if line[i:].strip(" \t"):
        return None
    return Opener(len(m.group(1)), kebab(name), label, props)


def _line(state: StateBlock, n: int) -> str:
    """Text of line ``n`` without its indentation."""
    return state.src[state.bMarks[n] + state.tShift[n] : state.eMarks[n]]


def mdc_block_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it block rule for MDC block components."""
    pos = state.bMarks[start] + state.tShift[start]
    if state.src.startswith("::", pos) is False:
        return False
    opener = parse_opener(_line(state, start))
    if opener is None:
        return False
    if silent:
        return True

    indent = state.sCount[start]
    close_line, slots = _scan(state, start, end, opener.colons, indent)
    spend(state.env, LINE_WORK * ((end if close_line is None else close_line) - start))
    content_end = close_line if close_line is not None else _parent_end(state, start, end)
    body = _Body(start + 1, content_end, close_line, slots, dict(opener.props))
    _props_block(state, body, start, end, indent)

    meta = BlockMeta(
        opener.name,
        body.props,
        opener.label,
        start,
        closed=body.close_line is not None,
        yaml_problem=body.yaml_problem,
    )
    after = body.content_end + (1 if body.close_line is not None else 0)
    tok = state.push("mdc_block_open", "div", 1)
    tok.meta = {"mdc": meta}
    tok.map = [start, after]
    tok.markup = ":" * opener.colons
    _push_slots(state, body, start, indent)
    state.push("mdc_block_close", "div", -1).markup = ":" * opener.colons
    state.line = after
    return True


@dataclass(slots=True)
class _Body:
    """Where a block component's content is, worked out step by step."""

    first: int
    """First content line (after the opener, then after a YAML props block)."""
    content_end: int
    """Line after the last content line."""
    close_line: int | None
    """The closing ``::`` line, None when the component is not closed."""
    slots: list[tuple[int, SlotMeta]]
    """``#name`` slot lines inside the content, with their meta."""
    props: dict[str, PropValue]
    """Inline props, then the YAML block's."""
    yaml_problem: YamlProblem | None = None
    """Why the YAML props block could not be read, if so."""


def _props_block(state: StateBlock, body: _Body, start: int, end: int, indent: int) -> None:
    """Read a ``---`` YAML props block at the top of the content into ``body``."""
    first = body.first
    if not (
        first < body.content_end
        and state.sCount[first] == indent
        and _YAML_FENCE.match(_line(state, first))
    ):
        return
    yaml_end = next(
        (n for n in range(first + 1, body.content_end) if _YAML_FENCE.match(_line(state, n))),
        None,
    )
    if yaml_end is None:
        # An unclosed props block swallows the rest, closer included, and
        # gives no props.
        body.content_end = _parent_end(state, start, end)
        body.close_line = None
        body.first = body.content_end
        body.slots = []
        return
    text = "\n".join(
        state.src[state.bMarks[n] : state.eMarks[n]] for n in range(first + 1, yaml_end)
    )
    loaded = (
        YamlProblem(f"props block is too long ({yaml_end - first - 1} lines)")
        if yaml_end - first - 1 > MAX_PROPS_LINES
        else load_mapping(_dedent(text))
    )
    if isinstance(loaded, YamlProblem):
        line = None if loaded.line is None else first + 1 + loaded.line
        body.yaml_problem = YamlProblem(loaded.message, line)
    else:
        body.props.update(loaded)
    body.first = yaml_end + 1
    body.slots = [s for s in body.slots if s[0] > yaml_end]


def _push_slots(state: StateBlock, body: _Body, start: int, indent: int) -> None:
    """Tokenize the content slot by slot (the default slot first, left out
    when it is empty and unnamed)."""
    parts: list[tuple[int, int, SlotMeta]] = []
    cur_start, cur_meta = body.first, SlotMeta("default", {}, start)
    for line_no, slot in body.slots:
        parts.append((cur_start, line_no, cur_meta))
        cur_start, cur_meta = line_no + 1, slot
    parts.append((cur_start, body.content_end, cur_meta))

    for s_start, s_end, s_meta in parts:
        if s_meta.name == "default" and s_start >= s_end and s_meta.line == start:
            continue
        st = state.push("mdc_slot_open", "template", 1)
        st.meta = {"mdc": s_meta}
        st.map = [s_start, s_end]
        _tokenize_range(state, s_start, s_end, indent)
        state.push("mdc_slot_close", "template", -1)


def _dedent(text: str) -> str:
    """Remove the common indentation of a YAML block."""
    lines = text.split("\n")
    widths = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
    cut = min(widths, default=0)
    return "\n".join(ln[cut:] for ln in lines)


def _parent_end(state: StateBlock, start: int, end: int) -> int:
    """Where an unclosed component stops: its parent's end (a less indented line)."""
    for n in range(start + 1, end):
        if state.sCount[n] < state.blkIndent and not state.isEmpty(n):
            return n
    return end


def _scan(
    state: StateBlock, start: int, end: int, colons: int, indent: int
) -> tuple[int | None, list[tuple[int, SlotMeta]]]:
    """Find the closing line of the component opened at ``start`` and its slot lines.

    Nested openers push onto a stack; a closer pops the innermost open
    component with the same number of colons.  Fenced code is skipped.
    """
    stack = [colons]
    slots: list[tuple[int, SlotMeta]] = []
    fence: str | None = None
    n = start + 1
    while n < end:
        if state.sCount[n] < state.blkIndent and not state.isEmpty(n):
            return None, slots
        text = _line(state, n)
        if fence is not None:
            if text.startswith(fence) and not text[len(fence) :].strip(fence[0] + " \t"):
                fence = None
            n += 1
            continue
        fm = _FENCE.match(text)
        if fm and not (fm.group(1)[0] == "`" and "`" in text[fm.end() :]):
            fence = fm.group(1)
            n += 1
            continue
        if text.startswith("::"):
            cm = _CLOSER.match(text)
            if cm:
                k = len(cm.group(1))
                if k in stack:
                    while stack and stack.pop() != k:
                        pass
                    if not stack:
                        return n, slots
            else:
                op = parse_opener(text)
                if op is not None:
                    stack.append(op.colons)
        elif len(stack) == 1 and text.startswith("#") and state.sCount[n] == indent:
            sm = _SLOT.match(text)
            if sm:
                slot_props: dict[str, PropValue] = {}
                rest = text[sm.end() :]
                if rest.startswith("{"):
                    parsed = parse_props(rest, 0, multiline=False)
                    if parsed is not None and not rest[parsed.end :].strip():
                        slot_props = parsed.props
                        rest = ""
                name = (sm.group(1) + rest).strip()
                slots.append((n, SlotMeta(name, slot_props, n)))
        n += 1
    return None, slots


def _tokenize_range(state: StateBlock, start: int, end: int, indent: int) -> None:
    """Tokenize lines [start, end) as the content of a component opened at
    ``indent``: children are measured from their opener's indentation (so 4
    more spaces make indented code, as in remark-mdc)."""
    if start >= end:
        return
    widths = [state.sCount[n] for n in range(start, end) if not state.isEmpty(n)]
    old = (state.parentType, state.lineMax, state.blkIndent, state.line)
    state.parentType = "mdc"
    state.lineMax = end
    state.blkIndent = max(old[2], min([indent, *widths]))
    state.md.block.tokenize(state, start, end)
    state.parentType, state.lineMax, state.blkIndent, state.line = old


def mdc_block_plugin(md: MarkdownIt) -> None:
    """Register the block component rule (before indented code, so that an
    indented ``::`` line is still a component; it may interrupt paragraphs)."""
    md.block.ruler.before(
        "code",
        "mdc_block",
        mdc_block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
