"""Facts read back from the outputs themselves: the EPUB's package metadata,
chapters, headings and images; the PDF's claim, pages and Figures; the audio
edition's chapters and the time each image is spoken."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from a11ypress.report.pdfread import PdfFacts, read_pdf

_OPF = "{http://www.idpf.org/2007/opf}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_HEADINGS = {f"{_XHTML}h{n}": n for n in range(1, 7)}


@dataclass
class EpubChapter:
    """One chapter file of an EPUB."""

    file: str
    """Path inside the package (``EPUB/text/ch001.xhtml``)."""
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    """(level, text, id) as the reader gets them."""
    images: list[dict[str, Any]] = field(default_factory=list)
    """Every image shown: ``alt``, ``name`` (file name), ``decorative``,
    ``placeholder``, ``section`` (the heading it comes under)."""


@dataclass
class EpubFacts:
    """What the report shows of an EPUB."""

    metadata: list[tuple[str, str]] = field(default_factory=list)
    """(property, value) of the package's ``meta`` elements."""
    chapters: list[EpubChapter] = field(default_factory=list)
    """Body chapters in spine order (title page and nav left out)."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Image files by name."""

    def meta(self, prop: str) -> list[str]:
        """Values of one metadata property."""
        return [v for p, v in self.metadata if p == prop]


def read_epub(path: Path) -> EpubFacts | None:
    """Read an EPUB written by a11ypress (None when it cannot be read)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            opf_name = next((n for n in names if n.endswith(".opf")), None)
            if opf_name is None:
                return None
            opf = etree.fromstring(z.read(opf_name))
            base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
            facts = EpubFacts()
            for meta in opf.iter(f"{_OPF}meta"):
                if meta.get("property"):
                    facts.metadata.append((meta.get("property", ""), (meta.text or "").strip()))
            items = {i.get("id"): i for i in opf.iter(f"{_OPF}item")}
            for ref in opf.iter(f"{_OPF}itemref"):
                item = items.get(ref.get("idref"))
                if item is None or "nav" in (item.get("properties") or ""):
                    continue
                href = item.get("href", "")
                if href.endswith("title.xhtml"):
                    continue
                facts.chapters.append(_chapter(base + href, z.read(base + href)))
            for n in names:
                if n.startswith(base + "images/"):
                    facts.images[n.rsplit("/", 1)[1]] = z.read(n)
            return facts
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None


def _chapter(name: str, data: bytes) -> EpubChapter:
    ch = EpubChapter(name)
    root = etree.fromstring(data)
    section = ""
    for e in root.iter():
        tag = e.tag if isinstance(e.tag, str) else ""
        if tag in _HEADINGS:
            section = " ".join("".join(str(t) for t in e.itertext()).split())
            ch.headings.append((_HEADINGS[tag], section, e.get("id", "")))
        elif tag == f"{_XHTML}img":
            ch.images.append(
                {
                    "alt": e.get("alt", ""),
                    "name": e.get("src", "").rsplit("/", 1)[-1],
                    "decorative": e.get("role") == "presentation" or not e.get("alt"),
                    "placeholder": False,
                    "section": section,
                }
            )
        elif tag == f"{_XHTML}span" and e.get("role") == "img":
            ch.images.append(
                {
                    "alt": e.get("aria-label", ""),
                    "name": None,
                    "decorative": False,
                    "placeholder": True,
                    "section": section,
                }
            )
    return ch


def read_pdf_file(path: Path) -> PdfFacts | None:
    """Pages, Figures and claim of a PDF (None when it cannot be read)."""
    try:
        return read_pdf(path.read_bytes())
    except OSError:
        return None


def read_timings(path: Path) -> dict[str, Any] | None:
    """The ``.timings.json`` sidecar of an audio edition."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def id3_chapters(path: Path) -> int | None:
    """How many ID3 CHAP frames an MP3 has (None when it has no ID3 tag)."""
    try:
        from mutagen.id3 import ID3, ID3NoHeaderError

        try:
            tag = ID3(str(path))  # type: ignore[no-untyped-call]
        except ID3NoHeaderError:
            return None
        return len(tag.getall("CHAP"))  # type: ignore[no-untyped-call]
    except Exception:  # a broken file: the report says so by showing none
        return None
