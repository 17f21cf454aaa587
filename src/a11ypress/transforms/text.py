"""Plain text of model nodes (for titles, ids, alt text and comparisons)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import assert_never

from a11ypress import model as m


def plain_text(node: m.AnyNode | Iterable[m.AnyNode]) -> str:
    """Visible text of a node (or a sequence of nodes) and its descendants,
    whitespace collapsed.

    Images contribute their alt text; code its text.
    """
    parts: list[str] = []
    if isinstance(node, m.Node):
        _collect(node, parts)
    else:
        _collect_all(node, parts)
    return " ".join("".join(parts).split())


def _collect_all(nodes: Iterable[m.AnyNode], out: list[str]) -> None:
    """A sequence of nodes: blocks (and parts) are separated by a space."""
    for c in nodes:
        _collect(c, out)
        if not isinstance(c, m.Inline):
            out.append(" ")


def _collect(node: m.AnyNode, out: list[str]) -> None:
    match node:
        case m.Text() | m.Code():
            out.append(node.text)
        case m.Image():
            out.append(node.alt)
        case m.LineBreak():
            out.append(" ")
        case m.FootnoteRef() | m.HtmlInline() | m.ThematicBreak() | m.HtmlBlock():
            pass
        case m.Emphasis() | m.Strong() | m.Strikethrough() | m.Span() | m.Link():
            _collect_all(node.children, out)
        case m.InlineComponent():
            _collect_all(node.children, out)
        case m.CodeBlock():
            out.append(node.text + "\n")
        case m.Figure():
            _collect(node.image, out)
            out.append(" ")
            _collect_all(node.caption, out)
        case m.ListBlock():
            _collect_all(node.items, out)
        case m.Table():
            for row in node.head + node.body:
                for cell in row.cells:
                    _collect_all(cell.children, out)
                    out.append(" ")
        case m.Callout() | m.LinkCard():
            _collect_all(node.title, out)
            out.append(" ")
            _collect_all(node.children, out)
        case m.Component():
            _collect_all(node.children, out)
            _collect_all(node.slots, out)
        case m.Heading() | m.Paragraph() | m.TableCell():
            _collect_all(node.children, out)
            out.append(" ")
        case m.Quote() | m.CodeGroup() | m.ListItem() | m.Slot() | m.FootnoteDef():
            _collect_all(node.children, out)
            out.append(" ")
        case m.Section():
            _collect_all(node.children, out)
            out.append(" ")
        case m.TableRow():
            _collect_all(node.cells, out)
            out.append(" ")
        case _:
            assert_never(node)
