"""The one semantic XHTML renderer, shared by EPUB chapters and the PDF.

Output is well-formed XHTML5 built with lxml (so it is always valid XML):
``lang``/``xml:lang`` on the root and on passages in other languages, a heading
outline without skipped levels (the article title is h1), figures with alt text,
tables with ``th scope``, callouts as labelled ``aside``, and every ``epub:type``
paired with its ARIA role.  Raw HTML is re-built from an allow-list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes

from .dom import (
    EPUB_TYPE,
    append_text,
    clean,
    el,
    last_child,
    new_document,
    serialize,
    set_lang,
    unlink_dangling,
)
from .safehtml import MAX_HTML_DEPTH, inline_html, raw_html, safe_href

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
#: Alt text of an image whose author gave none (honest, and never empty: an
#: empty alt would tell assistive technology the image is decorative).
NO_DESCRIPTION = "Image (no description provided)"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """How an image is shown in the output."""

    href: str | None
    """Path inside the book/PDF, or None when the image could not be had."""
    reason: str | None = None
    """Why it is missing ("remote", "missing", "outside"), when ``href`` is None."""
    size: tuple[int, int] | None = None
    """Pixel width and height, when known (the PDF draws decorative images with it)."""


ImageResolver = Callable[[m.Image], ImageRef]
"""Maps a model image to where its file is in the output."""


@dataclass
class RenderContext:
    """Options and collected facts for rendering one document."""

    images: ImageResolver
    """Where image files are."""
    sink: DiagnosticSink
    """Where problems go."""
    lang: str = "en"
    """Language of the document root."""
    stylesheets: Sequence[str] = ()
    """Stylesheet hrefs for ``<link>``."""
    id_prefix: str = ""
    """Prefix for ids (unique within a digest)."""
    epub: bool = True
    """Emit ``epub:type`` attributes."""
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    """Filled while rendering: (level, text, id) of every heading, for the nav."""
    images_seen: list[tuple[str, str, bool]] = field(default_factory=list)
    """Filled while rendering: (src, alt, decorative) of every image shown."""
    missing_alt: int = 0
    """Number of non-decorative images without alt text."""
    base_url: str | None = None
    """Where the article is published: site-relative links resolve against it."""
    known_alts: dict[str, str] = field(default_factory=dict)
    """Alt text given elsewhere in the article for an image source (cover included)."""
    decorative_background: bool = False
    """Draw decorative images as CSS backgrounds, so a tagged PDF marks them as
    artifacts instead of Figures without alt text."""


class XhtmlRenderer:
    """Renders one document's blocks into XHTML elements."""

    def __init__(self, ctx: RenderContext, title_in_body: bool, shift: int = 0) -> None:
        self.ctx = ctx
        self.title_in_body = title_in_body
        self.shift = shift
        self._last_level = 1
        self._first_heading = True
        self._footnote_numbers: dict[str, int] = {}
        self._first_ref: dict[int, str] = {}
        self._ref_count = 0

    # ----------------------------------------------------------------- headings

    def heading_level(self, level: int) -> int:
        """Map an article heading level to the output outline: the title is the
        only h1, body headings are shifted below it and never skip a level."""
        if self.title_in_body and self._first_heading:
            self._first_heading = False
            return 1
        self._first_heading = False
        out = min(max(2, level + self.shift), self._last_level + 1, 6)
        self._last_level = out
        return out

    # ----------------------------------------------------------------- blocks

    def blocks(self, parent: etree._Element, blocks: Iterable[m.Block]) -> None:
        """Render blocks into ``parent``."""
        for b in blocks:
            self.block(parent, b)

    def block(self, parent: etree._Element, b: m.Block) -> None:
        """Render one block."""
        if isinstance(b, m.Heading):
            level = self.heading_level(b.level)
            ident = self.ctx.id_prefix + (b.id or f"h{len(self.ctx.headings)}")
            e = el(parent, f"h{level}", {"id": ident})
            self.inlines(e, b.children)
            self.ctx.headings.append((level, plain_text(b) or "Untitled section", ident))
        elif isinstance(b, m.Paragraph):
            e = el(parent, "p")
            self.inlines(e, b.children)
        elif isinstance(b, m.ListBlock):
            attrs = {}
            if b.ordered and b.start is not None:
                attrs["start"] = str(b.start)
            e = el(parent, "ol" if b.ordered else "ul", attrs)
            for it in b.items:
                li = el(e, "li")
                set_lang(li, it.lang)
                if it.checked is not None:
                    li.set("class", "task")
                    el(
                        li,
                        "span",
                        {"class": "task-state"},
                        "☑ done: " if it.checked else "☐ to do: ",
                    )
                self._item_blocks(li, it.children)
        elif isinstance(b, m.Quote):
            e = el(parent, "blockquote")
            self.blocks(e, b.children)
        elif isinstance(b, m.CodeBlock):
            e = self._code_block(parent, b)
        elif isinstance(b, m.Table):
            e = self._table(parent, b)
        elif isinstance(b, m.Figure):
            e = self._figure(parent, b)
        elif isinstance(b, m.ThematicBreak):
            e = el(parent, "hr")
        elif isinstance(b, m.Callout):
            e = self._callout(parent, b)
        elif isinstance(b, m.CodeGroup):
            e = el(parent, "div", {"class": "code-group"})
            self.blocks(e, b.children)
        elif isinstance(b, m.LinkCard):
            e = el(parent, "p", {"class": "read-more"})
            el(e, "span", {"class": "read-more-label"}, "Read more: ")
            a = self._link(e, b.url, b.pos.line if b.pos else None)
            self.inlines(a, b.title)
            if b.children:
                self.blocks(el(parent, "div", {"class": "read-more-description"}), b.children)
        elif isinstance(b, m.HtmlBlock):
            e = el(parent, "div", {"class": "raw-html"})
            if raw_html(e, b.html):
                self.ctx.sink.add(
                    "too-deep",
                    f"raw HTML nested more than {MAX_HTML_DEPTH} elements deep is kept "
                    "as plain text",
                    b.pos.line if b.pos else None,
                )
            if last_child(e) is None and not (e.text or "").strip():
                parent.remove(e)
                return
        elif isinstance(b, m.Component):
            e = el(parent, "div", {"class": f"component component-{b.name}"})
            self.blocks(e, b.children)
            for s in b.slots:
                se = el(e, "div", {"class": f"slot slot-{s.name}"})
                self.blocks(se, s.children)
        elif isinstance(b, m.Section):
            e = el(parent, "section", {"id": self.ctx.id_prefix + (b.id or "section")})
            self.blocks(e, b.children)
        else:  # pragma: no cover - closed set
            return
        set_lang(e, b.lang)

    def _item_blocks(self, li: etree._Element, blocks: Sequence[m.Block]) -> None:
        """List item content; a lone paragraph is written inline (tight list)."""
        if len(blocks) == 1 and isinstance(blocks[0], m.Paragraph) and not blocks[0].lang:
            self.inlines(li, blocks[0].children)
        else:
            self.blocks(li, blocks)

    def _code_block(self, parent: etree._Element, b: m.CodeBlock) -> etree._Element:
        wrap = parent
        if b.filename:
            wrap = el(parent, "figure", {"class": "code"})
            el(wrap, "figcaption", {"class": "filename"}, b.filename)
        pre = el(wrap, "pre")
        code = el(pre, "code", {"class": f"language-{b.language}"} if b.language else None)
        code.text = clean(b.text)
        return wrap

    def _table(self, parent: etree._Element, b: m.Table) -> etree._Element:
        t = el(parent, "table")
        if b.caption:
            self.inlines(el(t, "caption"), b.caption)
        if b.head:
            thead = el(t, "thead")
            for row in b.head:
                tr = el(thead, "tr")
                for cell in row.cells:
                    self._cell(tr, cell, "th", "col")
        tbody = el(t, "tbody")
        for row in b.body:
            tr = el(tbody, "tr")
            for cell in row.cells:
                self._cell(tr, cell, "th" if cell.header else "td", "row")
        if not b.body:
            el(el(tbody, "tr"), "td")
        return t

    def _cell(self, tr: etree._Element, cell: m.TableCell, tag: str, scope: str) -> None:
        attrs = {"scope": scope} if tag == "th" else {}
        if cell.align:
            attrs["class"] = f"align-{cell.align}"
        c = el(tr, tag, attrs)
        self.inlines(c, cell.children)

    def _callout(self, parent: etree._Element, b: m.Callout) -> etree._Element:
        attrs = {"class": f"callout callout-{b.kind}"}
        if b.kind == "tip" and self.ctx.epub:
            attrs[EPUB_TYPE] = "tip"
            attrs["role"] = "doc-tip"
        else:
            attrs["role"] = "note"
        e = el(parent, "aside", attrs)
        head = el(e, "p", {"class": "callout-label"})
        strong = el(head, "strong", None, b.label + (": " if b.title else ""))
        if b.title:
            self.inlines(strong, b.title)
        self.blocks(e, b.children)
        return e

    def _figure(self, parent: etree._Element, b: m.Figure) -> etree._Element:
        img = b.image
        if img.decorative and not b.caption:
            e = el(parent, "div", {"class": "decorative"})
            self.image(e, img)
            return e
        e = el(parent, "figure")
        self.image(e, img, caption=plain_text(b.caption) if b.caption else "")
        if b.caption:
            self.inlines(el(e, "figcaption"), b.caption)
        return e

    # ----------------------------------------------------------------- images

    def image(self, parent: etree._Element, img: m.Image, caption: str = "") -> None:
        """An ``<img>``, or a visible placeholder with the alt text."""
        alt = img.alt
        line = img.pos.line if img.pos else None
        if img.alt_missing:
            alt = self.ctx.known_alts.get(img.src) or caption
            if not alt:
                self.ctx.missing_alt += 1
                alt = NO_DESCRIPTION
                self.ctx.sink.add(
                    "missing-alt",
                    f"image {img.src!r} has no alt text; add an"
                    ' alt (or alt="" if it is decorative)',
                    line,
                )
        ref = self.ctx.images(img)
        if ref.href is None:
            why = {
                "remote": "remote image, not downloaded",
                "missing": "image file not found",
                "outside": "image path outside the article's folder",
                "no-assets": "site-absolute image path (pass --assets DIR to find it)",
                "unsupported": "not an image format that can be embedded",
                "too-large": "image has too many pixels to embed (over 50 megapixels)",
                "too-complex": "SVG draws too many shapes once its <use> references "
                "are expanded (over 20,000)",
                "bad-path": "image path contains a NUL character",
            }.get(ref.reason or "", "image unavailable")
            if img.decorative:  # nothing to tell the reader: leave it out
                self.ctx.sink.add(
                    f"image-{ref.reason or 'unavailable'}",
                    f"{why}: {img.src} (decorative, left out)",
                    line,
                    Severity.INFO,
                )
                return
            ph = el(
                parent,
                "span",
                {"class": "image-placeholder", "role": "img", "aria-label": alt},
            )
            ph.text = f"[Image: {alt}]"
            self.ctx.sink.add(
                f"image-{ref.reason or 'unavailable'}",
                f"{why}: {img.src} (a placeholder with its alt text is shown)",
                line,
                Severity.WARNING if ref.reason != "remote" else Severity.INFO,
            )
            return
        if img.decorative and self.ctx.decorative_background and ref.size:
            self._background(parent, ref.href, ref.size)
            self.ctx.images_seen.append((img.src, alt, True))
            return
        attrs = {"src": ref.href, "alt": alt}
        if img.decorative:
            attrs["role"] = "presentation"
        if img.title:
            attrs["title"] = img.title
        el(parent, "img", attrs)
        self.ctx.images_seen.append((img.src, alt, img.decorative))

    def _background(self, parent: etree._Element, href: str, size: tuple[int, int]) -> None:
        """A decorative image drawn as the background of an empty box that keeps
        the image's aspect ratio and is no wider than the image (1 px = 1 CSS px)."""
        w, h = size
        outer = el(
            parent,
            "span",
            {
                "class": "decorative-image",
                "aria-hidden": "true",
                "style": f"display:inline-block;width:100%;max-width:{w}px",
            },
        )
        el(
            outer,
            "span",
            {
                "style": f"display:block;height:0;padding-bottom:{100 * h / max(w, 1):.3f}%;"
                f"background:url('{href}') no-repeat center/contain"
            },
        )

    # ----------------------------------------------------------------- inlines

    def inlines(self, parent: etree._Element, kids: Iterable[m.Inline]) -> None:
        """Render inline content into ``parent``; raw inline HTML tags are
        matched into real elements from an allow-list, the rest dropped."""
        stack = [parent]
        for k in kids:
            if isinstance(k, m.HtmlInline):
                inline_html(stack, k.html)
            else:
                self.inline(stack[-1], k)

    def inline(self, parent: etree._Element, k: m.Inline) -> None:
        """Render one inline node."""
        e: etree._Element | None = None
        if isinstance(k, m.Text):
            if k.lang:
                e = el(parent, "span")
                e.text = clean(k.text)
            else:
                append_text(parent, k.text)
        elif isinstance(k, m.Emphasis):
            e = el(parent, "em")
            self.inlines(e, k.children)
        elif isinstance(k, m.Strong):
            e = el(parent, "strong")
            self.inlines(e, k.children)
        elif isinstance(k, m.Strikethrough):
            e = el(parent, "del")
            self.inlines(e, k.children)
        elif isinstance(k, m.Code):
            e = el(parent, "code")
            e.text = clean(k.text)
        elif isinstance(k, m.Link):
            e = self._link(parent, k.url, None)
            if k.title:
                e.set("title", k.title)
            self.inlines(e, k.children)
            if not plain_text(k.children).strip():
                e.text = k.url
        elif isinstance(k, m.Image):
            self.image(parent, k)
        elif isinstance(k, m.LineBreak):
            el(parent, "br")
        elif isinstance(k, m.Span):
            e = el(parent, "span")
            if k.attrs and k.attrs.classes:
                e.set("class", " ".join(k.attrs.classes))
            self.inlines(e, k.children)
        elif isinstance(k, m.FootnoteRef):
            n = self._footnote_numbers.setdefault(k.label, len(self._footnote_numbers) + 1)
            self._ref_count += 1
            ref_id = f"{self.ctx.id_prefix}fnref-{self._ref_count}"
            self._first_ref.setdefault(n, ref_id)
            sup = el(parent, "sup")
            attrs = {"href": f"#{self.ctx.id_prefix}fn-{n}", "id": ref_id, "role": "doc-noteref"}
            if self.ctx.epub:
                attrs[EPUB_TYPE] = "noteref"
            el(sup, "a", attrs, str(n))
        elif isinstance(k, m.InlineComponent):
            e = el(parent, "span", {"class": f"component component-{k.name}"})
            self.inlines(e, k.children)
        if e is not None:
            set_lang(e, k.lang)

    def _link(self, parent: etree._Element, url: str, line: int | None) -> etree._Element:
        """An ``<a>``; a site-relative target is made absolute against the
        article's URL, or kept as text when there is none to resolve against."""
        u = url.strip()
        if u.startswith("#"):
            return el(parent, "a", {"href": "#" + self.ctx.id_prefix + u[1:]})
        if not _SCHEME.match(u):
            if self.ctx.base_url:
                u = urljoin(self.ctx.base_url, u)
            else:
                self.ctx.sink.add(
                    "relative-link",
                    f"link target {url!r} is relative to a site "
                    "the article does not name (no url in its metadata); shown "
                    "as text",
                    line,
                    Severity.INFO,
                )
                return el(parent, "span", {"class": "link-unresolved", "title": url})
        return el(parent, "a", {"href": safe_href(u)})

    # ----------------------------------------------------------------- footnotes

    def footnotes(self, parent: etree._Element, notes: Sequence[m.FootnoteDef]) -> None:
        """Footnote bodies at the end of the article."""
        if not notes:
            return
        sec = el(parent, "section", {"class": "footnotes", "aria-label": "Notes"})
        for note in notes:
            n = self._footnote_numbers.setdefault(note.label, len(self._footnote_numbers) + 1)
            attrs = {"id": f"{self.ctx.id_prefix}fn-{n}", "role": "doc-footnote"}
            if self.ctx.epub:
                attrs[EPUB_TYPE] = "footnote"
            aside = el(sec, "aside", attrs)
            el(aside, "p", {"class": "footnote-label"}, f"Note {n}")
            self.blocks(aside, note.children)
            if n in self._first_ref:
                back = el(aside, "p", {"class": "footnote-back"})
                el(
                    back,
                    "a",
                    {"href": "#" + self._first_ref[n], "role": "doc-backlink"},
                    "Back to the text",
                )


