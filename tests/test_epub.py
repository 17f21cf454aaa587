"""EPUB export: real judges (EPUBCheck 5.3, Ace by DAISY) and the XHTML itself."""

from __future__ import annotations

import itertools
import os
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from a11ypress import model as m
from a11ypress.cli import main
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load, parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.epub import build_epub, export_epub
from a11ypress.export.images import find_image
from a11ypress.judges import run_ace, run_epubcheck
from a11ypress.render.xhtml import NO_DESCRIPTION, known_alts
from a11ypress.transforms.walk import iter_nodes
from conftest import ASSETS, ROOT, SAMPLES, SEED, export_all

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
INPUTS = [*SAMPLES, SEED]


def _opts(*sources: Path) -> ExportOptions:
    return ExportOptions(assets=ASSETS, sources=sources)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every sample, the seed, and a digest of all of them, as EPUB files."""
    return export_all(export_epub, tmp_path_factory.mktemp("epub"), ".epub", INPUTS)


def _xhtml(book: Path, name: str = "EPUB/text/ch001.xhtml") -> etree._Element:
    with zipfile.ZipFile(book) as z:
        return etree.fromstring(z.read(name))


@pytest.mark.judge
def test_epubcheck_finds_nothing(books: dict[str, Path]) -> None:
    verdicts = run_epubcheck(list(books.values()))
    assert len(verdicts) == len(books)
    for v in verdicts:
        assert v.ok, f"{v.path.name}: {v.findings}"


@pytest.mark.judge
def test_epubcheck_is_a_real_judge(tmp_path: Path) -> None:
    """A broken book is flagged, so a clean verdict above means something."""
    good = tmp_path / "good.epub"
    export_epub(
        parse_text("# T\n\nText.\n", "t.md").document, good, ExportOptions(), DiagnosticSink()
    )
    bad = tmp_path / "bad.epub"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("ch001.xhtml"):
                data = data.replace(b"</section>", b"<p>unclosed</section>")
            dst.writestr(info, data)
    (verdict,) = run_epubcheck([bad])
    assert not verdict.ok


def _expected_alts(path: Path) -> list[str]:
    """Alt texts of the images the book shows, from the model."""
    doc = load(path).document
    alts = known_alts(doc)
    out: list[str] = []
    for node in iter_nodes(doc.children):
        if isinstance(node, m.Image) and not isinstance(find_image(node.src, path, ASSETS), str):
            out.append(node.alt if not node.alt_missing else alts.get(node.src, NO_DESCRIPTION))
    cover = doc.metadata.cover
    if cover is not None and not isinstance(find_image(cover.src, path, ASSETS), str):
        out.append(cover.alt or f"Cover of {doc.metadata.title}")
    return sorted(out)


@pytest.mark.judge
def test_ace_finds_no_violations_and_sees_the_model_images(books: dict[str, Path]) -> None:
    for name, book in books.items():
        verdict = run_ace(book)
        assert verdict.ok, f"{name}: {verdict.findings}"
        if name == "digest":
            continue
        images = verdict.data["images"]
        assert isinstance(images, list)
        got = sorted(str(i.get("alt") or "") for i in images)
        source = next(p for p in INPUTS if p.stem == name)
        assert got == _expected_alts(source), name


def test_images_sample_alt_texts(books: dict[str, Path]) -> None:
    root = _xhtml(books["images"])
    imgs = root.findall(".//h:img", NS)
    alts = [i.get("alt") for i in imgs]
    assert any(a and a.startswith("Bar chart of monthly harvest") for a in alts)
    decorative = [i for i in imgs if i.get("role") == "presentation"]
    assert decorative and all(i.get("alt") == "" for i in decorative)
    # the element-img without alt borrows the alt given for the same photo
    assert "Raised garden beds under a bright sun" in alts
    # the remote image is not fetched: a placeholder carries its alt text
    ph = root.findall(".//h:span[@class='image-placeholder']", NS)
    assert ph and all(p.text and p.text.startswith("[Image") for p in ph)


def test_outline_has_one_h1_and_no_skipped_levels(books: dict[str, Path]) -> None:
    for name, book in books.items():
        with zipfile.ZipFile(book) as z:
            chapters = [n for n in z.namelist() if n.startswith("EPUB/text/ch")]
            for ch in chapters:
                root = etree.fromstring(z.read(ch))
                levels = [
                    int(e.tag[-1])
                    for e in root.iter()
                    if isinstance(e.tag, str)
                    and e.tag[-2:-1] == "h"
                    and e.tag[-1].isdigit()
                    and e.tag.startswith("{")
                ]
                assert levels and levels[0] == 1 and levels.count(1) == 1, (name, ch, levels)
                for a, b in itertools.pairwise(levels):
                    assert b <= a + 1, (name, ch, levels)


def test_language_on_root_and_passages(books: dict[str, Path]) -> None:
    root = _xhtml(books["french"])
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert root.get("lang") == "fr" and root.get(xml_lang) == "fr"
    english = [e for e in root.iter() if e.get("lang") == "en"]
    assert english and all(e.get(xml_lang) == "en" for e in english)
    assert {etree.QName(e).localname for e in english} >= {"span", "p"}


def test_epub_types_are_paired_with_roles(books: dict[str, Path]) -> None:
    pairs = {
        "chapter": "doc-chapter",
        "tip": "doc-tip",
        "noteref": "doc-noteref",
        "footnote": "doc-footnote",
        "toc": "doc-toc",
    }
    seen = Counter()
    for book in books.values():
        with zipfile.ZipFile(book) as z:
            for n in z.namelist():
                if not n.endswith(".xhtml"):
                    continue
                for e in etree.fromstring(z.read(n)).iter():
                    t = e.get(f"{{{NS['epub']}}}type")
                    if (t in pairs and etree.QName(e).localname != "a") or t == "noteref":
                        assert e.get("role") == pairs[t], (n, t)
                        seen[t] += 1
    assert seen["chapter"] and seen["toc"] and seen["tip"] and seen["noteref"]


def test_nav_is_nested(books: dict[str, Path]) -> None:
    nav = _xhtml(books["digest"], "EPUB/nav.xhtml")
    toc = nav.find(".//h:nav[@role='doc-toc']", NS)
    assert toc is not None
    top = toc.findall("h:ol/h:li", NS)
    assert len(top) == len(INPUTS)
    assert any(li.find("h:ol/h:li", NS) is not None for li in top)


def test_landmarks_and_cover(books: dict[str, Path]) -> None:
    nav = _xhtml(books["images"], "EPUB/nav.xhtml")
    marks = {
        a.get(f"{{{NS['epub']}}}type"): a.get("href")
        for a in nav.findall(".//h:nav[@id='landmarks']//h:a", NS)
    }
    assert marks["toc"] == "nav.xhtml#toc"
    assert marks["bodymatter"] == "text/ch001.xhtml"
    assert marks["cover"] == "text/title.xhtml#cover"
    with zipfile.ZipFile(books["images"]) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert 'properties="cover-image"' in opf
    assert "cover" not in {
        a.get(f"{{{NS['epub']}}}type")
        for a in _xhtml(books["inline"], "EPUB/nav.xhtml").iter(f"{{{NS['h']}}}a")
    }


def test_accessibility_metadata_is_true(books: dict[str, Path]) -> None:
    def metas(book: Path) -> list[tuple[str, str]]:
        with zipfile.ZipFile(book) as z:
            opf = etree.fromstring(z.read("EPUB/content.opf"))
        return [
            (e.get("property") or "", e.text or "")
            for e in opf.iter("{http://www.idpf.org/2007/opf}meta")
        ]

    inline = metas(books["inline"])
    assert ("schema:accessMode", "textual") in inline
    assert ("schema:accessMode", "visual") not in inline
    assert ("schema:accessibilityHazard", "none") in inline
    assert any(p == "dcterms:conformsTo" for p, _ in inline)
    images = metas(books["images"])
    assert ("schema:accessMode", "visual") in images
    assert ("schema:accessibilityFeature", "alternativeText") in images
    summary = dict(images)["schema:accessibilitySummary"]
    assert "text alternative" in summary


def test_missing_alt_withdraws_the_claims(tmp_path: Path) -> None:
    img = ROOT / "samples" / "images" / "chart.png"
    src = tmp_path / "a.md"
    (tmp_path / "chart.png").write_bytes(img.read_bytes())
    src.write_text('# T\n\n::element-img{src="chart.png"}\n::\n')
    sink = DiagnosticSink(str(src))
    loaded = load(src)
    assert [d.code for d in loaded.diagnostics] == ["missing-alt"]  # once, at load
    data = build_epub(loaded.document, ExportOptions(sources=(src,)), sink)
    assert not any(d.code == "missing-alt" for d in sink.items)
    (tmp_path / "b.epub").write_bytes(data)
    with zipfile.ZipFile(tmp_path / "b.epub") as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "dcterms:conformsTo" not in opf
    assert "alternativeText" not in opf


def test_reproducible_and_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in INPUTS:
        first = build_epub(load(path).document, _opts(path), DiagnosticSink())
        again = build_epub(load(path).document, _opts(path), DiagnosticSink())
        assert first == again, path.name
    doc = load(SAMPLES[0]).document
    a = build_epub(doc, _opts(SAMPLES[0]), DiagnosticSink())
    monkeypatch.setitem(os.environ, "SOURCE_DATE_EPOCH", "1700000000")
    c = build_epub(doc, _opts(SAMPLES[0]), DiagnosticSink())
    assert c != a
    assert b"2023-11-14T22:13:20Z" in zipfile.ZipFile(__import__("io").BytesIO(c)).read(
        "EPUB/content.opf"
    )


def test_raw_html_is_made_safe(tmp_path: Path) -> None:
    src = (
        '# T\n\n<div onclick="x()"><script>alert(1)</script><p>Kept <b>bold</b> '
        '<a href="javascript:evil()">link</a></p><iframe src="https://e.org"></iframe>'
        "</div>\n\nPress <kbd>Ctrl</kbd> <img src=x onerror=y>.\n"
    )
    data = build_epub(parse_text(src, "t.md").document, ExportOptions(), DiagnosticSink())
    (tmp_path / "t.epub").write_bytes(data)
    xhtml = zipfile.ZipFile(tmp_path / "t.epub").read("EPUB/text/ch001.xhtml")
    root = etree.fromstring(xhtml)  # well-formed
    text = xhtml.decode()
    assert "script" not in text and "onclick" not in text and "javascript:" not in text
    assert "iframe" not in text and "onerror" not in text
    assert root.find(".//h:b", NS) is not None and root.find(".//h:kbd", NS) is not None


def test_images_never_escape_their_root(tmp_path: Path) -> None:
    (tmp_path / "art").mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes((ROOT / "samples" / "images" / "chart.png").read_bytes())
    article = tmp_path / "art" / "a.md"
    assert find_image("../secret.png", article, None) == "outside"
    assert find_image("/../secret.png", article, tmp_path / "art") == "outside"
    assert find_image("https://example.com/x.png", article, None) == "remote"
    assert find_image("missing.png", article, None) == "missing"


def test_stylesheet_respects_reader_settings() -> None:
    css = (ROOT / "src" / "a11ypress" / "css" / "epub.css").read_text()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"(?<![-\w])(color|background(-color)?)\s*:", rules)
    assert "font-family" not in rules.replace("font-family: monospace", "")
    assert not re.search(r"font-size:\s*[\d.]+(px|pt)", rules)


@pytest.mark.judge
def test_check_command_reports_judges(books: dict[str, Path], tmp_path: Path) -> None:
    good = CliRunner().invoke(main, ["check", "--no-ace", str(books["inline"])])
    assert good.exit_code == 0, good.stderr
    assert good.stdout.strip() == f"{books['inline']}\tepubcheck\tok"
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK not really a zip")
    bad = CliRunner().invoke(main, ["check", "--no-ace", str(broken)])
    assert bad.exit_code == 1
    assert "epubcheck" in bad.stderr
