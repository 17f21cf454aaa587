"""Gather the report's data for one output folder: the build manifest, the
outputs read back, and the judges' verdicts.  The result is plain JSON data:
``report.json`` is exactly this, and the HTML page is rendered from it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from a11ypress import __version__
from a11ypress.judges import JudgeMissing, Verdict, run_ace, run_epubcheck, run_pdfua
from a11ypress.report.manifest import MANIFEST_NAME, NOT_FINDINGS, read_manifest
from a11ypress.report.outputs import (
    EpubFacts,
    id3_chapters,
    read_epub,
    read_pdf_file,
    read_timings,
)
from a11ypress.report.pdfread import PdfFacts
from a11ypress.transforms.alt import NO_DESCRIPTION

#: Words read per minute, silently (adult average for non-fiction).
READING_WPM = 238
CONFORMS_TO = "dcterms:conformsTo"
_FORMATS = {".epub": "epub", ".pdf": "pdf", ".mp3": "audio", ".m4b": "audio", ".wav": "audio"}


def _files(out_dir: Path, entry: dict[str, Any]) -> dict[str, str]:
    """Format -> file name, for the outputs of a book still present."""
    found: dict[str, str] = {}
    for name in entry.get("outputs", []):
        p = out_dir / name
        fmt = _FORMATS.get(p.suffix.lower())
        if name.endswith(".timings.json"):
            fmt = "timings"
        if fmt and p.is_file():
            found.setdefault(fmt, name)
    return found


def _norm(s: str) -> str:
    return " ".join(s.split()).rstrip(" .").casefold()


def _place_images(
    book: dict[str, Any],
    epub: EpubFacts | None,
    pdf: PdfFacts | None,
    timings: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    """Every image of the book with where it appears in each output."""
    figures = list(pdf.figures) if pdf else []
    spoken = [u for u in (timings or {}).get("utterances", []) if u.get("role") == "image"]
    fig_i = spoken_i = 0
    out = []
    for a_i, art in enumerate(book["articles"]):
        chapter = epub.chapters[a_i] if epub and a_i < len(epub.chapters) else None
        shown = list(chapter.images) if chapter else []
        for img in art["images"]:
            alt = img["alt"] or ("" if img["decorative"] else NO_DESCRIPTION)
            where: dict[str, Any] = {"epub": None, "pdf_page": None, "audio_ms": None}
            if chapter is not None:
                for k, s in enumerate(shown):
                    same = s["name"] == img["name"] if img["name"] else s["placeholder"]
                    if same and (img["decorative"] or _norm(s["alt"]) == _norm(alt)):
                        file = chapter.file.rsplit("/", 1)[-1]
                        where["epub"] = f"chapter {a_i + 1} ({file})" + (
                            f", under “{s['section']}”" if s["section"] else ""
                        )
                        del shown[k]
                        break
            if not img["decorative"]:
                for k in range(fig_i, len(figures)):
                    if _norm(figures[k][0]) == _norm(alt):
                        where["pdf_page"], fig_i = figures[k][1], k + 1
                        break
                for k in range(spoken_i, len(spoken)):
                    if _norm(alt) and _norm(alt) in _norm(spoken[k].get("text", "")):
                        where["audio_ms"], spoken_i = spoken[k].get("start_ms"), k + 1
                        break
            out.append({**img, "alt": alt, "article": art["title"], "where": where})
    return out


def _claims(
    files: dict[str, str],
    epub: EpubFacts | None,
    pdf: PdfFacts | None,
    diagnostics: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The conformance claim each output makes, with the reason when it makes none."""
    out = []
    missing = sum(d["code"] == "missing-alt" for d in diagnostics)
    if "epub" in files:
        claimed = epub.meta(CONFORMS_TO) if epub else []
        summary = (epub.meta("schema:accessibilitySummary") or [""])[0] if epub else ""
        reason = ""
        if not claimed:
            reason = (
                f"{missing} image(s) have no alt text (missing-alt), so no WCAG claim is made"
                if missing
                else summary or "the EPUB could not be read"
            )
        out.append(
            {
                "format": "epub",
                "file": files["epub"],
                "claim": claimed[0] if claimed else None,
                "reason": reason,
            }
        )
    if "pdf" in files:
        ok = pdf is not None and pdf.pdfua
        reason = "" if ok else "the PDF's XMP metadata holds no pdfuaid:part"
        if ok and missing:
            reason = (
                f"claimed, but {missing} figure(s) are labelled “{NO_DESCRIPTION}”: "
                "add their alt text"
            )
        out.append(
            {
                "format": "pdf",
                "file": files["pdf"],
                "claim": "PDF/UA-1" if ok else None,
                "reason": reason,
            }
        )
    if "audio" in files:
        out.append(
            {
                "format": "audio",
                "file": files["audio"],
                "claim": None,
                "reason": "no standard applies to audio files",
            }
        )
    return out