def known_alts(doc: m.Document) -> dict[str, str]:
    """Alt texts the article gives for each image source (the cover's included)."""
    out: dict[str, str] = {}
    cover = doc.metadata.cover
    if cover is not None and cover.alt:
        out[cover.src] = cover.alt
    for node in iter_nodes(doc):
        if isinstance(node, m.Image) and node.alt:
            out.setdefault(node.src, node.alt)
    return out


def heading_shift(doc: m.Document) -> int:
    """1 when body headings (other than a title heading) use h1, else 0."""
    levels = [b.level for b in doc.children if isinstance(b, m.Heading)]
    if doc.title_in_body:
        levels = levels[1:]
    return 1 if levels and min(levels) == 1 else 0


def render_article(doc: m.Document, ctx: RenderContext) -> bytes:
    """One article as a complete XHTML document (an EPUB chapter)."""
    root, body = new_document(doc.metadata.title or "Untitled", ctx.lang, ctx.stylesheets)
    render_article_into(body, doc, ctx)
    return serialize(root)


def render_article_into(
    parent: etree._Element, doc: m.Document, ctx: RenderContext
) -> etree._Element:
    """Render one article as a ``<section>`` inside ``parent`` and return it
    (several articles can share one document, as in a PDF digest)."""
    title = doc.metadata.title or "Untitled"
    body = parent
    attrs = {"class": "article", "id": ctx.id_prefix + "article"}
    if ctx.epub:
        attrs[EPUB_TYPE] = "chapter"
        attrs["role"] = "doc-chapter"
    section = el(body, "section", attrs)
    if doc.metadata.language != ctx.lang:
        set_lang(section, doc.metadata.language)
    ctx.known_alts.update(known_alts(doc))
    r = XhtmlRenderer(ctx, doc.title_in_body, heading_shift(doc))
    if not doc.title_in_body:
        ident = ctx.id_prefix + "title"
        el(section, "h1", {"id": ident}, title)
        ctx.headings.append((1, title, ident))
    r.blocks(section, doc.children)
    r.footnotes(section, doc.footnotes)
    for href in unlink_dangling(section):  # EPUBCheck RSC-012; the text stays
        ctx.sink.add("dangling-link", f"no heading or element has the id {href}; shown as text")
    h1 = next((h for h in ctx.headings if h[0] == 1), None)
    if h1 is not None:
        section.set("aria-labelledby", h1[2])
    return section
