"""The one document model that every exporter reads.

All nodes are frozen, slotted dataclasses; children are tuples.  Every node may
carry a ``lang`` (BCP 47 tag, ``None`` = inherit) and a source position ``pos``
(excluded from equality, so two parses of the same text compare equal however
they were laid out).

Blocks form a closed set (:data:`Block`); inlines too (:data:`Inline`).  The
generic :class:`Component` keeps an MDC component that the vocabulary does not
know, with its props and slots, so no content is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

#: A prop value as it came from MDC props or YAML: JSON-like data.
PropValue: TypeAlias = "str | int | float | bool | list[PropValue] | dict[str, PropValue] | None"


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where a node came from in its source file."""

    line: int
    """1-based line of the node's first source line."""
    end_line: int | None = None
    """1-based line of the node's last source line, when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """Base of every node: optional language and source position."""

    lang: str | None = None
    """BCP 47 language tag of this node's content when it differs from its parent."""
    pos: SourcePos | None = field(default=None, compare=False, repr=False)
    """Source position; not part of equality."""


# ---------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True, kw_only=True)
class Text(Node):
    """Plain text."""

    text: str
    """The characters, entities decoded."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Emphasis(Node):
    """Emphasised text (``_x_``)."""

    children: tuple[Inline, ...] = ()
    """Inline content."""
    attrs: Attrs | None = None
    """Props attached with ``_x_{...}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Strong(Node):
    """Strongly emphasised text (``**x**``)."""

    children: tuple[Inline, ...] = ()
    """Inline content."""
    attrs: Attrs | None = None
    """Props attached with ``**x**{...}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Strikethrough(Node):
    """Deleted text (GFM ``~~x~~``)."""

    children: tuple[Inline, ...] = ()
    """Inline content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Code(Node):
    """Inline code."""

    text: str
    """The code, verbatim."""
    attrs: Attrs | None = None
    """Props attached with ``` `x`{lang=ts} ```."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Link(Node):
    """A hyperlink."""

    url: str
    """Target as written (never fetched)."""
    children: tuple[Inline, ...] = ()
    """Link text."""
    title: str | None = None
    """Optional title attribute."""
    attrs: Attrs | None = None
    """Props attached with ``[a](u){...}``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Image(Node):
    """An image reference, inline or inside a :class:`Figure`."""

    src: str
    """Source as written: relative, site-absolute (``/x.webp``) or remote."""
    alt: str = ""
    """Alternative text; empty means decorative unless ``alt_missing``."""
    alt_missing: bool = False
    """True when the author gave no alt at all (not a deliberate empty alt)."""
    title: str | None = None
    """Optional title."""
    long_description: str | None = None
    """Optional long description for complex images."""
    attrs: Attrs | None = None
    """Other props (width, class, ...)."""
    fallback_alt: str | None = None
    """When the author gave no alt (``alt_missing``): what every output says
    instead, worked out once by :mod:`a11ypress.transforms.alt` (the alt given
    for the same source elsewhere in the article, else the figure's caption).
    None when there is nothing to borrow: outputs then say that the image has
    no description."""

    @property
    def decorative(self) -> bool:
        """True when the author deliberately gave an empty alt."""
        return self.alt == "" and not self.alt_missing


