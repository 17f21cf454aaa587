"""Walking the model: every node, in document order."""

from __future__ import annotations

from collections.abc import Iterator

from a11ypress import model as m

#: Fields that hold child nodes, in the order they are read.
_CHILD_FIELDS = (
    "image",
    "title",
    "caption",
    "head",
    "body",
    "items",
    "cells",
    "children",
    "slots",
    "footnotes",
)


def iter_nodes(root: object) -> Iterator[m.Node]:
    """Yield every model node under ``root`` (a node, a Document or a tuple),
    depth first in document order, ``root`` itself included when it is a node."""
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple | list):
            stack.extend(reversed(node))
            continue
        if isinstance(node, m.Node):
            yield node
        elif not isinstance(node, m.Document):
            continue
        kids: list[object] = []
        for name in _CHILD_FIELDS:
            value = getattr(node, name, None)
            if isinstance(value, m.Node | tuple):
                kids.append(value)
        stack.extend(reversed(kids))
