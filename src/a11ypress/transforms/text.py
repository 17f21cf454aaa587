"""Plain text of model nodes (for titles, ids, alt text and comparisons)."""

from __future__ import annotations

from a11ypress import model as m


def plain_text(node: object) -> str:
    """Visible text of a node and its descendants, whitespace collapsed.

    Images contribute their alt text; code its text.
    """
    parts: list[str] = []
    _collect(node, parts)
    return " ".join("".join(parts).split())


_BLOCKS = (
    m.Heading,
    m.Paragraph,
    m.ListBlock,
    m.Quote,
    m.CodeBlock,
    m.Table,
    m.Figure,
    m.ThematicBreak,
    m.Callout,
    m.CodeGroup,
    m.LinkCard,
    m.HtmlBlock,
    m.Component,
    m.Section,
    m.ListItem,
    m.Slot,
    m.FootnoteDef,
)


def _collect(node: object, out: list[str]) -> None:
    if isinstance(node, m.Text | m.Code):
        out.append(node.text)
    elif isinstance(node, m.Image):
        out.append(node.alt)
    elif isinstance(node, m.LineBreak):
        out.append(" ")
    elif isinstance(node, m.CodeBlock):
        out.append(node.text + "\n")
    elif isinstance(node, m.Figure):
        _collect(node.image, out)
        out.append(" ")
        for c in node.caption:
            _collect(c, out)
    elif isinstance(node, m.ListBlock):
        _collect(node.items, out)
    elif isinstance(node, m.Table):
        for row in node.head + node.body:
            for cell in row.cells:
                for c in cell.children:
                    _collect(c, out)
                out.append(" ")
    elif isinstance(node, (m.Callout, m.LinkCard)):
        for c in node.title:
            _collect(c, out)
        out.append(" ")
        _collect(node.children, out)
    elif isinstance(node, m.Component):
        _collect(node.children, out)
        _collect(node.slots, out)
    elif isinstance(node, tuple | list):
        for c in node:
            _collect(c, out)
            if isinstance(c, _BLOCKS):
                out.append(" ")
    else:
        kids = getattr(node, "children", None)
        if isinstance(kids, tuple):
            block = not isinstance(
                node, m.Emphasis | m.Strong | m.Strikethrough | m.Span | m.Link | m.InlineComponent
            )
            for c in kids:
                _collect(c, out)
            if block:
                out.append(" ")
