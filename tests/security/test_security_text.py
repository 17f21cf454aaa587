"""Text: bytes that are not UTF-8, control characters, bidi and combining
characters, very long words and lines."""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest
from hostile import bounded, build
from lxml import etree

from a11ypress.document import parse_text
from a11ypress.xmlchars import INVALID_XML


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"# T\n\nok\n\ncaf\xe9 latin-1\n", 5),
        (b"\xff\xfe#\x00 \x00T\x00", 1),  # UTF-16 with a BOM
        (b"# T\n\n\xc0\xaf overlong slash\n", 3),
        (b"# T\n\n\xed\xa0\x80 encoded surrogate\n", 3),
    ],
    ids=["latin-1", "utf-16", "overlong", "surrogate"],
)
def test_not_utf8_names_file_and_line(tmp_path: Path, data: bytes, line: int) -> None:
    article = tmp_path / "bytes.md"
    article.write_bytes(data)
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert f"{article}:{line}: error: not UTF-8 text" in res.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
DIRTY = (
    '---\ntitle: "Title\\x01 with \\x1b control"\ndescription: "d\\x00"\n---\n'
    f"# Heading{CONTROL}\n\nPara\x00graph with NUL\x07 and \ufffe\uffff.\n\n"
    f"`code\x01`\n\n```\nblock\x02\n```\n\n"
    f"| a\x03 | b |\n|---|---|\n| c\x04 | d |\n\n"
    f'[link\x05](https://example.org/\x06 "title\x07")\n\n'
    f"![alt\x08](missing.png)\n\n"
    f'::note{{title="t\x0b"}}\nin\x0c note\n::\n\n'
    f'<p title="x\x0e">raw\x0f</p>\n'
)


def test_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    loaded = parse_text(DIRTY, "ctl.md")
    d = next(d for d in loaded.diagnostics if d.code == "control-characters")
    assert d.format().startswith("ctl.md:5: warning:")
    article = tmp_path / "ctl.md"
    article.write_text(DIRTY)
    res = build(article, "--to", "epub,json", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    with zipfile.ZipFile(tmp_path / "out" / "ctl.epub") as z:
        for name in z.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                text = z.read(name).decode("utf-8")
                assert not INVALID_XML.search(text), name
                etree.fromstring(z.read(name))  # well-formed
        chapter = z.read("EPUB/text/ch001.xhtml").decode()
    assert "Paragraph with NUL and ." in chapter
    assert "Title with  control" in (tmp_path / "out" / "ctl.json").read_text()


def test_lone_surrogates_from_the_library_api_are_removed() -> None:
    loaded = parse_text("# T\n\nbad \ud800 half\n", "s.md")
    assert "bad  half" in str(loaded.document)
    assert any(d.code == "control-characters" for d in loaded.diagnostics)


BIDI = (
    "---\ntitle: שלום עולם\nlang: he\n---\n"
    "# שלום עולם\n\nمرحبا بالعالم، هذا نص عربي.\n\n"
    "Mixed: abc \u202eevil\u202c def \u2067isolate\u2069 \u200f.\n\n"
    "Combining: e\u0301\u0301\u0301\u0301\u0301 Z\u0336\u0334\u0337a\u0362\u0361lgo"
    + "\u0300" * 500
    + " Hangul \u1100\u1161\u11a8 and emoji 👩🏽‍💻.\n"
)


def test_bidi_and_combining_characters_survive(tmp_path: Path) -> None:
    article = tmp_path / "bidi.md"
    article.write_text(BIDI)
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    with zipfile.ZipFile(tmp_path / "out" / "bidi.epub") as z:
        chapter = z.read("EPUB/text/ch001.xhtml").decode()
    root = etree.fromstring(chapter.encode())
    assert root.get("lang") == "he"
    text = "".join(root.itertext())
    for piece in ("مرحبا بالعالم", "\u202eevil\u202c", "\u2067isolate\u2069", "👩🏽‍💻"):
        assert piece in text
    assert text.count("\u0300") == 500  # not normalised, not cut
    assert "e\u0301\u0301\u0301\u0301\u0301" in unicodedata.normalize("NFD", text)


def test_very_long_words_and_lines_are_bounded(tmp_path: Path) -> None:
    word = "a" * 2_000_000
    line = " ".join(["word"] * 400_000)  # one 2 MB line
    article = tmp_path / "long.md"
    article.write_text(f"# Long\n\n{word}\n\n{line}\n\n`{'c' * 1_000_000}`\n")
    code = f"""
from pathlib import Path
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load
from a11ypress.export import ExportOptions
from a11ypress.export.epub import build_epub
loaded = load(Path({str(article)!r}))
result["book"] = len(build_epub(loaded.document, ExportOptions(), DiagnosticSink()))
"""
    r = bounded(code)
    assert r["book"] > 0
    assert r["seconds"] < 60 and r["rss_mb"] < 1500, r
