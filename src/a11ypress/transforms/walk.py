"""Walking the model: the one traversal every transform uses.

:func:`children` names the child nodes of any node and :func:`rebuild` makes a
node again from mapped children; both dispatch on every node type with
``match`` ... ``assert_never``, so mypy --strict fails here when a node type is
added to the model and not to the walk.  On top of them:

- :func:`iter_nodes` yields every node in document order;
- :func:`map_nodes` rebuilds a document with a function applied to every node
  (headings in component slots, footnotes, list items and table cells included);
- :func:`rebuild` with sequence mappers lets a transform turn one block into
  zero or many (as the component resolver does).

Every rebuild keeps a node (the same object) when none of its children changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TypeVar, assert_never, cast

from a11ypress import model as m

N = TypeVar("N", bound=m.AnyNode)

#: Node types that hold no other node (a test keeps this in step with :func:`children`).
LEAVES: frozenset[type[m.AnyNode]] = frozenset(
    {
        m.Text,
        m.Code,
        m.Image,
        m.LineBreak,
        m.FootnoteRef,
        m.HtmlInline,
        m.CodeBlock,
        m.ThematicBreak,
        m.HtmlBlock,
    }
)

BlockMap = Callable[[tuple[m.Block, ...]], tuple[m.Block, ...]]
"""Maps a sequence of blocks to a new one (a block may become zero or many)."""
InlineMap = Callable[[tuple[m.Inline, ...]], tuple[m.Inline, ...]]
"""Maps a sequence of inlines to a new one."""
PartMap = Callable[[m.Part], m.Part]
"""Maps a list item, table row or cell, slot or footnote to one of the same kind."""


def children(node: m.AnyNode) -> tuple[m.AnyNode, ...]:
    """The child nodes of ``node``, in document order (a figure's image before
    its caption, a callout's title before its body, a table's caption first)."""
    match node:
        case (
            m.Text()
            | m.Code()
            | m.Image()
            | m.LineBreak()
            | m.FootnoteRef()
            | m.HtmlInline()
            | m.CodeBlock()
            | m.ThematicBreak()
            | m.HtmlBlock()
        ):
            return ()
        case (
            m.Heading()
            | m.Paragraph()
            | m.Emphasis()
            | m.Strong()
            | m.Strikethrough()
            | m.Link()
            | m.Span()
            | m.InlineComponent()
            | m.TableCell()
            | m.Quote()
            | m.CodeGroup()
            | m.ListItem()
            | m.Slot()
            | m.FootnoteDef()
        ):
            return node.children
        case m.Section():
            return (*node.children, *node.footnotes)
        case m.ListBlock():
            return node.items
        case m.Table():
            return (*node.caption, *node.head, *node.body)
        case m.TableRow():
            return node.cells
        case m.Figure():
            return (node.image, *node.caption)
        case m.Callout() | m.LinkCard():
            return (*node.title, *node.children)
        case m.Component():
            return (*node.children, *node.slots)
        case _:
            assert_never(node)


def iter_nodes(root: m.AnyNode | m.Document | Iterable[m.AnyNode]) -> Iterator[m.AnyNode]:
    """Yield every model node under ``root`` (a node, a Document or a sequence
    of nodes), depth first in document order, ``root`` itself included when it
    is a node.  A document's footnotes come after its body."""
    stack: list[m.AnyNode]
    if isinstance(root, m.Document):
        stack = [*reversed(root.footnotes), *reversed(root.children)]
    elif isinstance(root, m.Node):
        stack = [root]
    else:
        stack = list(root)[::-1]
    while stack:
        node = stack.pop()
        yield node
        if type(node) not in LEAVES:
            stack.extend(reversed(children(node)))


def rebuild(node: N, blocks: BlockMap, inlines: InlineMap, parts: PartMap | None = None) -> N:
    """``node`` with its child blocks mapped by ``blocks``, its inline content by
    ``inlines`` and its parts (list items, table rows and cells, slots,
    footnotes) by ``parts``; by default a part is rebuilt with the same
    mappers.  The node itself comes back when nothing changed."""
    if type(node) in LEAVES:
        return node
    return cast(N, _rebuild(node, blocks, inlines, parts))


