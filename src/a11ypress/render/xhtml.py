"""The one semantic XHTML renderer, shared by EPUB chapters and the PDF.

Output is well-formed XHTML5 built with lxml (so it is always valid XML):
``lang``/``xml:lang`` on the root and on passages in other languages, a heading
outline without skipped levels (the article title is h1), figures with alt text,
tables with ``th scope``, callouts as labelled ``aside``, and every ``epub:type``
paired with its ARIA role.  Raw HTML is re-built from an allow-list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, assert_never

from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.transforms.alt import NO_DESCRIPTION as NO_DESCRIPTION
from a11ypress.transforms.alt import known_alts as known_alts
from a11ypress.transforms.alt import lacks_alt, shown_alt
from a11ypress.transforms.links import link_target
from a11ypress.transforms.outline import Outline, outline
from a11ypress.transforms.resolve import free_id, heading_ids
from a11ypress.transforms.text import plain_text

from .dom import (
    CHAPTER_LINK,
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

ImageReason = Literal[
    "remote",
    "missing",
    "outside",
    "no-assets",
    "unsupported",
    "too-large",
    "too-complex",
    "bad-path",
]
"""Why an image file could not be had: a remote address (never fetched), no such
file, a path outside the article's folder, a site-absolute path with no
``--assets`` folder, not an image format that can be embedded, more pixels than
can be decoded safely, an SVG whose references expand too far, or a NUL in
the path."""

#: What the reader is told about an image that could not be had, by reason.
_WHY: dict[ImageReason, str] = {
    "remote": "remote image, not downloaded",
    "missing": "image file not found",
    "outside": "image path outside the article's folder",
    "no-assets": "site-absolute image path (pass --assets DIR to find it)",
    "unsupported": "not an image format that can be embedded",
    "too-large": "image has too many pixels to embed (over 50 megapixels)",
    "too-complex": "SVG draws too many shapes once its <use> references are expanded (over 20,000)",
    "bad-path": "image path contains a NUL character",
}


@dataclass(frozen=True, slots=True)
class ImageRef:
    """How an image is shown in the output."""

    href: str | None
    """Path inside the book/PDF, or None when the image could not be had."""
    reason: ImageReason | None = None
    """Why it is missing, when ``href`` is None."""
    size: tuple[int, int] | None = None
    """Pixel width and height, when known (the PDF draws decorative images with it)."""


ImageResolver = Callable[[m.Image], ImageRef]
"""Maps a model image to where its file is in the output."""


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render one document (what it found comes back as a :class:`RenderResult`)."""

    images: ImageResolver
    """Where image files are."""
    lang: str = "en"
    """Language of the document root."""
    stylesheets: Sequence[str] = ()
    """Stylesheet hrefs for ``<link>``."""
    id_prefix: str = ""
    """Prefix for ids (unique within a digest)."""
    epub: bool = True
    """Emit ``epub:type`` attributes."""
    base_url: str | None = None
    """Where the article is published: site-relative links resolve against it."""
    decorative_background: bool = False
    """Draw decorative images as CSS backgrounds, so a tagged PDF marks them as
    artifacts instead of Figures without alt text."""
    chapter_href: Callable[[str, str | None], str | None] | None = None
    """Where a link to another article of the book lands: (source, heading id)
    -> href (see :mod:`a11ypress.transforms.crosslinks`)."""
    mark: Callable[[object, str, etree._Element], None] | None = None
    """Called with (model node, part, element) for every element drawn for a
    node the speech script speaks (a block, list item, table row, footnote;
    part ``"title"``, ``"label"`` or ``"notes"`` for the generated title, a
    callout's label and the notes section): the read-aloud book syncs each
    utterance to its element (see :class:`a11ypress.render.speech.Spoken`)."""


class HeadingEntry(NamedTuple):
    """A heading as the navigation shows it."""

    level: int
    """Output level, 1-6 (the outline's, without skipped levels)."""
    text: str
    """Plain text."""
    id: str
    """Element id, prefix included."""


class ShownImage(NamedTuple):
    """An image drawn in the output."""

    src: str
    """Source as written in the article."""
    alt: str
    """Alt text shown ("" for a decorative image)."""
    decorative: bool
    """True when the author marked it decorative."""


@dataclass(frozen=True, slots=True)
class RenderResult:
    """What rendering one article found, for the navigation and the metadata."""

    headings: tuple[HeadingEntry, ...]
    """Every heading rendered, in order (the article title first)."""
    images: tuple[ShownImage, ...]
    """Every image drawn (placeholders of unavailable images are not)."""
    missing_alt: int
    """Number of informative images shown without any text alternative."""


@dataclass
class _Found:
    """Collected while rendering; frozen into a :class:`RenderResult` at the end."""

    headings: list[HeadingEntry] = field(default_factory=list)
    images: list[ShownImage] = field(default_factory=list)
    missing_alt: int = 0


