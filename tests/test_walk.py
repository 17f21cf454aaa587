"""The one walk: every node is reached, and a rebuild that changes nothing
gives back the very same objects."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from typing import get_args

from a11ypress import model as m
from a11ypress.document import parse_text
from a11ypress.transforms.walk import LEAVES, iter_nodes, map_nodes

SOURCE = """# Title

::my-panel
Body with ![a kite](kite.png).
#extra
## In a slot
::

- item with **bold**

| Head |
|---|
| cell _em_ |

::tip{title="T"}
Tip text.
::

A note[^n].

[^n]: The note's text.
"""


def _texts(doc: m.Document) -> list[str]:
    return [n.text for n in iter_nodes(doc) if isinstance(n, m.Text)]


def test_iter_nodes_reaches_slots_cells_items_and_footnotes() -> None:
    doc = parse_text(SOURCE, "w.md").document
    texts = " ".join(_texts(doc))
    for want in ("In a slot", "bold", "Head", "em", "Tip text.", "The note's text."):
        assert want in texts
    kinds = {type(n) for n in iter_nodes(doc)}
    assert {m.Slot, m.ListItem, m.TableRow, m.TableCell, m.FootnoteDef, m.Image} <= kinds


def test_map_nodes_keeps_what_it_does_not_change() -> None:
    doc = parse_text(SOURCE, "w.md").document
    assert map_nodes(doc, lambda n: n) is doc


def test_map_nodes_visits_every_node_once_in_document_order() -> None:
    doc = parse_text(SOURCE, "w.md").document
    seen: list[m.AnyNode] = []

    def visit(n: m.AnyNode) -> m.AnyNode:
        seen.append(n)
        return n

    map_nodes(doc, visit)
    assert seen == list(iter_nodes(doc))


def test_map_nodes_changes_nodes_deep_inside() -> None:
    doc = parse_text(SOURCE, "w.md").document

    def shout(n: m.AnyNode) -> m.AnyNode:
        return replace(n, text=n.text.upper()) if isinstance(n, m.Text) else n

    out = map_nodes(doc, shout)
    assert all(t == t.upper() for t in _texts(out))
    assert "IN A SLOT" in _texts(out) and "THE NOTE'S TEXT." in _texts(out)



def test_leaves_are_exactly_the_node_types_without_child_fields() -> None:
    names = {t.__name__ for t in get_args(m.AnyNode)} | {"Inline", "Block", "Part"}

    def holds_nodes(kind: type) -> bool:
        return any(
            set(re.findall(r"\w+", str(f.type))) & names
            for f in dataclasses.fields(kind)
            if f.name not in ("pos", "metadata")
        )

    for kind in get_args(m.AnyNode):
        assert (kind in LEAVES) == (not holds_nodes(kind)), kind.__name__