def _outline(art: dict[str, Any], chapter_headings: list[tuple[int, str, str]] | None) -> Any:
    """The heading outline as the reader gets it (the EPUB's levels when there
    is one), each heading with its source line."""
    lines = {h["id"]: h["line"] for h in art["headings"] if h["id"]}
    if chapter_headings is None:
        return [
            {"level": h["level"], "text": h["text"], "line": h["line"]} for h in art["headings"]
        ]
    out = []
    for level, text, ident in chapter_headings:
        bare = ident.split("-", 1)[1] if ident[:1] == "c" and "-" in ident else ident
        line = lines.get(ident, lines.get(bare))
        out.append({"level": level, "text": text, "line": line})
    return out


def _excerpt(path: str | None, line: int | None, cache: dict[str, list[str]]) -> str:
    """The source line a finding points at (trimmed), when the file is readable."""
    if not path or not line:
        return ""
    if path not in cache:
        try:
            cache[path] = Path(path).read_text("utf-8", "replace").splitlines()
        except OSError:
            cache[path] = []
    text = cache[path][line - 1] if 0 < line <= len(cache[path]) else ""
    text = text.strip()
    return text if len(text) <= 160 else text[:159] + "…"


def _findings(
    diagnostics: list[dict[str, Any]], sources: dict[str, str | None]
) -> list[dict[str, Any]]:
    """The build's diagnostics as findings, each once, with the source line quoted."""
    cache: dict[str, list[str]] = {}
    findings = []
    seen: set[tuple[Any, ...]] = set()
    for d in diagnostics:
        same = (d["code"], d["message"], d["file"], d["line"])
        if same in seen or d["code"] in NOT_FINDINGS:  # seen: reported by two exporters
            continue
        seen.add(same)
        path = sources.get(d["file"]) or d["file"]
        findings.append(
            {
                "origin": "build",
                "severity": d["severity"],
                "code": d["code"],
                "message": d["message"],
                "file": d["file"],
                "file_path": path if d["file"] in sources else None,
                "line": d["line"],
                "excerpt": _excerpt(path, d["line"], cache),
            }
        )
    return findings


