"""Tagged PDF (PDF/UA-1) export with WeasyPrint.

The shared XHTML renderer gives the semantics; WeasyPrint turns them into the
PDF's structure tree.  This module assembles one HTML document (a title page and
table of contents for a digest, then the articles), serves images to WeasyPrint
from memory only (nothing else is ever fetched), turns WeasyPrint's log into
diagnostics, and has WeasyPrint 70's tagging repaired where PDF/UA needs more
(see :mod:`a11ypress.export.pdftags`).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.export import ExportOptions
from a11ypress.export.book import (
    Chapter,
    TocEntry,
    chapter_hrefs,
    chapters_of,
    depth,
    title_page_text,
    toc_tree,
)
from a11ypress.export.images import ImageCollector, ImageFile
from a11ypress.export.pdflayout import hanging_spaces
from a11ypress.export.pdftags import fix_unicode_maps, repaired_tags
from a11ypress.export.printimages import for_print
from a11ypress.fsutil import atomic_write
from a11ypress.gctune import fewer_collections
from a11ypress.render.dom import XHTML, clean, el, new_document, serialize, set_lang
from a11ypress.render.xhtml import RenderOptions, render_article_into
from a11ypress.seams.weasyprint_internals import (
    FAILED_LOAD_MESSAGE,
    LOGGER_NAME,
    NOTDEF_MESSAGE,
    page_words,
)
from a11ypress.styles import stylesheet

#: Paper sizes for ``--paper``.
PAPERS = {"a4": "A4", "letter": "letter"}
#: The HTML's base URL: a folder that exists nowhere, so that only what the
#: fetcher serves from memory can ever be loaded.
BASE_URL = "file:///a11ypress-virtual/"
#: Longest running-header text, in characters.
MAX_RUNNING_TITLE = 80


def export_pdf(doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
    """Write ``doc`` as a tagged PDF (PDF/UA-1) at ``out`` (and give its page
    breaks to the EPUBs of the same export, when they want them)."""
    if options.pages is not None:
        atomic_write(out, options.pages.pdf(doc, options, sink))
        return
    atomic_write(out, build_pdf(doc, options, sink))


#: Classes of what a digest's PDF has before its articles and its EPUB has not
#: (its title page and printed table of contents): no page break is taken there.
FRONT_MATTER = frozenset({"titlepage", "toc"})


def build_html(
    doc: m.Document, options: ExportOptions, sink: DiagnosticSink
) -> tuple[etree._Element, dict[str, ImageFile]]:
    """The single HTML document WeasyPrint lays out (its root), and the images
    it uses."""
    meta = doc.metadata
    lang = meta.language or "en"
    chapters = chapters_of(doc, options.sources)
    digest = len(chapters) > 1
    root, body = new_document(meta.title or "Untitled", lang, [])
    _head_metadata(root[0], meta)
    if digest:
        body.set("class", "digest")
    files: dict[str, ImageFile] = {}
    links = chapter_hrefs(
        chapters,
        lambda j, anchor: f"#c{j}-{anchor or 'article'}" if digest else f"#{anchor or 'article'}",
    )
    for i, ch in enumerate(chapters, 1):
        src_sink = DiagnosticSink(str(ch.source) if ch.source else sink.file)
        render = RenderOptions(
            images=ImageCollector(files, ch.source, options.assets, sized=True),
            lang=lang,
            id_prefix=f"c{i}-" if digest else "",
            epub=False,
            base_url=ch.doc.metadata.source_url,
            decorative_background=True,
            chapter_href=links,
        )
        section, found = render_article_into(body, ch.doc, render, src_sink)
        sink.items.extend(src_sink.items)
        ch.headings = list(found.headings)
        _nest_bookmarks(section, depth(ch), ch.parts[-1].title if ch.opens else None)
        if ch.opens and ch.source is None:
            section.set("class", section.get("class", "") + " part")
        _byline(section, ch.doc.metadata)
    _running_titles(body)
    if digest:
        front = [_title_page(body, meta), _toc(body, chapters, lang)]
        for i, part in enumerate(front):
            body.remove(part)
            body.insert(i, part)
    return root, files


def running_title(text: str) -> str:
    """A heading as the running header prints it: at most
    :data:`MAX_RUNNING_TITLE` characters, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= MAX_RUNNING_TITLE:
        return text
    cut = text[: MAX_RUNNING_TITLE - 1]
    if " " in cut[MAX_RUNNING_TITLE // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _running_titles(body: etree._Element) -> None:
    """Give every ``<h1>`` the short text the running header repeats on each
    page (``data-running-title``, which print.css puts in the header): the
    whole heading there made a very long heading cost its length on every page."""
    for h1 in body.iter(f"{{{XHTML}}}h1"):
        h1.set("data-running-title", clean(running_title("".join(map(str, h1.itertext())))))


def _head_metadata(head: etree._Element, meta: m.Metadata) -> None:
    """``<meta>`` elements WeasyPrint copies into the PDF's metadata."""
    entries = {
        "author": ", ".join(a.name for a in meta.authors),
        "description": meta.description or "",
        "keywords": ", ".join(meta.keywords),
        "generator": "a11ypress",
        "dcterms.created": meta.date or "",
    }
    for name, content in entries.items():
        if content:
            el(head, "meta", {"name": name, "content": content})


def _byline(section: etree._Element, meta: m.Metadata) -> None:
    """Authors and date under the article's title."""
    parts = [", ".join(a.name for a in meta.authors), meta.date or ""]
    text = " · ".join(p for p in parts if p)
    if not text:
        return
    h1 = next(iter(section.iter("{*}h1")), None)
    if h1 is None:
        return
    p = etree.Element(f"{{{XHTML}}}p", {"class": "byline"})
    p.text = clean(text)
    h1.addnext(p)


def _title_page(body: etree._Element, meta: m.Metadata) -> etree._Element:
    """The digest's title page."""
    sec = el(body, "section", {"class": "titlepage", "aria-label": "Title page"})
    title_page_text(sec, meta)
    return sec


def _toc(body: etree._Element, chapters: list[Chapter], lang: str) -> etree._Element:
    """The digest's table of contents: articles and their sections, each entry a
    link to its page, with the page number printed after it."""
    nav = el(body, "nav", {"class": "toc", "role": "doc-toc", "aria-labelledby": "toc-title"})
    el(nav, "h2", {"id": "toc-title"}, "Contents")
    _toc_entries(el(nav, "ol"), toc_tree(chapters), lang, False)
    return nav


def _toc_entries(ol: etree._Element, entries: list[TocEntry], lang: str, article: bool) -> None:
    """Parts and articles at any depth; under an article (``article``), its h2
    sections only."""
    for entry in entries:
        li = el(ol, "li")
        if entry.lang and entry.lang != lang:
            set_lang(li, entry.lang)
        if entry.anchor is not None:
            el(li, "a", {"href": "#" + entry.anchor}, entry.title)
        else:
            li.text = entry.title
        if entry.children and not article:
            _toc_entries(el(li, "ol"), entry.children, entry.lang or lang, not entry.part)


def _nest_bookmarks(section: etree._Element, levels_down: int, part: str | None) -> None:
    """Shift the PDF bookmark levels of a chapter's headings below its parts; the
    title of a part's introduction is bookmarked with the part's title."""
    if part is not None:
        h1 = next(iter(section.iter(f"{{{XHTML}}}h1")), None)
        if h1 is not None:
            label = part.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            h1.set("style", f'bookmark-label: "{label}"')
    if not levels_down:
        return
    for e in section.iter():
        tag = e.tag.split("}")[-1] if isinstance(e.tag, str) else ""
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            level = min(int(tag[1]) + levels_down, 6)
            style = e.get("style")
            e.set("style", (style + ";" if style else "") + f"bookmark-level: {level}")


def build_pdf(doc: m.Document, options: ExportOptions, sink: DiagnosticSink) -> bytes:
    """The PDF bytes for ``doc`` (see :func:`build_pdf_pages`)."""
    return build_pdf_pages(doc, options, sink, words=False)[0]


def build_pdf_pages(
    doc: m.Document, options: ExportOptions, sink: DiagnosticSink, *, words: bool = True
) -> tuple[bytes, list[list[str]]]:
    """The PDF bytes for ``doc``, and the first words of each of its pages
    (none when not ``words``: only an EPUB with print page numbers needs them).

    Characters that no installed font can draw would be drawn as blank boxes
    (``.notdef``), which PDF/UA forbids and readers cannot read: the document
    is then laid out once more with those characters replaced by their Unicode
    names in brackets, and a warning names them.
    """
    root, found = build_html(doc, options, sink)
    files = {name: for_print(f, options.paper, options.image_dpi) for name, f in found.items()}
    first = DiagnosticSink(sink.file)
    pdf, missing, pages = _render(root, files, options, first, words)
    if not missing:
        sink.items.extend(first.items)
    else:  # the second layout reports the same problems again: keep its
        _name_missing(root, missing)
        pdf, still, pages = _render(root, files, options, sink, words)
        listed = ", ".join(f"{c} (U+{ord(c):04X})" for c in sorted(missing)[:12])
        sink.add(
            "missing-glyphs",
            f"no installed font can draw {len(missing)} character(s): {listed}"
            + (" …" if len(missing) > 12 else "")
            + "; they are printed as their Unicode names (install a font that covers "
            "them, e.g. Debian's fonts-noto-cjk for Chinese, Japanese and Korean)",
            None,
            Severity.WARNING,
        )
        if still:
            sink.add(
                "missing-glyphs",
                "some characters still have no glyph: " + "".join(sorted(still)),
                None,
                Severity.ERROR,
            )
    return pdf, pages


def _render(
    root: etree._Element,
    files: dict[str, ImageFile],
    options: ExportOptions,
    sink: DiagnosticSink,
    words: bool,
) -> tuple[bytes, set[str], list[list[str]]]:
    """Lay out and write the PDF; also returns the characters drawn as .notdef
    and, when ``words``, the first words of each page."""
    from weasyprint import CSS, HTML

    html = serialize(root)
    paper = PAPERS.get(options.paper.lower(), "A4")
    allowed = {BASE_URL + "images/" + name: f for name, f in files.items()}
    fetcher = _fetcher(allowed, sink)
    identifier = hashlib.sha256(html).hexdigest()[:32].encode()
    missing: set[str] = set()
    with _captured_log(sink, missing), repaired_tags(), hanging_spaces(), fewer_collections():
        sheets = [
            CSS(string=f"@page {{ size: {paper}; }}", base_url=BASE_URL, url_fetcher=fetcher),
            CSS(
                string=stylesheet("print", options.print_style).decode("utf-8", "replace"),
                base_url=BASE_URL,
                url_fetcher=fetcher,
            ),
        ]
        source = HTML(string=html.decode("utf-8"), base_url=BASE_URL, url_fetcher=fetcher)
        settings: dict[str, Any] = {
            "stylesheets": sheets,
            "pdf_variant": "pdf/ua-1",
            "pdf_identifier": identifier,
        }
        laid_out = source.render(**settings)  # what HTML.write_pdf does, in two steps
        pdf = laid_out.write_pdf(finisher=fix_unicode_maps, **settings)
        pages = page_words(laid_out, skip=FRONT_MATTER) if words else []
    assert isinstance(pdf, bytes)
    return pdf, missing, pages


def _name_missing(root: etree._Element, missing: set[str]) -> None:
    """Replace each character of ``missing`` in the text by ``[ITS NAME]``."""
    table = {ord(c): f"[{unicodedata.name(c, f'U+{ord(c):04X}').lower()}]" for c in missing}
    for e in root.iter():
        if e.text:
            e.text = e.text.translate(table)
        if e.tail:
            e.tail = e.tail.translate(table)


def _fetcher(allowed: dict[str, ImageFile], sink: DiagnosticSink) -> Any:
    """A WeasyPrint URL fetcher serving only the article's images from memory;
    every other URL is refused with a diagnostic (nothing is ever downloaded)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):  # type: ignore[misc]
        """Serves known images; refuses the rest."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            found = allowed.get(url)
            if found is None:
                sink.add(
                    "pdf-fetch-refused",
                    f"not loaded (only the article's own images are): {url}",
                    None,
                    Severity.WARNING,
                )
                raise ValueError(f"a11ypress refuses to load {url}")
            return URLFetcherResponse(url, found.data, {"Content-Type": found.media_type})

    return MemoryFetcher(allowed_protocols=("file",))


class _SinkHandler(logging.Handler):
    """Turns WeasyPrint's log records into diagnostics; collects the characters
    it had no glyph for."""

    def __init__(self, sink: DiagnosticSink, missing: set[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink
        self.missing = missing

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(NOTDEF_MESSAGE) and record.args:
            self.missing.add(str(record.args[0]))  # type: ignore[index]
            return
        msg = record.getMessage()
        if msg.startswith(FAILED_LOAD_MESSAGE) and "a11ypress refuses" in msg:
            return  # already reported by the fetcher
        sev = Severity.ERROR if record.levelno >= logging.ERROR else Severity.WARNING
        self.sink.add("weasyprint", msg.splitlines()[0] if msg else "(no message)", None, sev)


@contextmanager
def _captured_log(sink: DiagnosticSink, missing: set[str]) -> Iterator[None]:
    """Route WeasyPrint's warnings and errors to ``sink`` (and not to stderr);
    characters drawn as .notdef go to ``missing``."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = _SinkHandler(sink, missing)
    old_propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate
