"""Reading a tagged PDF's structure tree with pikepdf (test helper)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf


@dataclass
class Node:
    """One structure element."""

    tag: str
    alt: str | None = None
    lang: str | None = None
    actual_text: str | None = None
    kids: list[Node] = field(default_factory=list)

    def walk(self) -> Iterator[Node]:
        """This node and all below it, in document order."""
        yield self
        for k in self.kids:
            yield from k.walk()

    def dump(self, depth: int = 0) -> str:
        """An indented outline, for reading by eye."""
        extra = "".join(
            f" {k}={v!r}" for k, v in (("alt", self.alt), ("lang", self.lang)) if v is not None
        )
        lines = ["  " * depth + self.tag + extra]
        lines += [k.dump(depth + 1) for k in self.kids]
        return "\n".join(lines)


def _text(obj: object) -> str | None:
    return str(obj) if obj is not None else None


def _node(obj: pikepdf.Dictionary) -> Node:
    node = Node(
        tag=str(obj.get("/S", "/?"))[1:],
        alt=_text(obj.get("/Alt")),
        lang=_text(obj.get("/Lang")),
        actual_text=_text(obj.get("/ActualText")),
    )
    kids = obj.get("/K")
    if kids is None:
        return node
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for k in items:
        if isinstance(k, pikepdf.Dictionary) and k.get("/Type") != "/OBJR" and "/S" in k:
            node.kids.append(_node(k))
    return node


def structure(path: Path) -> tuple[Node, pikepdf.Pdf]:
    """The structure tree's root (the Document element's parent) and the open PDF."""
    pdf = pikepdf.open(path)
    root = pdf.Root.StructTreeRoot
    top = Node("StructTreeRoot")
    kids = root.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    for k in items:
        top.kids.append(_node(k))
    return top, pdf
