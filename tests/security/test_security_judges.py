"""The external judges on hostile books: every book built from a hostile input
passes EPUBCheck (all of them in one run); a digest of the worst of them passes
Ace by DAISY too."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import DATA, NESTED_KINDS, nested, png
from test_security_files import REMOTE
from test_security_html import EVIL_SVG
from test_security_text import BIDI, DIRTY

from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load, parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.epub import export_epub
from a11ypress.judges import JudgeMissing, run_ace, run_epubcheck
from a11ypress.transforms.digest import digest

SOURCES: dict[str, str] = {
    "dirty": DIRTY,
    "bidi": BIDI,
    "remote": REMOTE,
    "svg": "# SVG\n\n![a red square](evil.svg)\n\n![not found](missing.svg)\n",
    "images": "# Images\n\n![ok](ok.png)\n\n![out](../x.png)\n\n![](ok.png)\n\n![no alt](ok.png)\n",
    "unclosed": "# T\n\n::note\n---\na: 1\n\n```js\nx\n\n:::deeper\n[link](https://x.org\n",
    "empty": "",
    "front-matter-only": "---\ntitle: Only\n---\n",
    "dups": "# A\n\n## A\n\n## A {#a}\n\n::note{id=a}\nx\n::\n\n[^1] [^1]\n\n[^1]: n\n[^1]: m\n",
    "long": "# Long\n\n" + "w" * 200_000 + "\n\n" + " ".join(["word"] * 50_000) + "\n",
    **{f"deep-{k}": nested(k, 300) for k in NESTED_KINDS},
}


@pytest.fixture(scope="module")
def hostile_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One EPUB per hostile input, plus a digest of the worst of them."""
    src = tmp_path_factory.mktemp("hostile-src")
    out = tmp_path_factory.mktemp("hostile-epub")
    (src / "evil.svg").write_bytes(EVIL_SVG)
    (src / "ok.png").write_bytes(png(b"ok"))
    paths = [DATA / "hostile-html.md"]
    for name, text in SOURCES.items():
        (src / f"{name}.md").write_text(text)
        paths.append(src / f"{name}.md")
    books: dict[str, Path] = {}
    docs = []
    for path in paths:
        loaded = load(path)
        docs.append(loaded.document)
        target = out / f"{path.stem}.epub"
        export_epub(loaded.document, target, ExportOptions(sources=(path,)), DiagnosticSink())
        books[path.stem] = target
    worst = ["hostile-html", "dirty", "bidi", "svg", "remote", "deep-components"]
    chosen = [(p, d) for p, d in zip(paths, docs, strict=True) if p.stem in worst]
    target = out / "digest.epub"
    export_epub(
        digest([d for _, d in chosen], "Hostile digest"),
        target,
        ExportOptions(sources=tuple(p for p, _ in chosen)),
        DiagnosticSink(),
    )
    books["digest"] = target
    return books


@pytest.mark.judge
def test_epubcheck_passes_every_hostile_book(hostile_books: dict[str, Path]) -> None:
    try:
        verdicts = run_epubcheck(list(hostile_books.values()))
    except JudgeMissing as exc:
        pytest.skip(str(exc))
    assert len(verdicts) == len(hostile_books)
    bad = {v.path.name: v.findings for v in verdicts if not v.ok}
    assert not bad, bad


@pytest.mark.judge
@pytest.mark.parametrize("name", ["digest", "hostile-html"])
def test_ace_passes_hostile_books(hostile_books: dict[str, Path], name: str) -> None:
    try:
        verdict = run_ace(hostile_books[name])
    except JudgeMissing as exc:
        pytest.skip(str(exc))
    assert verdict.ok, verdict.findings


def test_hostile_sources_parse_without_errors() -> None:
    """None of these is unusable: each gives a book (errors are for unusable input)."""
    for name, text in SOURCES.items():
        assert not parse_text(text, f"{name}.md").failed, name