class XhtmlRenderer:
    """Renders one document's blocks into XHTML elements."""

    def __init__(
        self, options: RenderOptions, sink: DiagnosticSink, heading_outline: Outline
    ) -> None:
        self.options = options
        """How to render."""
        self.sink = sink
        """Where problems go."""
        self.outline = heading_outline
        """Output levels of the document's headings."""
        self.found = _Found()
        """What has been rendered so far."""
        self._footnote_numbers: dict[str, int] = {}
        self._first_ref: dict[int, str] = {}
        self._ref_count = 0

    def result(self) -> RenderResult:
        """What was rendered, as a value."""
        f = self.found
        return RenderResult(tuple(f.headings), tuple(f.images), f.missing_alt)

    # ----------------------------------------------------------------- blocks

    def blocks(self, parent: etree._Element, blocks: Iterable[m.Block]) -> None:
        """Render blocks into ``parent``."""
        for b in blocks:
            self.block(parent, b)

    def block(self, parent: etree._Element, b: m.Block) -> None:
        """Render one block."""
        e: etree._Element | None
        match b:
            case m.Heading():
                e = self._heading(parent, b)
            case m.Paragraph():
                e = el(parent, "p")
                self.inlines(e, b.children)
            case m.ListBlock():
                e = self._list(parent, b)
            case m.Quote():
                e = el(parent, "blockquote")
                self.blocks(e, b.children)
            case m.CodeBlock():
                e = self._code_block(parent, b)
            case m.Table():
                e = self._table(parent, b)
            case m.Figure():
                e = self._figure(parent, b)
            case m.ThematicBreak():
                e = el(parent, "hr")
            case m.Callout():
                e = self._callout(parent, b)
            case m.CodeGroup():
                e = el(parent, "div", {"class": "code-group"})
                self.blocks(e, b.children)
            case m.LinkCard():
                e = self._link_card(parent, b)
            case m.HtmlBlock():
                e = el(parent, "div", {"class": "raw-html"})
                if raw_html(e, b.html):
                    self.sink.add(
                        "too-deep",
                        f"raw HTML nested more than {MAX_HTML_DEPTH} elements deep is kept "
                        "as plain text",
                        b.pos.line if b.pos else None,
                    )
                if last_child(e) is None and not (e.text or "").strip():
                    parent.remove(e)
                    e = None
            case m.Component():
                e = el(parent, "div", {"class": f"component component-{b.name}"})
                self.blocks(e, b.children)
                for s in b.slots:
                    se = el(e, "div", {"class": f"slot slot-{s.name}"})
                    self.blocks(se, s.children)
            case m.Section():
                e = el(parent, "section", {"id": self.options.id_prefix + (b.id or "section")})
                self.blocks(e, b.children)
            case _:
                assert_never(b)
        if e is not None:
            set_lang(e, b.lang)
            self.mark_node(b, "", e)

    def mark_node(self, node: object, part: str, e: etree._Element) -> None:
        """Tell :attr:`RenderOptions.mark` that ``e`` is drawn for ``node``."""
        if self.options.mark is not None:
            self.options.mark(node, part, e)

    def _heading(self, parent: etree._Element, b: m.Heading) -> etree._Element:
        level = self.outline.level(b)
        ident = self.options.id_prefix + (b.id or f"h{len(self.found.headings)}")
        e = el(parent, f"h{level}", {"id": ident})
        self.inlines(e, b.children)
        self.found.headings.append(HeadingEntry(level, plain_text(b) or "Untitled section", ident))
        return e

    def _list(self, parent: etree._Element, b: m.ListBlock) -> etree._Element:
        attrs = {}
        if b.ordered and b.start is not None:
            attrs["start"] = str(b.start)
        e = el(parent, "ol" if b.ordered else "ul", attrs)
        for it in b.items:
            li = el(e, "li")
            set_lang(li, it.lang)
            self.mark_node(it, "", li)
            if it.checked is not None:
                li.set("class", "task")
                el(li, "span", {"class": "task-state"}, "☑ done: " if it.checked else "☐ to do: ")
            self._item_blocks(li, it.children)
        return e

    def _item_blocks(self, li: etree._Element, blocks: Sequence[m.Block]) -> None:
        """List item content; a lone paragraph is written inline (tight list)."""
        if len(blocks) == 1 and isinstance(blocks[0], m.Paragraph) and not blocks[0].lang:
            self.mark_node(blocks[0], "", li)
            self.inlines(li, blocks[0].children)
        else:
            self.blocks(li, blocks)

    def _link_card(self, parent: etree._Element, b: m.LinkCard) -> etree._Element:
        e = el(parent, "p", {"class": "read-more"})
        el(e, "span", {"class": "read-more-label"}, "Read more: ")
        a = self._link(e, b.url, b.pos.line if b.pos else None)
        self.inlines(a, b.title)
        if b.children:
            self.blocks(el(parent, "div", {"class": "read-more-description"}), b.children)
        return e

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
                self.mark_node(row, "", tr)
                for cell in row.cells:
                    self._cell(tr, cell, "th", "col")
        tbody = el(t, "tbody")
        for row in b.body:
            tr = el(tbody, "tr")
            self.mark_node(row, "", tr)
            for cell in row.cells:
                self._cell(tr, cell, "th" if cell.header else "td", "row")
        if not b.body:
            el(el(tbody, "tr"), "td")
        return t

    def _cell(self, tr: etree._Element, cell: m.TableCell, tag: str, scope: str) -> None:
        if tag == "th" and self.options.epub and not plain_text(cell.children).strip():
            # An empty header names nothing (Ace: empty-table-header). The PDF
            # keeps the TH: a TD with no header above it fails PDF/UA.
            tag = "td"
        attrs = {"scope": scope} if tag == "th" else {}
        if cell.align:
            attrs["class"] = f"align-{cell.align}"
        c = el(tr, tag, attrs)
        self.inlines(c, cell.children)

    def _callout(self, parent: etree._Element, b: m.Callout) -> etree._Element:
        attrs = {"class": f"callout callout-{b.kind}"}
        if b.kind == "tip" and self.options.epub:
            attrs[EPUB_TYPE] = "tip"
            attrs["role"] = "doc-tip"
        else:
            attrs["role"] = "note"
        e = el(parent, "aside", attrs)
        head = el(e, "p", {"class": "callout-label"})
        self.mark_node(b, "label", head)
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
        self.image(e, img)
        if b.caption:
            self.inlines(el(e, "figcaption"), b.caption)
        return e

    # ----------------------------------------------------------------- images

    def image(self, parent: etree._Element, img: m.Image) -> None:
        """An ``<img>``, or a visible placeholder with the alt text."""
        alt = shown_alt(img) or ""
        line = img.pos.line if img.pos else None
        if lacks_alt(img):  # reported once per article by transforms/altlint.py
            self.found.missing_alt += 1
        ref = self.options.images(img)
        if ref.href is None:
            self._unavailable(parent, img, ref, alt, line)
            return
        if img.decorative and self.options.decorative_background and ref.size:
            self._background(parent, ref.href, ref.size)
            self.found.images.append(ShownImage(img.src, alt, True))
            return
        attrs = {"src": ref.href, "alt": alt}
        if img.decorative:
            attrs["role"] = "presentation"
        if img.title:
            attrs["title"] = img.title
        el(parent, "img", attrs)
        self.found.images.append(ShownImage(img.src, alt, img.decorative))

    def _unavailable(
        self, parent: etree._Element, img: m.Image, ref: ImageRef, alt: str, line: int | None
    ) -> None:
        """An image that could not be had: a placeholder with its alt text
        (nothing at all for a decorative one)."""
        why = _WHY[ref.reason] if ref.reason is not None else "image unavailable"
        code = f"image-{ref.reason or 'unavailable'}"
        if img.decorative:  # nothing to tell the reader: leave it out
            self.sink.add(code, f"{why}: {img.src} (decorative, left out)", line, Severity.INFO)
            return
        ph = el(parent, "span", {"class": "image-placeholder", "role": "img", "aria-label": alt})
        ph.text = f"[Image: {alt}]"
        self.sink.add(
            code,
            f"{why}: {img.src} (a placeholder with its alt text is shown)",
            line,
            Severity.WARNING if ref.reason != "remote" else Severity.INFO,
        )

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
        match k:
            case m.Text():
                if k.lang:
                    e = el(parent, "span")
                    e.text = clean(k.text)
                else:
                    append_text(parent, k.text)
            case m.Emphasis():
                e = el(parent, "em")
                self.inlines(e, k.children)
            case m.Strong():
                e = el(parent, "strong")
                self.inlines(e, k.children)
            case m.Strikethrough():
                e = el(parent, "del")
                self.inlines(e, k.children)
            case m.Code():
                e = el(parent, "code")
                e.text = clean(k.text)
            case m.Link():
                e = self._link(parent, k.url, None)
                if k.title:
                    e.set("title", k.title)
                self.inlines(e, k.children)
                if not plain_text(k.children).strip():
                    e.text = k.url
            case m.Image():
                self.image(parent, k)
            case m.LineBreak():
                el(parent, "br")
            case m.Span():
                e = el(parent, "span")
                if k.attrs and k.attrs.classes:
                    e.set("class", " ".join(k.attrs.classes))
                self.inlines(e, k.children)
            case m.FootnoteRef():
                self._footnote_ref(parent, k)
            case m.HtmlInline():
                pass  # matched by inlines(), which keeps the stack of open tags
            case m.InlineComponent():
                e = el(parent, "span", {"class": f"component component-{k.name}"})
                self.inlines(e, k.children)
            case _:
                assert_never(k)
        if e is not None:
            set_lang(e, k.lang)

    def _footnote_ref(self, parent: etree._Element, k: m.FootnoteRef) -> None:
        n = self._footnote_numbers.setdefault(k.label, len(self._footnote_numbers) + 1)
        self._ref_count += 1
        prefix = self.options.id_prefix
        ref_id = f"{prefix}fnref-{self._ref_count}"
        self._first_ref.setdefault(n, ref_id)
        sup = el(parent, "sup")
        attrs = {"href": f"#{prefix}fn-{n}", "id": ref_id, "role": "doc-noteref"}
        if self.options.epub:
            attrs[EPUB_TYPE] = "noteref"
        el(sup, "a", attrs, str(n))

    def _link(self, parent: etree._Element, url: str, line: int | None) -> etree._Element:
        """An ``<a>``; a site-relative target is made absolute against the
        article's URL, or kept as text when there is none to resolve against
        (the policy is :func:`a11ypress.transforms.links.link_target`)."""
        target = link_target(url, self.options.base_url)
        match target.kind:
            case "chapter":
                find = self.options.chapter_href
                href = find(target.href, target.anchor) if find is not None else None
                if href is None:
                    return el(parent, "span", {"class": "link-unresolved"})
                return el(parent, "a", {"href": href, "class": CHAPTER_LINK})
            case "fragment":
                return el(parent, "a", {"href": "#" + self.options.id_prefix + target.href})
            case "absolute":
                return el(parent, "a", {"href": safe_href(target.href)})
            case "unresolved":
                self.sink.add(
                    "relative-link",
                    f"link target {url!r} is relative to a site "
                    "the article does not name (no url in its metadata); shown "
                    "as text",
                    line,
                    Severity.INFO,
                )
                return el(parent, "span", {"class": "link-unresolved", "title": url})
            case _:
                assert_never(target.kind)

    # ----------------------------------------------------------------- footnotes

    def footnotes(self, parent: etree._Element, notes: Sequence[m.FootnoteDef]) -> None:
        """Footnote bodies at the end of the article."""
        if not notes:
            return
        sec = el(parent, "section", {"class": "footnotes", "aria-label": "Notes"})
        self.mark_node(notes, "notes", sec)
        for note in notes:
            n = self._footnote_numbers.setdefault(note.label, len(self._footnote_numbers) + 1)
            attrs = {"id": f"{self.options.id_prefix}fn-{n}", "role": "doc-footnote"}
            if self.options.epub:
                attrs[EPUB_TYPE] = "footnote"
            aside = el(sec, "aside", attrs)
            self.mark_node(note, "", aside)
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


