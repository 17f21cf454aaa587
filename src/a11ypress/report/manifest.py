"""The build manifest: what a build put in its output folder, from the model.

``build`` writes ``OUT_DIR/a11ypress-build.json`` beside its outputs: one entry
per book (keyed by its file stem, so a later build of the same book replaces
its entry and other books stay), with the articles' sources, heading outlines
with source lines, word counts, images with their alt text, caption, source
line and lint results, links, and every diagnostic the build reported.  The
report (:mod:`a11ypress.report`) reads it with what it finds in the outputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic
from a11ypress.export.images import find_image
from a11ypress.fsutil import atomic_write
from a11ypress.transforms.alt import shown_alt
from a11ypress.transforms.altlint import image_uses, lint_alt_text
from a11ypress.transforms.links import link_target
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes

MANIFEST_NAME = "a11ypress-build.json"
#: Version of the manifest's shape.
MANIFEST_VERSION = 1
#: Codes that describe one run of the build (how much came from the speech
#: cache, say) rather than the book: not findings, and kept out of the manifest
#: so that the same inputs always give the same manifest.
NOT_FINDINGS = frozenset({"audio-built"})


def _articles(doc: m.Document) -> list[m.Document]:
    """The articles of a book: the sections of a digest, else the document."""
    if doc.children and all(isinstance(b, m.Section) and b.metadata for b in doc.children):
        out = []
        for b in doc.children:
            assert isinstance(b, m.Section) and b.metadata is not None
            out.append(
                m.Document(
                    metadata=b.metadata,
                    children=b.children,
                    footnotes=b.footnotes,
                    title_in_body=True,
                    source=b.source,
                )
            )
        return out
    return [doc]


def _headings(doc: m.Document) -> list[dict[str, Any]]:
    return [
        {
            "level": n.level,
            "text": plain_text(n) or "Untitled section",
            "id": n.id,
            "line": n.pos.line if n.pos else None,
        }
        for n in iter_nodes(doc)
        if isinstance(n, m.Heading)
    ]


def _words(doc: m.Document) -> int:
    text = " ".join(plain_text(b) for b in doc.children if not isinstance(b, m.CodeBlock))
    return len(text.split())


def _links(doc: m.Document, ids: set[str]) -> Iterator[dict[str, Any]]:
    """Every link with its kind: ``external``, ``internal`` or ``unresolved``."""
    base = doc.metadata.source_url
    line: int | None = None
    for n in iter_nodes(doc):
        if n.pos is not None:
            line = n.pos.line
        if isinstance(n, m.Link):
            url, text = n.url.strip(), plain_text(n.children) or n.url
        elif isinstance(n, m.LinkCard):
            url, text = n.url.strip(), plain_text(n.title) or n.url
        else:
            continue
        target = link_target(url, base)  # the policy every output follows
        if target.kind == "fragment":
            kind, why = ("internal", "") if target.href in ids else ("unresolved", "no such id")
        elif target.kind == "absolute":
            kind, why = "external", "" if target.href == url else f"resolved against {base}"
        else:
            kind, why = "unresolved", "relative to a site the article does not name"
        yield {"url": url, "text": text, "line": line, "kind": kind, "note": why}


def _images(doc: m.Document, source: Path | None, assets: Path | None) -> list[dict[str, Any]]:
    lint: dict[tuple[str, int | None], list[dict[str, str]]] = {}
    for f in lint_alt_text(doc):
        lint.setdefault((f.src, f.line), []).append({"rule": f.rule, "hint": f.hint})
    out = []
    for u in image_uses(doc):
        img = u.image
        found = find_image(img.src, source, assets)
        alt = shown_alt(img) or ""  # what every output says
        out.append(
            {
                "src": img.src,
                "alt": alt,
                "alt_given": not img.alt_missing,
                "decorative": img.decorative,
                "caption": u.caption,
                "linked": u.linked,
                "line": u.line,
                "file": str(found.path) if not isinstance(found, str) else None,
                "name": found.name if not isinstance(found, str) else None,
                "unavailable": found if isinstance(found, str) else None,
                "lint": lint.pop((img.src, u.line), []),
            }
        )
    return out


def book_entry(
    stem: str,
    book: m.Document,
    sources: Sequence[Path],
    outputs: Sequence[Path],
    diagnostics: Sequence[Diagnostic],
    assets: Path | None,
    digest: bool,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """The manifest entry of one book: its articles (from the model), the
    files written and the diagnostics reported while building it."""
    return entry_of(stem, book_model(book, sources, assets), outputs, diagnostics, digest, out_dir)


def book_model(book: m.Document, sources: Sequence[Path], assets: Path | None) -> dict[str, Any]:
    """What a book's manifest entry says from its model alone (title,
    language, articles): made wherever the book was rendered, finished into
    the entry by :func:`entry_of`."""
    articles = []
    for i, art in enumerate(_articles(book)):
        src = Path(art.source) if art.source else (sources[i] if i < len(sources) else None)
        heads = _headings(art)
        ids = {h["id"] for h in heads if h["id"]}
        articles.append(
            {
                "title": art.metadata.title or "Untitled",
                "source": str(src) if src else None,
                "source_path": str(src.resolve()) if src else None,
                "language": art.metadata.language,
                "words": _words(art),
                "headings": heads,
                "images": _images(art, src, assets),
                "links": list(_links(art, ids)),
            }
        )
    return {
        "title": book.metadata.title or "Untitled",
        "language": book.metadata.language,
        "articles": articles,
    }


def entry_of(
    stem: str,
    model: dict[str, Any],
    outputs: Sequence[Path],
    diagnostics: Sequence[Diagnostic],
    digest: bool,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """The manifest entry of one book from its :func:`book_model`, the files
    written and the diagnostics reported while building it."""
    return {
        "stem": stem,
        "title": model["title"],
        "language": model["language"],
        "digest": digest,
        "outputs": [p.name for p in outputs],
        "articles": model["articles"],
        "diagnostics": [
            {
                "code": d.code,
                "severity": d.severity.value,
                "message": _unplace(d.message, out_dir),
                "file": _unplace(_output_name(d.file, outputs), out_dir),
                "line": d.line,
            }
            for d in diagnostics
            if d.code not in NOT_FINDINGS
        ],
    }


def _unplace(text: str | None, out_dir: Path | None) -> Any:
    """``text`` without the output folder's path in it, so the manifest is the
    same wherever the folder is."""
    if text is None or out_dir is None:
        return text
    for prefix in {str(out_dir) + "/", str(out_dir.resolve()) + "/"}:
        text = text.replace(prefix, "")
    return text


def _output_name(file: str | None, outputs: Sequence[Path]) -> str | None:
    """A diagnostic's file: an output's bare name (so the manifest does not
    depend on where the folder is), else as reported."""
    return next((p.name for p in outputs if file == str(p)), file)


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest of ``out_dir`` ({} when there is none or it is unreadable)."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    books = data.get("books")
    return books if isinstance(books, dict) else {}


def write_manifest(out_dir: Path, entries: Sequence[dict[str, Any]]) -> Path:
    """Merge ``entries`` into the folder's manifest (atomically) and return its path."""
    books = read_manifest(out_dir)
    for e in entries:
        books[e["stem"]] = e
    data = {"version": MANIFEST_VERSION, "books": dict(sorted(books.items()))}
    path = out_dir / MANIFEST_NAME
    atomic_write(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path
