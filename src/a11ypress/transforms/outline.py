"""The heading outline every output follows, worked out once from the model.

The article's title is the only level 1; body headings are shifted below it
when the article itself uses level 1, and never skip a level (a level 4 after
a level 2 becomes a 3).  The EPUB and PDF headings, their navigation and the
audio's chapters all read the same :class:`Outline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from a11ypress import model as m

from .walk import iter_nodes


def heading_shift(doc: m.Document) -> int:
    """1 when body headings (other than a title heading) use level 1, else 0."""
    levels = [b.level for b in doc.children if isinstance(b, m.Heading)]
    if doc.title_in_body:
        levels = levels[1:]
    return 1 if levels and min(levels) == 1 else 0


@dataclass(frozen=True, slots=True)
class Outline:
    """Output levels of one article's headings."""

    title: m.Heading | None
    """The body heading that repeats the article's title (its first top-level
    heading, when :attr:`~a11ypress.model.Document.title_in_body`): level 1."""
    levels: dict[int, int] = field(hash=False)
    """``id()`` of each heading node -> its output level; read it with :meth:`level`."""

    def level(self, heading: m.Heading) -> int:
        """Output level of ``heading`` (a node of the document the outline was
        made from): 1 for the title, else 2-6."""
        return self.levels.get(id(heading), max(2, min(heading.level, 6)))


def outline(doc: m.Document) -> Outline:
    """The outline of ``doc``'s headings (body, then footnotes)."""
    shift = heading_shift(doc)
    first = next((b for b in doc.children if isinstance(b, m.Heading)), None)
    title = first if doc.title_in_body else None
    last = 1
    levels: dict[int, int] = {}
    for node in iter_nodes(doc):
        if not isinstance(node, m.Heading):
            continue
        if node is title:
            levels[id(node)] = 1
            continue
        out = min(max(2, node.level + shift), last + 1, 6)
        last = out
        levels[id(node)] = out
    return Outline(title, levels)
