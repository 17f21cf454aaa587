"""EPUB 3 export (ebooklib), with accessibility metadata true for the book.

Chapters come from :func:`a11ypress.render.xhtml.render_article_into`; the
navigation document, title page and package metadata are written here.  The
zip is rewritten with fixed timestamps so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ebooklib import epub
from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.export import ExportOptions
from a11ypress.export.book import (
    Chapter,
    TocEntry,
    build_time,
    chapter_hrefs,
    chapters_of,
    title_page_text,
    toc_tree,
)
from a11ypress.export.images import ImageCollector, ImageFile, find_image
from a11ypress.export.pagebreaks import PageBreak, place_page_breaks
from a11ypress.export.printimages import for_reader
from a11ypress.fsutil import atomic_write
from a11ypress.render.dom import EPUB_TYPE, el, new_document, serialize, set_lang
from a11ypress.render.xhtml import RenderOptions, RenderResult, render_article_into
from a11ypress.serialize import to_json
from a11ypress.styles import packable_css, stylesheet
from a11ypress.transforms.walk import iter_nodes

CSS_HREF = "styles/epub.css"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass(frozen=True, slots=True)
class Narrated:
    """What a read-aloud book's narration covers, for its accessibility metadata."""

    engine: str
    """The speech engine, as the summary names it."""
    code_skipped: int
    """Code samples announced but not read (without ``--read-code``)."""


class BookExtras(Protocol):
    """What a variant of the EPUB (the read-aloud book) adds to the plain one."""

    css: str
    """Added to the end of the stylesheet."""

    def mark(self, number: int) -> Callable[[object, str, etree._Element], None]:
        """The renderer's :attr:`RenderOptions.mark` for chapter ``number`` (from 1)."""

    def finish_chapter(self, number: int, file_name: str, root: etree._Element) -> None:
        """Change chapter ``number``'s document before it is written."""

    def finish_book(self, book: epub.EpubBook, chapters: list[epub.EpubItem]) -> Narrated:
        """Add files and metadata once every chapter is rendered."""


