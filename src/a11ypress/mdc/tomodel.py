"""markdown-it tokens -> raw document model (components not yet interpreted)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markdown_it.token import Token

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.model import PropValue

from .block import BlockMeta, SlotMeta
from .depth import MAX_INLINE_DEPTH, flatten_inlines
from .fence import parse_info
from .props import lookup

_TASK = re.compile(r"\[([ xX])\](?:[ \t]|$)")
_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


def props_to_attrs(props: dict[str, PropValue], *, skip: tuple[str, ...] = ()) -> m.Attrs | None:
    """Turn MDC props on a native element into :class:`~a11ypress.model.Attrs`."""
    ident = props.get("id")
    cls = props.get("class")
    other = tuple((k, _prop_text(v)) for k, v in props.items() if k not in ("id", "class", *skip))
    attrs = m.Attrs(
        id=str(ident) if ident is not None else None,
        classes=tuple(str(cls).split()) if cls else (),
        other=other,
    )
    return attrs if (attrs.id or attrs.classes or attrs.other) else None


def _prop_text(v: PropValue) -> str:
    """A prop value as attribute text."""
    if v is True:
        return ""
    return "" if v is None else str(v)


#: Inline tokens that open a container, and the token that closes each.
_CLOSERS = {
    "em_open": "em_close",
    "strong_open": "strong_close",
    "s_open": "s_close",
    "link_open": "link_close",
    "mdc_span_open": "mdc_span_close",
    "mdc_inline_open": "mdc_inline_close",
}


class TokenConverter:
    """Builds raw model nodes from one token stream."""

    def __init__(
        self,
        data: dict[str, PropValue],
        sink: DiagnosticSink,
        parse_inline: Callable[[str], list[Token]],
    ):
        self.data = data
        """Front matter, for bindings."""
        self.sink = sink
        """Where problems go."""
        self.footnotes: list[m.FootnoteDef] = []
        """Footnote definitions met."""
        self.parse_inline = parse_inline
        """Tokenizes a piece of inline Markdown (component labels)."""

    # ------------------------------------------------------------ blocks

    def pos(self, tok: Token) -> m.SourcePos | None:
        """Source position of a block token."""
        if tok.map is None:
            return None
        return m.SourcePos(tok.map[0] + 1, tok.map[1])

    def blocks(self, toks: Sequence[Token], i: int, stop: str | None) -> tuple[list[m.Block], int]:
        """Convert block tokens from ``i`` until a token of type ``stop``;
        returns the blocks and the index just after ``stop``."""
        out: list[m.Block] = []
        n = len(toks)
        while i < n:
            tok = toks[i]
            t = tok.type
            if t == stop:
                return out, i + 1
            if t == "paragraph_open":
                inl = self.inlines(toks[i + 1].children or [], tok)
                i += 3
                out.append(self._paragraph(inl, tok))
            elif t == "heading_open":
                inl = self.inlines(toks[i + 1].children or [], tok)
                out.append(m.Heading(level=int(tok.tag[1]), children=tuple(inl), pos=self.pos(tok)))
                i += 3
            elif t in ("bullet_list_open", "ordered_list_open"):
                block, i = self._list(toks, i)
                out.append(block)
            elif t == "blockquote_open":
                kids, i = self.blocks(toks, i + 1, "blockquote_close")
                out.append(m.Quote(children=tuple(kids), pos=self.pos(tok)))
            elif t in ("fence", "code_block"):
                out.append(self._code(tok))
                i += 1
            elif t == "hr":
                out.append(m.ThematicBreak(pos=self.pos(tok)))
                i += 1
            elif t == "html_block":
                out.append(m.HtmlBlock(html=tok.content, pos=self.pos(tok)))
                i += 1
            elif t == "table_open":
                table, i = self._table(toks, i)
                out.append(table)
            elif t == "mdc_block_open":
                comp, i = self._component(toks, i)
                out.append(comp)
            elif t == "footnote_block_open":
                i = self._footnotes(toks, i + 1)
            else:
                i += 1  # closers of hidden containers, unknown plugin tokens
        return out, i

    def _paragraph(self, inl: list[m.Inline], tok: Token) -> m.Block:
        """A paragraph, or a block component when an inline component stands alone."""
        solo = [x for x in inl if not (isinstance(x, m.Text) and not x.text.strip())]
        if len(solo) == 1 and isinstance(solo[0], m.InlineComponent):
            c = solo[0]
            kids: tuple[m.Block, ...] = ()
            if c.children:
                kids = (m.Paragraph(children=c.children, pos=self.pos(tok)),)
            return m.Component(
                name=c.name, props=c.props, children=kids, lang=c.lang, pos=self.pos(tok)
            )
        return m.Paragraph(children=tuple(inl), pos=self.pos(tok))

    def _code(self, tok: Token) -> m.CodeBlock:
        text = tok.content[:-1] if tok.content.endswith("\n") else tok.content
        if tok.type == "code_block":
            return m.CodeBlock(text=text, pos=self.pos(tok))
        info = parse_info(tok.info)
        return m.CodeBlock(
            text=text,
            language=info.language,
            filename=info.filename,
            highlights=info.highlights,
            meta=info.meta,
            pos=self.pos(tok),
        )

    def _list(self, toks: Sequence[Token], i: int) -> tuple[m.ListBlock, int]:
        open_tok = toks[i]
        close = open_tok.type.replace("_open", "_close")
        ordered = open_tok.type == "ordered_list_open"
        start_attr = open_tok.attrs.get("start")
        start = int(start_attr) if start_attr is not None else None
        items: list[m.ListItem] = []
        i += 1
        while toks[i].type != close:
            item_tok = toks[i]
            kids, i = self.blocks(toks, i + 1, "list_item_close")
            checked = None
            if kids and isinstance(kids[0], m.Paragraph) and kids[0].children:
                first = kids[0].children[0]
                if isinstance(first, m.Text):
                    tm = _TASK.match(first.text)
                    if tm:
                        checked = tm.group(1) != " "
                        rest = first.text[tm.end() :]
                        para_kids = ((m.Text(text=rest),) if rest else ()) + kids[0].children[1:]
                        kids[0] = m.Paragraph(children=para_kids, pos=kids[0].pos)
            items.append(m.ListItem(children=tuple(kids), checked=checked, pos=self.pos(item_tok)))
        return (
            m.ListBlock(
                ordered=ordered,
                start=start if ordered and start != 1 else None,
                items=tuple(items),
                pos=self.pos(open_tok),
            ),
            i + 1,
        )

    def _table(self, toks: Sequence[Token], i: int) -> tuple[m.Table, int]:
        open_tok = toks[i]
        head: list[m.TableRow] = []
        body: list[m.TableRow] = []
        target = head
        cells: list[m.TableCell] = []
        i += 1
        while toks[i].type != "table_close":
            tok = toks[i]
            if tok.type == "tbody_open":
                target = body
            elif tok.type == "tr_open":
                cells = []
            elif tok.type == "tr_close":
                target.append(m.TableRow(cells=tuple(cells)))
            elif tok.type in ("th_open", "td_open"):
                style = str(tok.attrs.get("style", ""))
                am = _ALIGN.search(style)
                inl = self.inlines(toks[i + 1].children or [], tok)
                cells.append(
                    m.TableCell(
                        children=tuple(inl),
                        header=tok.type == "th_open",
                        align=am.group(1) if am else None,
                    )
                )
                i += 2
            i += 1
        return m.Table(head=tuple(head), body=tuple(body), pos=self.pos(open_tok)), i + 1

    def _component(self, toks: Sequence[Token], i: int) -> tuple[m.Component, int]:
        open_tok = toks[i]
        meta: BlockMeta = open_tok.meta["mdc"]
        line = meta.line + 1
        if meta.yaml_problem is not None:
            pline = meta.yaml_problem.line
            self.sink.add(
                "bad-props-yaml",
                f"props of ::{meta.name} ignored: {meta.yaml_problem.message}",
                line if pline is None else pline + 1,
            )
        if not meta.closed:
            self.sink.add(
                "unclosed-component",
                f"::{meta.name} is not closed; it runs to the end of its parent",
                line,
                Severity.INFO,
            )
        default: list[m.Block] = []
        if meta.label:
            default.append(
                m.Paragraph(children=tuple(self.inline_text(meta.label)), pos=self.pos(open_tok))
            )
        slots: list[m.Slot] = []
        i += 1
        while toks[i].type != "mdc_block_close":
            tok = toks[i]
            smeta: SlotMeta = tok.meta["mdc"]
            kids, i = self.blocks(toks, i + 1, "mdc_slot_close")
            if smeta.name == "default" and not smeta.props:
                default.extend(kids)
            else:
                slots.append(
                    m.Slot(
                        name=smeta.name, props=smeta.props, children=tuple(kids), pos=self.pos(tok)
                    )
                )
        lang = meta.props.get("lang")
        return (
            m.Component(
                name=meta.name,
                props=meta.props,
                children=tuple(default),
                slots=tuple(slots),
                lang=str(lang) if isinstance(lang, str) and lang else None,
                pos=self.pos(open_tok),
            ),
            i + 1,
        )

    def _footnotes(self, toks: Sequence[Token], i: int) -> int:
        while toks[i].type != "footnote_block_close":
            tok = toks[i]
            if tok.type == "footnote_open":
                label = str(tok.meta.get("label", tok.meta.get("id", "")))
                kids, i = self.blocks(toks, i + 1, "footnote_close")
                self.footnotes.append(m.FootnoteDef(label=label, children=tuple(kids)))
            else:
                i += 1
        return i + 1

    # ------------------------------------------------------------ inlines

    def inline_text(self, text: str) -> list[m.Inline]:
        """Parse a label as inline Markdown."""
        return self.inlines(self.parse_inline(text), None)

    def inlines(self, toks: Sequence[Token], block: Token | None) -> list[m.Inline]:
        """Convert an inline token list (wrappers nested too deeply are flattened)."""
        flat = flatten_inlines(toks)
        if flat is not None:
            self.sink.add(
                "too-deep",
                f"inline formatting nested more than {MAX_INLINE_DEPTH} levels deep "
                "is flattened (its text is kept)",
                block.map[0] + 1 if block is not None and block.map else None,
            )
            toks = flat
        out, _ = self._inlines(toks, 0, None, block)
        return out

    def _inlines(
        self, toks: Sequence[Token], i: int, stop: str | None, block: Token | None
    ) -> tuple[list[m.Inline], int]:
        """Inline nodes from ``toks[i:]`` up to the token ``stop`` (consumed);
        the index after it."""
        out: list[m.Inline] = []
        n = len(toks)
        while i < n:
            tok = toks[i]
            if tok.type == stop:
                return out, i + 1
            i += 1
            close = _CLOSERS.get(tok.type)
            if close is not None:
                kids, i = self._inlines(toks, i, close, block)
                out.append(self._container(tok, tuple(kids), block))
            else:
                self._leaf(out, tok, block)
        return out, i

    def _container(self, tok: Token, kids: tuple[m.Inline, ...], block: Token | None) -> m.Inline:
        """The node an opening token of :data:`_CLOSERS` makes, around ``kids``."""
        t = tok.type
        if t == "em_open":
            return m.Emphasis(children=kids)
        if t == "strong_open":
            return m.Strong(children=kids)
        if t == "s_open":
            return m.Strikethrough(children=kids)
        if t == "mdc_span_open":
            return m.Span(children=kids)
        if t == "link_open":
            title = tok.attrs.get("title")
            return m.Link(
                url=str(tok.attrs.get("href", "")),
                children=kids,
                title=str(title) if title is not None else None,
            )
        assert t == "mdc_inline_open", t
        props: dict[str, PropValue] = tok.meta["props"]
        lang = props.get("lang")
        return m.InlineComponent(
            name=tok.meta["name"],
            props=props,
            children=kids,
            lang=lang if isinstance(lang, str) and lang else None,
            pos=self.pos(block) if block is not None else None,
        )

    def _leaf(self, out: list[m.Inline], tok: Token, block: Token | None) -> None:
        """Add what a token that opens nothing stands for to ``out``."""
        t = tok.type
        if t == "text":
            if tok.content:
                _add_text(out, tok.content)
        elif t == "softbreak":
            _add_text(out, "\n")
        elif t == "hardbreak":
            out.append(m.LineBreak())
        elif t == "code_inline":
            out.append(m.Code(text=tok.content))
        elif t == "image":
            alt = "".join(_plain(c) for c in tok.children or [])
            title = tok.attrs.get("title")
            out.append(
                m.Image(
                    src=str(tok.attrs.get("src", "")),
                    alt=alt,
                    title=str(title) if title is not None else None,
                    pos=self.pos(block) if block is not None else None,
                )
            )
        elif t == "html_inline":
            out.append(m.HtmlInline(html=tok.content))
        elif t == "footnote_ref":
            out.append(m.FootnoteRef(label=str(tok.meta.get("label", tok.meta.get("id")))))
        elif t == "mdc_attrs":
            self._attach(out, tok)
        elif t == "mdc_binding":
            _add_text(out, self._binding(tok.meta["expr"], block))
        elif t == "footnote_anchor":
            pass
        elif tok.children:
            kids, _ = self._inlines(tok.children, 0, None, block)
            out.extend(kids)
        elif tok.content:
            _add_text(out, tok.content)

    def _attach(self, out: list[m.Inline], tok: Token) -> None:
        """Attach ``{props}`` to the element just before it, or keep it as text."""
        props: dict[str, PropValue] = tok.meta["props"]
        prev = out[-1] if out else None
        lang = props.get("lang")
        lang_s = lang if isinstance(lang, str) and lang else None
        if isinstance(prev, m.Code):
            out[-1] = m.Code(text=prev.text, attrs=props_to_attrs(props), lang=prev.lang)
        elif isinstance(prev, m.Emphasis | m.Strong | m.Link | m.Span):
            attrs = props_to_attrs(props, skip=("lang",))
            if isinstance(prev, m.Link):
                out[-1] = m.Link(
                    url=prev.url, children=prev.children, title=prev.title, attrs=attrs, lang=lang_s
                )
            else:
                out[-1] = type(prev)(children=prev.children, attrs=attrs, lang=lang_s)
        elif isinstance(prev, m.Image):
            alt = props.get("alt")
            out[-1] = m.Image(
                src=prev.src,
                alt=str(alt) if isinstance(alt, str) else prev.alt,
                title=prev.title,
                attrs=props_to_attrs(props, skip=("alt",)),
                pos=prev.pos,
            )
        elif isinstance(prev, m.InlineComponent):
            merged = {**prev.props, **props}
            out[-1] = m.InlineComponent(
                name=prev.name,
                props=merged,
                children=prev.children,
                lang=lang_s or prev.lang,
                pos=prev.pos,
            )
        else:
            _add_text(out, tok.meta["raw"])

    def _binding(self, expr: str, block: Token | None) -> str:
        """Resolve ``{{ ref || 'default' }}`` against the front matter."""
        ref, _, default = expr.partition("||")
        value = lookup(self.data, ref.strip())
        if value is not None and not isinstance(value, dict | list):
            return str(value)
        d = default.strip()
        if len(d) >= 2 and d[0] == d[-1] and d[0] in "'\"`":
            return d[1:-1]
        if d:
            return d
        where = self.pos(block) if block is not None else None
        self.sink.add(
            "unresolved-binding",
            f"binding {{{{ {expr} }}}} has no value in the front matter; left empty",
            where.line if where else None,
            Severity.INFO,
        )
        return ""


def _add_text(out: list[m.Inline], text: str) -> None:
    """Append text, merging with a preceding Text node."""
    if out and isinstance(out[-1], m.Text) and out[-1].lang is None:
        out[-1] = m.Text(text=out[-1].text + text)
    else:
        out.append(m.Text(text=text))


def _plain(tok: Token) -> str:
    """Plain text of an inline token (for image alt)."""
    if tok.type == "softbreak":
        return " "
    if tok.children:
        return "".join(_plain(c) for c in tok.children)
    if tok.type in ("text", "code_inline", "html_inline"):
        return tok.content
    return ""