def _book(out_dir: Path, entry: dict[str, Any]) -> dict[str, Any]:
    files = _files(out_dir, entry)
    epub = read_epub(out_dir / files["epub"]) if "epub" in files else None
    pdf = read_pdf_file(out_dir / files["pdf"]) if "pdf" in files else None
    timings = read_timings(out_dir / files["timings"]) if "timings" in files else None
    sources = {a["source"]: a.get("source_path") for a in entry["articles"]}
    articles = []
    chapters = (timings or {}).get("chapters", [])
    level1 = [c for c in chapters if c.get("level") == 1]
    for i, art in enumerate(entry["articles"]):
        heads = epub.chapters[i].headings if epub and i < len(epub.chapters) else None
        listen = None
        if timings and len(entry["articles"]) == 1:
            listen = timings.get("duration_ms")
        elif i < len(level1):
            listen = level1[i]["end_ms"] - level1[i]["start_ms"]
        articles.append(
            {
                "title": art["title"],
                "source": art["source"],
                "source_path": art.get("source_path"),
                "language": art["language"],
                "words": art["words"],
                "reading_minutes": round(art["words"] / READING_WPM, 1),
                "listening_ms": listen,
                "outline": _outline(art, heads),
                "images": len(art["images"]),
            }
        )
    audio = None
    if "audio" in files:
        audio = {
            "file": files["audio"],
            "duration_ms": (timings or {}).get("duration_ms"),
            "chapters": chapters,
            "id3_chapters": id3_chapters(out_dir / files["audio"])
            if files["audio"].endswith(".mp3")
            else None,
        }
    findings = _findings(entry["diagnostics"], sources)
    links = [
        {**link, "article": art["title"], "source": art["source"]}
        for art in entry["articles"]
        for link in art["links"]
        if link["kind"] != "internal"
    ]
    words = sum(a["words"] for a in entry["articles"])
    return {
        "stem": entry["stem"],
        "title": entry["title"],
        "language": entry["language"],
        "digest": entry["digest"],
        "files": files,
        "sizes": {k: (out_dir / v).stat().st_size for k, v in files.items()},
        "claims": _claims(files, epub, pdf, entry["diagnostics"]),
        "verdicts": [],
        "words": words,
        "reading_minutes": round(words / READING_WPM, 1),
        "listening_ms": (timings or {}).get("duration_ms"),
        "pdf_pages": pdf.pages if pdf else None,
        "articles": articles,
        "images": _place_images(entry, epub, pdf, timings),
        "audio": audio,
        "links": links,
        "findings": findings,
    }


def _judge(books: list[dict[str, Any]], out_dir: Path, ace: bool) -> list[str]:
    """Run the judges on every EPUB and PDF (EPUBCheck: all EPUBs in one JVM);
    returns notes on judges that are not installed."""
    notes: list[str] = []
    epubs = [(b, out_dir / b["files"]["epub"]) for b in books if "epub" in b["files"]]
    pdfs = [(b, out_dir / b["files"]["pdf"]) for b in books if "pdf" in b["files"]]

    def record(book: dict[str, Any], v: Verdict) -> None:
        book["verdicts"].append(
            {
                "judge": v.judge,
                "file": v.path.name,
                "ok": v.ok,
                "findings": len(v.findings),
                "detail": f"{v.data['rules_passed']}/{v.data['rules_total']} rules passed"
                if v.judge == "pdfua" and "rules_total" in v.data
                else "",
            }
        )
        for f in v.findings:
            book["findings"].append(
                {
                    "origin": v.judge,
                    "severity": f.severity.lower(),
                    "code": f.code,
                    "message": f.message,
                    "file": f"{v.path.name}" + (f" {f.location}" if f.location else ""),
                    "file_path": None,
                    "line": None,
                    "excerpt": "",
                }
            )

    if epubs:
        try:
            for (book, _), v in zip(epubs, run_epubcheck([p for _, p in epubs]), strict=True):
                record(book, v)
        except JudgeMissing as exc:
            notes.append(f"EPUBCheck was not run: {exc}")
        if ace:
            try:
                for book, p in epubs:
                    record(book, run_ace(p))
            except JudgeMissing as exc:
                notes.append(f"Ace by DAISY was not run: {exc}")
        else:
            notes.append("Ace by DAISY was not run (--no-ace).")
    for book, p in pdfs:
        try:
            record(book, run_pdfua(p))
        except JudgeMissing as exc:
            notes.append(f"The PDF/UA-1 checker was not run: {exc}")
            break
    return notes


def collect(out_dir: Path, *, judges: bool = True, ace: bool = True) -> dict[str, Any]:
    """The report's data for the books built into ``out_dir``."""
    manifest = read_manifest(out_dir)
    books = [_book(out_dir, e) for _, e in sorted(manifest.items())]
    books.sort(key=lambda b: (b["digest"], b["title"].casefold()))
    notes = []
    if not manifest:
        notes.append(
            f"No build manifest ({MANIFEST_NAME}) in {out_dir}: build with "
            "`a11ypress build ... -o DIR` first."
        )
    if judges:
        notes += _judge(books, out_dir, ace)
    else:
        notes.append("The judges were not run (--no-judges).")
    return {
        "generator": f"a11ypress {__version__}",
        "folder": os.path.basename(os.path.abspath(out_dir)),
        "judges_run": judges,
        "notes": notes,
        "books": books,
    }