def render_article(
    doc: m.Document, options: RenderOptions, sink: DiagnosticSink
) -> tuple[bytes, RenderResult]:
    """One article as a complete XHTML document (an EPUB chapter), and what it holds."""
    root, body = new_document(doc.metadata.title or "Untitled", options.lang, options.stylesheets)
    _, result = render_article_into(body, doc, options, sink)
    return serialize(root), result


def render_article_into(
    parent: etree._Element, doc: m.Document, options: RenderOptions, sink: DiagnosticSink
) -> tuple[etree._Element, RenderResult]:
    """Render one article as a ``<section>`` inside ``parent``; return it and what
    it holds (several articles can share one document, as in a PDF digest)."""
    title = doc.metadata.title or "Untitled"
    taken = heading_ids(doc)
    attrs = {"class": "article", "id": options.id_prefix + free_id("article", taken)}
    if options.epub:
        attrs[EPUB_TYPE] = "chapter"
        attrs["role"] = "doc-chapter"
    section = el(parent, "section", attrs)
    if doc.metadata.language != options.lang:
        set_lang(section, doc.metadata.language)
    r = XhtmlRenderer(options, sink, outline(doc))
    if not doc.title_in_body:
        ident = options.id_prefix + free_id("title", taken)
        r.mark_node(doc.metadata, "title", el(section, "h1", {"id": ident}, title))
        r.found.headings.append(HeadingEntry(1, title, ident))
    r.blocks(section, doc.children)
    r.footnotes(section, doc.footnotes)
    for href in unlink_dangling(section):  # EPUBCheck RSC-012; the text stays
        sink.add("dangling-link", f"no heading or element has the id {href}; shown as text")
    result = r.result()
    h1 = next((h for h in result.headings if h.level == 1), None)
    if h1 is not None:
        section.set("aria-labelledby", h1.id)
    return section, result