@dataclass(frozen=True, slots=True, kw_only=True)
class LineBreak(Node):
    """A hard line break."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Span(Node):
    """A generic inline container (MDC ``[text]{props}``); carries ``lang``."""

    children: tuple[Inline, ...] = ()
    """Inline content."""
    attrs: Attrs | None = None
    """Classes, id and other props."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FootnoteRef(Node):
    """A reference to a footnote (``[^label]``)."""

    label: str
    """Footnote label as written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlInline(Node):
    """Raw inline HTML, kept as written; renderers must sanitise it."""

    html: str
    """The raw markup."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InlineComponent(Node):
    """An MDC inline component the vocabulary left as is (``:badge[New]``)."""

    name: str
    """Kebab-cased component name."""
    props: dict[str, PropValue] = field(default_factory=dict, compare=True, hash=False)
    """Props as parsed."""
    children: tuple[Inline, ...] = ()
    """The label, parsed as inline Markdown."""


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Attrs:
    """HTML-ish attributes given with MDC props on a native element."""

    id: str | None = None
    """Element id (``#id``)."""
    classes: tuple[str, ...] = ()
    """Class names (``.a``, ``class="b"``)."""
    other: tuple[tuple[str, str], ...] = ()
    """Remaining props as ordered (name, value) pairs."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading(Node):
    """A section heading."""

    level: int
    """Level 1-6 as written in the article."""
    children: tuple[Inline, ...] = ()
    """Heading text."""
    id: str | None = None
    """Anchor id, assigned by a transform when not given."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Paragraph(Node):
    """A paragraph of inline content."""

    children: tuple[Inline, ...] = ()
    """Inline content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListItem(Node):
    """One item of a :class:`ListBlock`."""

    children: tuple[Block, ...] = ()
    """Block content of the item."""
    checked: bool | None = None
    """Task state: True/False for a GFM task item, None for an ordinary item."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListBlock(Node):
    """An ordered or unordered list."""

    ordered: bool = False
    """True for a numbered list."""
    start: int | None = None
    """First number of an ordered list when not 1."""
    items: tuple[ListItem, ...] = ()
    """The items."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote(Node):
    """A block quotation."""

    children: tuple[Block, ...] = ()
    """Quoted blocks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBlock(Node):
    """A fenced or indented code block."""

    text: str
    """The code, verbatim, ending without a trailing newline."""
    language: str | None = None
    """Language from the info string."""
    filename: str | None = None
    """File name from ``[name]`` in the info string."""
    highlights: tuple[int, ...] = ()
    """Highlighted line numbers from ``{1-3,5}``."""
    meta: str | None = None
    """Rest of the info string."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableCell(Node):
    """One table cell."""

    children: tuple[Inline, ...] = ()
    """Cell content."""
    header: bool = False
    """True for a header cell."""
    align: str | None = None
    """``left``, ``center``, ``right`` or None."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRow(Node):
    """One table row."""

    cells: tuple[TableCell, ...] = ()
    """The row's cells."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Table(Node):
    """A table with an optional header row and caption."""

    head: tuple[TableRow, ...] = ()
    """Header rows."""
    body: tuple[TableRow, ...] = ()
    """Body rows."""
    caption: tuple[Inline, ...] = ()
    """Caption, when the article gives one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure(Node):
    """A stand-alone image with an optional caption."""

    image: Image
    """The image (with its alt text)."""
    caption: tuple[Inline, ...] = ()
    """Visible caption."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ThematicBreak(Node):
    """A thematic break (``---``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Callout(Node):
    """An aside such as a tip, note or warning, shown with a visible label."""

    kind: str
    """Component family: tip, note, warning, caution, important, callout, alert ..."""
    label: str
    """Visible label (e.g. "Tip"), from the vocabulary or a ``type`` prop."""
    title: tuple[Inline, ...] = ()
    """Optional title (``#title`` slot, ``title`` prop or ``[label]``)."""
    children: tuple[Block, ...] = ()
    """Body."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeGroup(Node):
    """Alternative code blocks shown together (``::code-group``)."""

    children: tuple[Block, ...] = ()
    """Usually code blocks, each with a filename."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkCard(Node):
    """A "read more" link shown as a block."""

    url: str
    """Target."""
    title: tuple[Inline, ...] = ()
    """Link text."""
    children: tuple[Block, ...] = ()
    """Optional description."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlBlock(Node):
    """Raw block HTML, kept as written; renderers must sanitise it."""

    html: str
    """The raw markup."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FootnoteDef(Node):
    """A footnote's content."""

    label: str
    """Footnote label."""
    children: tuple[Block, ...] = ()
    """Footnote content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot(Node):
    """A named slot of a :class:`Component` (``#title``)."""

    name: str
    """Slot name."""
    children: tuple[Block, ...] = ()
    """Slot content."""
    props: dict[str, PropValue] = field(default_factory=dict, hash=False)
    """Props given on the slot line."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Component(Node):
    """An MDC block component: generic container so unknown content is kept."""

    name: str
    """Kebab-cased component name."""
    props: dict[str, PropValue] = field(default_factory=dict, hash=False)
    """Props (inline ``{}`` merged with the YAML block, YAML winning)."""
    children: tuple[Block, ...] = ()
    """Default slot content."""
    slots: tuple[Slot, ...] = ()
    """Named slots other than ``default``, in source order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Section(Node):
    """A grouping of blocks, e.g. one article inside a digest."""

    children: tuple[Block, ...] = ()
    """Blocks of the section."""
    id: str | None = None
    """Anchor id."""
    metadata: Metadata | None = None
    """The metadata of the article this section holds, in a digest."""
    source: str | None = None
    """Source file of the section's content (relative images resolve against it)."""
    footnotes: tuple[FootnoteDef, ...] = ()
    """Footnote definitions of the section's article."""
    part: bool = False
    """True for a part of a digest (a folder of a site): ``metadata`` gives its
    title and its children are sections (its introduction first, if any)."""
    intro: bool = False
    """True for the article that introduces its part (the folder's index.md)."""


Inline: TypeAlias = (
    Text
    | Emphasis
    | Strong
    | Strikethrough
    | Code
    | Link
    | Image
    | LineBreak
    | Span
    | FootnoteRef
    | HtmlInline
    | InlineComponent
)
"""Any inline node."""

Block: TypeAlias = (
    Heading
    | Paragraph
    | ListBlock
    | Quote
    | CodeBlock
    | Table
    | Figure
    | ThematicBreak
    | Callout
    | CodeGroup
    | LinkCard
    | HtmlBlock
    | Component
    | Section
)
"""Any block node."""

Part: TypeAlias = ListItem | TableRow | TableCell | Slot | FootnoteDef
"""A node that only appears inside a particular parent (a list, a table, a
component, the footnotes), never on its own in a sequence of blocks."""

AnyNode: TypeAlias = Block | Inline | Part
"""Any model node: what :mod:`a11ypress.transforms.walk` visits."""


@dataclass(frozen=True, slots=True)
class Author:
    """A person credited for the article."""

    name: str
    """Display name."""
    url: str | None = None
    """Optional profile link."""


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an article says about itself."""

    title: str = ""
    """Title (front matter, else meta-tags, else first h1)."""
    description: str = ""
    """Summary (front matter, else meta-tags, else first paragraph)."""
    authors: tuple[Author, ...] = ()
    """Authors in credit order."""
    date: str | None = None
    """Publication date, ISO 8601 (YYYY-MM-DD) when it could be read."""
    language: str = "en"
    """Main language of the article (BCP 47)."""
    keywords: tuple[str, ...] = ()
    """Subjects: tags, keywords and category."""
    cover: Image | None = None
    """Cover image with its alt text."""
    source_url: str | None = None
    """Where the article is published."""
    extra: dict[str, PropValue] = field(default_factory=dict, hash=False)
    """Every other front matter or meta-tags field, kept for exporters."""


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed article."""

    metadata: Metadata
    """Resolved metadata."""
    children: tuple[Block, ...] = ()
    """Body blocks in reading order."""
    footnotes: tuple[FootnoteDef, ...] = ()
    """Footnote definitions in order of first reference."""
    title_in_body: bool = False
    """True when the body's first heading repeats the title (renderers then
    do not add a title heading of their own)."""
    source: str | None = None
    """Path of the source file, for diagnostics."""
