"""Raw parse -> final document: interpret components, resolve metadata, add ids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import assert_never

from a11ypress import model as m
from a11ypress.components import Role, Vocabulary
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.mdc import RawDocument
from a11ypress.mdc.props import bound_value
from a11ypress.model import PropValue

from .alt import resolve_alts
from .metadata import resolve_metadata
from .text import plain_text
from .walk import map_nodes, rebuild

#: Props that configure a component rather than carry text for the reader.
_NON_TEXT_PROPS = frozenset(
    {
        "id",
        "class",
        "style",
        "src",
        "href",
        "to",
        "url",
        "icon",
        "name",
        "color",
        "type",
        "size",
        "variant",
        "target",
        "rel",
        "width",
        "height",
        "lang",
        "layout",
        "align",
        "format",
        "loading",
        "sizes",
        "srcset",
        "fit",
        "quality",
        "provider",
        "preset",
        "key",
    }
)
#: Props whose string value is always text for the reader.
_TEXT_PROPS = frozenset(
    {
        "title",
        "label",
        "text",
        "description",
        "subtitle",
        "caption",
        "content",
        "heading",
        "summary",
        "headline",
        "message",
        "body",
        "quote",
        "author",
        "tagline",
    }
)
_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/|\./|\.\./|#)\S*$", re.I)


class Resolver:
    """Interprets components of one document with a vocabulary."""

    def __init__(self, vocab: Vocabulary, data: dict[str, PropValue], sink: DiagnosticSink):
        self.vocab = vocab
        """Component vocabulary."""
        self.data = data
        """Front matter, for bound props."""
        self.sink = sink
        """Where diagnostics go."""
        self.meta_tags: dict[str, PropValue] = {}
        """Props of every metadata component, merged in order."""
        self._unknown: set[str] = set()

    # ------------------------------------------------------------ blocks

    def blocks(self, blocks: Iterable[m.Block]) -> tuple[m.Block, ...]:
        """Resolve a sequence of blocks."""
        out: list[m.Block] = []
        for b in blocks:
            out.extend(self.block(b))
        return tuple(out)

    def block(self, b: m.Block) -> list[m.Block]:
        """Resolve one block (a component may become zero or many blocks);
        other blocks have their content resolved by the generic walk."""
        if isinstance(b, m.Component):
            return self.component(b)
        b = rebuild(b, self.blocks, self.inlines)
        if isinstance(b, m.Paragraph):
            return [self._paragraph(b)]
        return [b]

    def _paragraph(self, p: m.Paragraph) -> m.Block:
        """A paragraph holding nothing but one image is a figure."""
        solo = [k for k in p.children if not (isinstance(k, m.Text) and not k.text.strip())]
        if len(solo) == 1 and isinstance(solo[0], m.Image):
            return m.Figure(image=solo[0], pos=p.pos, lang=p.lang)
        return p

    def _props(self, c: m.Component | m.InlineComponent) -> dict[str, PropValue]:
        """Props with bound values (``:key``) evaluated under their plain key."""
        out: dict[str, PropValue] = {}
        for k, v in c.props.items():
            if k.startswith(":") and isinstance(v, str):
                out.setdefault(k[1:], bound_value(v, self.data))
            else:
                out[k] = v
        return out

    def component(self, c: m.Component) -> list[m.Block]:
        """Interpret a block component by its role (an unknown one is a container)."""
        role = self._role(c)
        props = self._props(c)
        if role.role == "ignore":
            return []
        if role.role == "metadata":
            self.meta_tags.update(props)
            return []
        children = self.blocks(c.children)
        if c.lang:
            children = tuple(_with_lang(b, c.lang) for b in children)
        match role.role:
            case "heading":
                return self._heading_component(c, role, props, children)
            case "paragraph":
                return self.data_blocks(props, c.pos) + list(children) + self._slot_blocks(c.slots)
            case "image":
                rest = self.data_blocks(props, c.pos, skip=(role.src, role.alt, role.caption))
                return [self._image_component(c, role, props, children), *rest]
            case "callout":
                slots = {s.name: s for s in c.slots}
                return [self._callout(c, role, props, children, slots)]
            case "code-group":
                group = m.CodeGroup(
                    children=children + tuple(self._slot_blocks(c.slots)), lang=c.lang, pos=c.pos
                )
                return [group, *self.data_blocks(props, c.pos)]
            case "link-card":
                return [self._link_card(c, role, props, children)]
            case "container":
                return [self._container(c, props, children)]
            case _:
                assert_never(role.role)

    def _role(self, c: m.Component) -> Role:
        """The component's role; an unknown component is a container, reported
        once per name."""
        role = self.vocab.get(c.name)
        if role is not None:
            return role
        if c.name not in self._unknown:
            self._unknown.add(c.name)
            self.sink.add(
                "unknown-component",
                f"unknown component ::{c.name}; its content is kept as a plain container"
                " (map it with --components FILE)",
                c.pos.line if c.pos else None,
                Severity.INFO,
            )
        return Role("container")

    def _heading_component(
        self,
        c: m.Component,
        role: Role,
        props: dict[str, PropValue],
        children: tuple[m.Block, ...],
    ) -> list[m.Block]:
        """A heading whose text is the content (or the first text prop)."""
        data = self.data_blocks(props, c.pos)
        text = _inline_content(children) or _inline_content(data[:1])
        if not children:
            data = data[1:]
        return [
            m.Heading(level=max(1, min(6, role.level)), children=text, lang=c.lang, pos=c.pos),
            *data,
            *self._slot_blocks(c.slots),
        ]

    def _link_card(
        self,
        c: m.Component,
        role: Role,
        props: dict[str, PropValue],
        children: tuple[m.Block, ...],
    ) -> m.Block:
        """A "read more" link: its title from the title prop, else the first
        paragraph, else the address."""
        url = props.get(role.url) or props.get("href") or props.get("url") or ""
        title_prop = props.get(role.title)
        title: tuple[m.Inline, ...] = (
            (m.Text(text=str(title_prop)),) if isinstance(title_prop, str) and title_prop else ()
        )
        body = tuple(self.data_blocks(props, c.pos, skip=(role.title,))) + children
        if not title and body and isinstance(body[0], m.Paragraph):
            title, body = body[0].children, body[1:]
        if not title:
            title = (m.Text(text=str(url)),)
        return m.LinkCard(
            url=str(url),
            title=title,
            children=body + tuple(self._slot_blocks(c.slots)),
            lang=c.lang,
            pos=c.pos,
        )

    def _container(
        self, c: m.Component, props: dict[str, PropValue], children: tuple[m.Block, ...]
    ) -> m.Block:
        """A component kept as it is, its text props shown before its content."""
        data = self.data_blocks(props, c.pos)
        slots_out = tuple(replace(s, children=self.blocks(s.children)) for s in c.slots)
        return m.Component(
            name=c.name,
            props=c.props,
            children=tuple(data) + children,
            slots=slots_out,
            lang=c.lang,
            pos=c.pos,
        )

    def _slot_blocks(self, slots: Iterable[m.Slot]) -> list[m.Block]:
        out: list[m.Block] = []
        for s in slots:
            out.extend(self.blocks(s.children))
        return out

    def _image_component(
        self,
        c: m.Component,
        role: Role,
        props: dict[str, PropValue],
        children: tuple[m.Block, ...],
    ) -> m.Block:
        src = props.get(role.src)
        alt = props.get(role.alt)
        cap = props.get(role.caption)
        caption: tuple[m.Inline, ...] = (m.Text(text=str(cap)),) if cap else ()
        if not caption and children:
            caption = _inline_content(children)
        line = c.pos.line if c.pos else None
        if not src:
            self.sink.add(
                "image-without-src",
                f"::{c.name} has no {role.src!r} prop; shown as text only",
                line,
            )
        alt_missing = alt is None
        image = m.Image(
            src=str(src or ""),
            alt="" if alt is None else str(alt),
            alt_missing=alt_missing,
            title=str(props["title"]) if isinstance(props.get("title"), str) else None,
            pos=c.pos,
        )
        return m.Figure(image=image, caption=caption, lang=c.lang, pos=c.pos)

    def _callout(
        self,
        c: m.Component,
        role: Role,
        props: dict[str, PropValue],
        children: tuple[m.Block, ...],
        slots: dict[str, m.Slot],
    ) -> m.Block:
        label = role.label or c.name.replace("-", " ").capitalize()
        typ = props.get("type") or props.get("color")
        if c.name in ("alert", "callout") and isinstance(typ, str) and typ.isalpha():
            label = typ.capitalize()
        title: tuple[m.Inline, ...] = ()
        if "title" in slots:
            title = _inline_content(self.blocks(slots["title"].children))
        elif isinstance(props.get(role.title), str) and props.get(role.title):
            title = (m.Text(text=str(props[role.title])),)
        rest = self._slot_blocks(s for s in c.slots if s.name != "title")
        data = self.data_blocks(props, c.pos, skip=(role.title,) if title else ())
        return m.Callout(
            kind=c.name,
            label=label,
            title=title,
            children=tuple(data) + children + tuple(rest),
            lang=c.lang,
            pos=c.pos,
        )

    def data_blocks(
        self, props: dict[str, PropValue], pos: m.SourcePos | None, skip: tuple[str, ...] = ()
    ) -> list[m.Block]:
        """Blocks that carry a component's text-valued and list-valued props to the
        reader (props named in ``skip`` are used elsewhere)."""
        out: list[m.Block] = []
        for key, value in props.items():
            if key.startswith(":") or key in _NON_TEXT_PROPS or key in skip:
                continue
            if isinstance(value, str):
                if _is_text(key, value):
                    out.append(m.Paragraph(children=(m.Text(text=value),), pos=pos))
            elif isinstance(value, list) and value:
                block = _list_to_block(value, pos)
                if block is not None:
                    out.append(block)
            elif isinstance(value, dict) and value:
                out.extend(self.data_blocks(value, pos))
        return out

    # ------------------------------------------------------------ inlines

    def inlines(self, kids: tuple[m.Inline, ...]) -> tuple[m.Inline, ...]:
        """Resolve inline components inside inline content (the same tuple
        comes back when there is nothing to resolve)."""
        out: list[m.Inline] = []
        changed = False
        for k in kids:
            if isinstance(k, m.InlineComponent):
                out.extend(self.inline_component(k))
                changed = True
            else:
                new = rebuild(k, self.blocks, self.inlines)
                changed = changed or new is not k
                out.append(new)
        return tuple(out) if changed else kids

    def inline_component(self, c: m.InlineComponent) -> list[m.Inline]:
        """Interpret an inline component."""
        role = self.vocab.get(c.name)
        props = self._props(c)
        kids = self.inlines(c.children)
        if role is not None and role.role == "image":
            alt = props.get(role.alt)
            return [
                m.Image(
                    src=str(props.get(role.src) or ""),
                    alt="" if alt is None else str(alt),
                    alt_missing=alt is None,
                    pos=c.pos,
                )
            ]
        if role is not None and role.role == "link-card":
            url = props.get(role.url) or props.get("href") or ""
            title = props.get(role.title)
            text = kids or ((m.Text(text=str(title or url)),))
            return [m.Link(url=str(url), children=text)]
        if role is not None and role.role == "ignore":
            return []
        if not kids:
            texts = [
                str(v)
                for k, v in props.items()
                if isinstance(v, str) and k not in _NON_TEXT_PROPS and _is_text(k, v)
            ]
            if texts:
                kids = (m.Text(text=" ".join(texts)),)
        return [replace(c, children=kids)]


def _is_text(key: str, value: str) -> bool:
    """Whether a string prop is text meant for the reader."""
    v = value.strip()
    if not v or _URLISH.match(v):
        return False
    if key in _TEXT_PROPS:
        return True
    return " " in v and any(ch.isalpha() for ch in v)


def _list_to_block(items: list[PropValue], pos: m.SourcePos | None) -> m.Block | None:
    """A list prop as a list (scalars) or a table (mappings)."""
    if all(isinstance(x, dict) for x in items):
        keys: list[str] = []
        for row in items:
            assert isinstance(row, dict)
            for k in row:
                if k not in keys:
                    keys.append(k)
        head = m.TableRow(
            cells=tuple(m.TableCell(children=(m.Text(text=k),), header=True) for k in keys)
        )
        body = tuple(
            m.TableRow(
                cells=tuple(
                    m.TableCell(children=(m.Text(text=_scalar_text(row.get(k))),))  # type: ignore[union-attr]
                    for k in keys
                )
            )
            for row in items
        )
        return m.Table(head=(head,), body=body, pos=pos)
    entries = [_scalar_text(x) for x in items]
    if not any(entries):
        return None
    return m.ListBlock(
        items=tuple(
            m.ListItem(children=(m.Paragraph(children=(m.Text(text=e),)),)) for e in entries if e
        ),
        pos=pos,
    )


def _scalar_text(v: PropValue) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(_scalar_text(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_scalar_text(x)}" for k, x in v.items())
    return str(v)


def _inline_content(blocks: Iterable[m.Block]) -> tuple[m.Inline, ...]:
    """Inline content of blocks (paragraphs joined with a space)."""
    out: list[m.Inline] = []
    for b in blocks:
        if isinstance(b, m.Paragraph | m.Heading):
            if out:
                out.append(m.Text(text=" "))
            out.extend(b.children)
        elif isinstance(b, m.Figure):
            out.append(b.image)
        else:
            text = plain_text(b)
            if text:
                if out:
                    out.append(m.Text(text=" "))
                out.append(m.Text(text=text))
    return tuple(out)


def _with_lang(b: m.Block, lang: str) -> m.Block:
    """Give ``b`` a language unless it has one."""
    return b if b.lang else replace(b, lang=lang)


def slugify(text: str) -> str:
    """An ASCII anchor id for heading text."""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"[^a-z0-9]+", "-", t).strip("-")
    return t or "section"


def assign_heading_ids(doc: m.Document, used: set[str] | None = None) -> m.Document:
    """Give every heading of ``doc`` a unique id (kept when the article gave
    one), in document order: headings in component slots, callouts, list
    items and footnotes included.  ``used`` holds ids already taken."""
    taken: set[str] = set() if used is None else used

    def give_id(node: m.AnyNode) -> m.AnyNode:
        if not isinstance(node, m.Heading):
            return node
        return replace(node, id=unique_id(node.id or slugify(plain_text(node)), taken))

    return map_nodes(doc, give_id, inlines=False)


def unique_id(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... when taken; the result is added to ``used``."""
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    used.add(ident)
    return ident


def resolve(
    raw: RawDocument,
    vocab: Vocabulary,
    *,
    path: str | None,
    default_lang: str,
    sink: DiagnosticSink,
) -> m.Document:
    """Build the final :class:`~a11ypress.model.Document` from a raw parse."""
    r = Resolver(vocab, raw.front_matter, sink)
    body = r.blocks(raw.children)
    footnotes = tuple(replace(f, children=r.blocks(f.children)) for f in raw.footnotes)
    meta, title_in_body = resolve_metadata(raw.front_matter, r.meta_tags, body, default_lang)
    doc = m.Document(
        metadata=meta, children=body, footnotes=footnotes, title_in_body=title_in_body, source=path
    )
    return resolve_alts(assign_heading_ids(doc))