def _rebuild(
    node: m.AnyNode, blocks: BlockMap, inlines: InlineMap, parts: PartMap | None
) -> m.AnyNode:
    def part(p: m.Part) -> m.Part:
        return parts(p) if parts is not None else cast(m.Part, _rebuild(p, blocks, inlines, None))

    match node:
        case (
            m.Text()
            | m.Code()
            | m.Image()
            | m.LineBreak()
            | m.FootnoteRef()
            | m.HtmlInline()
            | m.CodeBlock()
            | m.ThematicBreak()
            | m.HtmlBlock()
        ):
            return node
        case (
            m.Heading()
            | m.Paragraph()
            | m.Emphasis()
            | m.Strong()
            | m.Strikethrough()
            | m.Link()
            | m.Span()
            | m.InlineComponent()
            | m.TableCell()
        ):
            kids = inlines(node.children)
            return node if kids is node.children else replace(node, children=kids)
        case m.Quote() | m.CodeGroup() | m.ListItem() | m.Slot() | m.FootnoteDef():
            body = blocks(node.children)
            return node if body is node.children else replace(node, children=body)
        case m.Section():
            body = blocks(node.children)
            notes = _same(
                node.footnotes, tuple(cast(m.FootnoteDef, part(f)) for f in node.footnotes)
            )
            if body is node.children and notes is node.footnotes:
                return node
            return replace(node, children=body, footnotes=notes)
        case m.ListBlock():
            items = _same(node.items, tuple(cast(m.ListItem, part(i)) for i in node.items))
            return node if items is node.items else replace(node, items=items)
        case m.Table():
            caption = inlines(node.caption)
            head = _same(node.head, tuple(cast(m.TableRow, part(r)) for r in node.head))
            rows = _same(node.body, tuple(cast(m.TableRow, part(r)) for r in node.body))
            if caption is node.caption and head is node.head and rows is node.body:
                return node
            return replace(node, caption=caption, head=head, body=rows)
        case m.TableRow():
            cells = _same(node.cells, tuple(cast(m.TableCell, part(c)) for c in node.cells))
            return node if cells is node.cells else replace(node, cells=cells)
        case m.Figure():
            got = inlines((node.image,))
            if len(got) != 1 or not isinstance(got[0], m.Image):
                raise TypeError("a figure's image must stay one image")
            caption = inlines(node.caption)
            if got[0] is node.image and caption is node.caption:
                return node
            return replace(node, image=got[0], caption=caption)
        case m.Callout() | m.LinkCard():
            title = inlines(node.title)
            body = blocks(node.children)
            if title is node.title and body is node.children:
                return node
            return replace(node, title=title, children=body)
        case m.Component():
            body = blocks(node.children)
            slots = _same(node.slots, tuple(cast(m.Slot, part(s)) for s in node.slots))
            if body is node.children and slots is node.slots:
                return node
            return replace(node, children=body, slots=slots)
        case _:
            assert_never(node)


_T = TypeVar("_T")


def _same(old: tuple[_T, ...], new: tuple[_T, ...]) -> tuple[_T, ...]:
    """``old`` when ``new`` holds the very same objects (so callers can test with ``is``)."""
    if len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True)):
        return old
    return new


def map_nodes(
    root: m.Document, fn: Callable[[m.AnyNode], m.AnyNode], *, inlines: bool = True
) -> m.Document:
    """``root`` rebuilt with ``fn`` applied to every node, parents before their
    children, in document order (body, then footnotes).  ``fn`` must return a
    node of the same kind (a block for a block, an inline for an inline); the
    children visited are those of the node it returns.  With ``inlines=False``
    only blocks and parts are visited (inline content is kept as it is), which
    is faster for a transform of blocks."""

    def one(node: N) -> N:
        return rebuild(cast(N, fn(node)), seq_blocks, seq_inlines, one_part)

    def one_part(p: m.Part) -> m.Part:
        return one(p)

    def seq_blocks(seq: tuple[m.Block, ...]) -> tuple[m.Block, ...]:
        return _same(seq, tuple(one(b) for b in seq))

    def seq_inlines(seq: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
        if not inlines:
            return seq
        return _same(seq, tuple(one(i) for i in seq))

    body = seq_blocks(root.children)
    notes = _same(root.footnotes, tuple(one(f) for f in root.footnotes))
    if body is root.children and notes is root.footnotes:
        return root
    return replace(root, children=body, footnotes=notes)