def export_epub(doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
    """Write ``doc`` as an EPUB 3 file at ``out``."""
    atomic_write(out, build_epub(doc, options, sink))


def build_epub(
    doc: m.Document,
    options: ExportOptions,
    sink: DiagnosticSink,
    extras: BookExtras | None = None,
) -> bytes:
    """The EPUB bytes for ``doc``: package metadata, the chapters, the title
    page and navigation, the images, then accessibility metadata true for it
    (``extras`` adds to it: the read-aloud book's overlays and audio)."""
    meta = doc.metadata
    lang = meta.language or "en"
    chapters = chapters_of(doc, options.sources)
    files: dict[str, ImageFile] = {}
    book = _new_book(doc, lang)
    css = stylesheet("epub", options.style)
    if options.style is not None:
        css, removed = packable_css(css)
        for what in removed:
            sink.add(
                "style-url-removed",
                f"{options.style}: not packed into the book (a stylesheet may not load "
                f"anything): {what[:200]}",
                None,
                Severity.WARNING,
            )
    if extras is not None:
        css += extras.css.encode("utf-8")
    book.add_item(epub.EpubItem(uid="css", file_name=CSS_HREF, media_type="text/css", content=css))
    spine_items, found, breaks = _chapter_items(book, doc, chapters, files, options, sink, extras)
    narrated = extras.finish_book(book, spine_items) if extras is not None else None

    cover_item = _cover(meta, chapters, files, options, sink)
    title_page = _xhtml_item("titlepage", "text/title.xhtml", _title_page(meta, lang, cover_item))
    book.add_item(title_page)
    nav = _xhtml_item(
        "nav", "nav.xhtml", _nav(meta, lang, chapters, breaks, has_cover=cover_item is not None)
    )
    nav.properties = ["nav"]
    book.add_item(nav)
    _add_images(book, files, cover_item)

    images = sum(len(f.images) for f in found) + (1 if cover_item else 0)
    source = options.pages.name if options.pages is not None and breaks else None
    _a11y_metadata(book, chapters, images, sum(f.missing_alt for f in found), narrated, source)
    book.spine = [title_page, nav, *spine_items]

    buf = io.BytesIO()
    epub.write_epub(
        buf,
        book,
        {
            "mtime": build_time(meta.date),
            "epub2_guide": False,
            "epub3_landmark": False,
            "raise_exceptions": True,
            # rewritten (and compressed) by _normalise_zip: not worth compressing twice
            "compresslevel": 0,
        },
    )
    return _normalise_zip(buf.getvalue(), build_time(meta.date))


def _new_book(doc: m.Document, lang: str) -> epub.EpubBook:
    """A book with its Dublin Core metadata; its identifier is derived from the
    content, so the same input always gives the same book."""
    meta = doc.metadata
    book = epub.EpubBook()
    book.FOLDER_NAME = "EPUB"
    ident = "urn:uuid:" + str(
        uuid.UUID(hashlib.sha256(to_json(doc, indent=None).encode()).hexdigest()[:32])
    )
    book.set_identifier(ident)
    book.set_title(meta.title or "Untitled")
    book.set_language(lang)
    for i, a in enumerate(meta.authors, 1):
        book.add_author(a.name, uid=f"creator{i}")
    if meta.description:
        book.add_metadata("DC", "description", meta.description)
    if meta.date:
        book.add_metadata("DC", "date", meta.date)
    for k in meta.keywords:
        book.add_metadata("DC", "subject", k)
    if meta.source_url:
        book.add_metadata("DC", "source", meta.source_url)
    book.add_metadata("DC", "publisher", "a11ypress")
    return book


def _xhtml_item(uid: str, file_name: str, content: bytes) -> epub.EpubItem:
    return epub.EpubItem(
        uid=uid, file_name=file_name, media_type="application/xhtml+xml", content=content
    )


def _chapter_items(
    book: epub.EpubBook,
    doc: m.Document,
    chapters: list[Chapter],
    files: dict[str, ImageFile],
    options: ExportOptions,
    sink: DiagnosticSink,
    extras: BookExtras | None = None,
) -> tuple[list[epub.EpubItem], list[RenderResult], list[PageBreak]]:
    """Render every chapter into the book (images collected into ``files``),
    with the PDF edition's page breaks when asked: the spine items, what each
    chapter holds, and the page breaks placed."""
    lang = doc.metadata.language or "en"
    digest = len(chapters) > 1
    found: list[RenderResult] = []
    roots: list[tuple[str, etree._Element]] = []
    links = chapter_hrefs(
        chapters,
        lambda j, anchor: f"ch{j:03d}.xhtml" + (f"#c{j}-{anchor}" if anchor and digest else ""),
    )
    for i, ch in enumerate(chapters, 1):
        ch.file_name = f"text/ch{i:03d}.xhtml"
        src_sink = DiagnosticSink(str(ch.source) if ch.source else sink.file)
        render = RenderOptions(
            images=ImageCollector(files, ch.source, options.assets, "../"),
            lang=lang,
            stylesheets=("../" + CSS_HREF,),
            id_prefix=f"c{i}-" if digest else "",
            base_url=ch.doc.metadata.source_url,
            chapter_href=links,
            mark=extras.mark(i) if extras is not None else None,
        )
        root, body = new_document(ch.doc.metadata.title or "Untitled", lang, render.stylesheets)
        _, result = render_article_into(body, ch.doc, render, src_sink)
        sink.items.extend(src_sink.items)
        ch.headings = list(result.headings)
        found.append(result)
        roots.append((ch.file_name, root))
    breaks: list[PageBreak] = []
    if options.pages is not None:
        breaks = place_page_breaks(roots, options.pages.words(doc, options))
    items: list[epub.EpubItem] = []
    for i, (name, root) in enumerate(roots, 1):
        if extras is not None:
            extras.finish_chapter(i, name, root)
        item = _xhtml_item(f"ch{i:03d}", name, serialize(root))
        book.add_item(item)
        items.append(item)
    return items, found, breaks


def _add_images(book: epub.EpubBook, files: dict[str, ImageFile], cover: str | None) -> None:
    """Every image file the chapters use (and the cover, marked as such)."""
    for f in sorted(files):
        img = files[f]
        item = epub.EpubItem(
            uid="img-" + f.split(".")[0],
            file_name="images/" + f,
            media_type=img.media_type,
            content=for_reader(img).data,
        )
        if cover is not None and cover == f:
            item.properties = ["cover-image"]
        book.add_item(item)


def _cover(
    meta: m.Metadata,
    chapters: list[Chapter],
    files: dict[str, ImageFile],
    options: ExportOptions,
    sink: DiagnosticSink,
) -> str | None:
    """Embed a local cover image named by the front matter; its file name."""
    if meta.cover is None or not chapters:
        return None
    found = find_image(meta.cover.src, chapters[0].source, options.assets)
    if isinstance(found, str):
        sink.add(
            f"cover-{found}",
            f"cover image not embedded ({found}): {meta.cover.src}",
            None,
            Severity.INFO,
        )
        return None
    files.setdefault(found.name, found)
    return found.name


def _title_page(meta: m.Metadata, lang: str, cover: str | None) -> bytes:
    root, body = new_document(meta.title or "Untitled", lang, ["../" + CSS_HREF])
    sec = el(
        body, "section", {"class": "titlepage", EPUB_TYPE: "titlepage", "aria-label": "Title page"}
    )
    if cover is not None and meta.cover is not None:
        alt = meta.cover.alt or f"Cover of {meta.title}"
        el(
            el(sec, "div", {"class": "cover", "id": "cover"}),
            "img",
            {"src": "../images/" + cover, "alt": alt},
        )
    title_page_text(sec, meta)
    return serialize(root)


def _nav(
    meta: m.Metadata,
    lang: str,
    chapters: list[Chapter],
    breaks: list[PageBreak],
    *,
    has_cover: bool,
) -> bytes:
    root, body = new_document(meta.title or "Contents", lang, [CSS_HREF])
    nav = el(
        body,
        "nav",
        {EPUB_TYPE: "toc", "role": "doc-toc", "id": "toc", "aria-labelledby": "toc-title"},
    )
    el(nav, "h1", {"id": "toc-title"}, "Contents")
    _entries(el(nav, "ol"), toc_tree(chapters), lang)
    if breaks:
        pages = el(
            body,
            "nav",
            {
                EPUB_TYPE: "page-list",
                "role": "doc-pagelist",
                "id": "page-list",
                "hidden": "hidden",
                "aria-labelledby": "page-list-title",
            },
        )
        el(pages, "h2", {"id": "page-list-title"}, "Pages of the PDF edition")
        ol = el(pages, "ol")
        for b in breaks:
            el(el(ol, "li"), "a", {"href": f"{b.file_name}#{b.id}"}, str(b.page))
    land = el(
        body,
        "nav",
        {
            EPUB_TYPE: "landmarks",
            "id": "landmarks",
            "hidden": "hidden",
            "aria-labelledby": "landmarks-title",
        },
    )
    el(land, "h2", {"id": "landmarks-title"}, "Landmarks")
    ol = el(land, "ol")
    if has_cover:
        el(el(ol, "li"), "a", {"href": "text/title.xhtml#cover", EPUB_TYPE: "cover"}, "Cover")
    el(el(ol, "li"), "a", {"href": "text/title.xhtml", EPUB_TYPE: "titlepage"}, "Title page")
    el(el(ol, "li"), "a", {"href": "nav.xhtml#toc", EPUB_TYPE: "toc"}, "Contents")
    if chapters:
        el(
            el(ol, "li"),
            "a",
            {"href": chapters[0].file_name, EPUB_TYPE: "bodymatter"},
            "Start of content",
        )
    return serialize(root)


def _entries(ol: etree._Element, entries: list[TocEntry], lang: str) -> None:
    """One ``li`` per entry, its children in a nested ``ol``."""
    for entry in entries:
        li = el(ol, "li")
        if entry.lang and entry.lang != lang:
            set_lang(li, entry.lang)
        href = entry.chapter.file_name + (f"#{entry.anchor}" if entry.anchor else "")
        el(li, "a", {"href": href}, entry.title)
        if entry.children:
            _entries(el(li, "ol"), entry.children, entry.lang or lang)


def _a11y_metadata(
    book: epub.EpubBook,
    chapters: list[Chapter],
    images: int,
    missing_alt: int,
    narrated: Narrated | None = None,
    page_source: str | None = None,
) -> None:
    """schema.org accessibility metadata that is true for this book (a
    read-aloud book's narration and the PDF edition's page numbers included)."""

    def prop(name: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": name})

    all_alt = missing_alt == 0
    modes = ["textual", *(["auditory"] if narrated else []), *(["visual"] if images else [])]
    for mode in modes:
        prop("schema:accessMode", mode)
    if all_alt:
        prop("schema:accessModeSufficient", "textual")
    if images:
        prop("schema:accessModeSufficient", "textual,visual")
    everything_heard = narrated is not None and all_alt and not narrated.code_skipped
    if everything_heard:
        prop("schema:accessModeSufficient", "auditory")
    for f in _features(chapters, images, all_alt, narrated):
        prop("schema:accessibilityFeature", f)
    if page_source is not None:
        prop("schema:accessibilityFeature", "printPageNumbers")
        prop("pageBreakSource", page_source)
    prop("schema:accessibilityHazard", "none")
    summary = _summary(chapters, images, missing_alt, narrated)
    if page_source is not None:
        summary += (
            f" Page numbers are those of the PDF edition ({page_source}), taken from its "
            "layout, with a page list" + ("; they are never read aloud." if narrated else ".")
        )
    prop("schema:accessibilitySummary", summary)
    if all_alt:
        prop("dcterms:conformsTo", CONFORMS_TO)


def _features(
    chapters: list[Chapter], images: int, all_alt: bool, narrated: Narrated | None
) -> list[str]:
    """The book's ``schema:accessibilityFeature`` values."""
    features = [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    if images and all_alt:
        features.append("alternativeText")
    if any(c.doc.footnotes for c in chapters):
        features.append("annotations")
    if narrated is not None:
        features.append("synchronizedAudioText")
    return features


def _summary(
    chapters: list[Chapter], images: int, missing_alt: int, narrated: Narrated | None
) -> str:
    """The accessibility summary: what the book holds and what it lacks."""
    tables = sum(isinstance(n, m.Table) for c in chapters for n in iter_nodes(c.doc))
    n = sum(not (c.opens and c.source is None) for c in chapters)  # part pages are not articles
    parts = [
        f"This EPUB holds {n} article{'s' if n != 1 else ''} with a table of contents, "
        "headings in a logical order without skipped levels, and a reading order that "
        "follows the source.",
    ]
    if images:
        if not missing_alt:
            parts.append(
                f"All {images} informative image{'s have' if images != 1 else ' has'}"
                " a text alternative; decorative images are marked as such."
            )
        else:
            parts.append(
                f"{missing_alt} image{'s lack' if missing_alt != 1 else ' lacks'} "
                "a text alternative, so the book does not claim WCAG conformance."
            )
    else:
        parts.append("It contains no images.")
    if tables:
        parts.append(f"{tables} data table{'s have' if tables != 1 else ' has'} header cells.")
    parts.append(
        "Text can be resized and restyled by the reading system; no colours or fonts are forced."
    )
    if narrated is not None:
        parts.append(_narration_summary(narrated, images > 0))
    return " ".join(parts)


def _narration_summary(narrated: Narrated, images: bool) -> str:
    """What a read-aloud book's narration covers."""
    said = "Every heading, sentence, list item and table row"
    if images:
        said += " and every image's text alternative"
    text = (
        f"{said} is narrated by synthetic speech ({narrated.engine}) and highlighted "
        "while it is read (EPUB Media Overlays)."
    )
    if narrated.code_skipped:
        k = narrated.code_skipped
        text += (
            f" {k} code sample{'s are' if k != 1 else ' is'} announced but not read aloud, "
            "so the audio alone is not sufficient."
        )
    return text


def _fix_opf(opf: bytes) -> bytes:
    """Drop the spine's ``toc`` attribute: this book has no NCX (EPUB 3 needs none)."""
    root = etree.fromstring(opf)
    for spine in root.iter("{http://www.idpf.org/2007/opf}spine"):
        if "toc" in spine.attrib:
            del spine.attrib["toc"]
    lang = root.find(".//{http://purl.org/dc/elements/1.1/}language")
    if lang is not None and lang.text:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", lang.text)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)


def _normalise_zip(data: bytes, stamp: datetime.datetime) -> bytes:
    """Rewrite the zip: ``mimetype`` first and stored, fixed timestamps."""
    date_time = (
        max(stamp.year, 1980),
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second,
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = ["mimetype"] + [n for n in names if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time)
            info.external_attr = 0o644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, src.read(name))
            else:
                body = src.read(name)
                if name.endswith(".opf"):
                    body = _fix_opf(body)
                info.compress_type = zipfile.ZIP_DEFLATED
                # MP3 (a read-aloud book's narration) shrinks about as much at level 1
                # as at 9 (16.0% against 16.5%), in three quarters of the time
                level = 1 if name.endswith(".mp3") else 9
                dst.writestr(info, body, compresslevel=level)
    return out.getvalue()
