"""Tagged PDF export: the PDF/UA-1 checker, the structure tree, and the text."""

from __future__ import annotations

import itertools
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from a11ypress import model as m
from a11ypress.cli import main
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load, parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.images import find_image
from a11ypress.export.pdf import build_pdf, export_pdf
from a11ypress.judges import run_pdfua
from a11ypress.render.xhtml import NO_DESCRIPTION, known_alts
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes
from conftest import ASSETS, ROOT, SAMPLES, SEED, export_all
from pdftree import Node, structure

SYMBOLS = ROOT / "tests" / "data" / "symbols.md"
INPUTS = [*SAMPLES, SEED, SYMBOLS]


def _opts(*sources: Path, **kw: object) -> ExportOptions:
    return ExportOptions(assets=ASSETS, sources=sources, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every sample, the seed, a page of symbols and a digest of all, as PDFs."""
    return export_all(export_pdf, tmp_path_factory.mktemp("pdf"), ".pdf", INPUTS)


def _tree(path: Path) -> Node:
    return structure(path)[0]


def _expected_figures(path: Path) -> list[str]:
    """Alt texts of the article's images that are shown (found on disk) and
    not decorative, in reading order, by the model's rule for missing alt."""
    doc = load(path).document
    alts = known_alts(doc)
    out = []
    for node in iter_nodes(doc):
        if isinstance(node, m.Figure):
            continue
        if not isinstance(node, m.Image) or node.decorative:
            continue
        if isinstance(find_image(node.src, path, ASSETS), str):
            continue  # a placeholder, not a figure
        alt = node.alt if not node.alt_missing else alts.get(node.src) or NO_DESCRIPTION
        out.append(alt)
    return out


def _caption_for(doc: m.Document, img: m.Image) -> str:
    for node in iter_nodes(doc):
        if isinstance(node, m.Figure) and node.image is img:
            return plain_text(node.caption) if node.caption else ""
    return ""


# ---------------------------------------------------------------- the judge


@pytest.mark.judge
def test_pdfua_checker_finds_nothing(pdfs: dict[str, Path]) -> None:
    for name, path in pdfs.items():
        verdict = run_pdfua(path)
        assert verdict.ok, f"{name}: {verdict.findings}"
        assert verdict.data["rules_total"] == verdict.data["rules_passed"] > 100


@pytest.mark.judge
def test_pdfua_checker_is_a_real_judge(tmp_path: Path) -> None:
    """An untagged PDF of the same article is flagged, so a pass means something."""
    from weasyprint import HTML

    plain = tmp_path / "plain.pdf"
    HTML(string="<html><body><h1>T</h1><p>Text</p></body></html>").write_pdf(plain)
    assert not run_pdfua(plain).ok


# ---------------------------------------------------------------- structure


def test_headings_are_tagged_in_order(pdfs: dict[str, Path]) -> None:
    for path in SAMPLES:
        doc = load(path).document
        tags = [n.tag for n in _tree(pdfs[path.stem]).walk() if re.fullmatch(r"H[1-6]", n.tag)]
        assert tags[0] == "H1"
        assert tags.count("H1") == 1, path.name
        levels = [int(t[1]) for t in tags]
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), path.name
        body = [b for b in doc.children if isinstance(b, m.Heading)]
        assert len(tags) == len(body) + (0 if doc.title_in_body else 1), path.name


def test_every_figure_has_the_models_alt(pdfs: dict[str, Path]) -> None:
    for path in INPUTS:
        figures = [n for n in _tree(pdfs[path.stem]).walk() if n.tag == "Figure"]
        assert [f.alt for f in figures] == _expected_figures(path), path.name
        assert all(f.alt for f in figures)


def _drawn_images(path: Path) -> dict[str, int]:
    """How many images are drawn inside each kind of marked content."""
    counts: dict[str, int] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            stack: list[str] = []
            for ins in pikepdf.parse_content_stream(page):
                op = str(ins.operator)
                if op in ("BMC", "BDC"):
                    stack.append(str(ins.operands[0]))
                elif op == "EMC":
                    stack.pop()
                elif op == "Do":
                    key = stack[-1] if stack else "unmarked"
                    counts[key] = counts.get(key, 0) + 1
    return counts


def test_decorative_images_are_artifacts_not_figures(pdfs: dict[str, Path]) -> None:
    path = ROOT / "samples" / "images.md"
    doc = load(path).document
    decorative = [n for n in iter_nodes(doc) if isinstance(n, m.Image) and n.decorative]
    assert decorative, "the images sample has a decorative divider"
    drawn = _drawn_images(pdfs["images"])
    figures = [n for n in _tree(pdfs["images"]).walk() if n.tag == "Figure"]
    assert drawn.get("/Figure") == len(figures) == len(_expected_figures(path))
    assert drawn.get("/Artifact") == len(decorative)
    assert "unmarked" not in drawn


def test_captions_stay_beside_their_figure(pdfs: dict[str, Path]) -> None:
    tree = _tree(pdfs["images"])
    for node in tree.walk():
        tags = [k.tag for k in node.kids]
        if "Caption" in tags and "Figure" in tags:
            assert abs(tags.index("Caption") - tags.index("Figure")) == 1
            break
    else:
        pytest.fail("no Figure with its Caption in one element")


def test_language_of_passages(pdfs: dict[str, Path]) -> None:
    with pikepdf.open(pdfs["french"]) as pdf:
        assert str(pdf.Root.Lang) == "fr"
    langs = {n.lang for n in _tree(pdfs["french"]).walk() if n.lang}
    assert langs == {"en"}
    with pikepdf.open(pdfs["digest"]) as pdf:
        assert str(pdf.Root.Lang) == "en"
    assert "fr" in {n.lang for n in _tree(pdfs["digest"]).walk()}


def test_title_metadata_and_bookmarks(pdfs: dict[str, Path]) -> None:
    for path in INPUTS:
        doc = load(path).document
        with pikepdf.open(pdfs[path.stem]) as pdf:
            assert str(pdf.docinfo["/Title"]) == doc.metadata.title
            assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
            if doc.metadata.description:
                assert str(pdf.docinfo["/Subject"]) == doc.metadata.description
            if doc.metadata.keywords:
                assert str(pdf.docinfo["/Keywords"]) == ", ".join(doc.metadata.keywords)
            if doc.metadata.authors:
                assert str(pdf.docinfo["/Author"]) == ", ".join(
                    a.name for a in doc.metadata.authors
                )
            with pdf.open_outline() as outline:
                titles = [item.title for item in outline.root]
            assert titles and titles[0] == doc.metadata.title, path.name


def test_links_are_tagged_with_their_text(pdfs: dict[str, Path]) -> None:
    with pikepdf.open(pdfs["inline"]) as pdf:
        annots = [a for page in pdf.pages for a in page.get("/Annots", [])]
        links = [a for a in annots if a.get("/Subtype") == "/Link"]
        assert links
        assert all("/StructParent" in a for a in links)
    assert any(n.tag == "Link" for n in _tree(pdfs["inline"]).walk())


def test_digest_has_title_page_and_linked_contents(pdfs: dict[str, Path]) -> None:
    text = _text(pdfs["digest"], last=3)
    assert "All samples" in text
    assert "Contents" in text
    titles = [load(p).document.metadata.title or "" for p in INPUTS]
    for title in titles:
        # Each article is listed with a page number after a leader.
        first = title.split()[0]
        assert re.search(re.escape(first) + r".*?\. ?(\d+)\s*$", text, re.M | re.S), title
    with pikepdf.open(pdfs["digest"]) as pdf:
        internal = [
            a
            for page in pdf.pages[:3]
            for a in page.get("/Annots", [])
            if a.get("/Subtype") == "/Link" and "/Dest" in a
        ]
        described = {str(a.Contents) for a in internal}
    # Each contents entry links to its article; the annotation is described by
    # the entry's text, not by the target's id.
    assert len(internal) >= len(INPUTS)
    for title in titles:
        assert any(d.startswith(title) for d in described), title


# ---------------------------------------------------------------- text


def _text(path: Path, first: int = 1, last: int | None = None) -> str:
    args = ["pdftotext", "-layout", "-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _words(text: str) -> list[str]:
    """Lower-case words; a hyphen joins (pdftotext joins words broken at a
    hyphen at the end of a line)."""
    return re.findall(r"\w+", re.sub(r"[-\u2010\u00ad]\s*", "", text.lower()))


def _is_subsequence(needle: list[str], hay: list[str]) -> bool:
    it = iter(hay)
    return all(w in it for w in needle)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_text_in_reading_order_and_alt_not_visible(pdfs: dict[str, Path]) -> None:
    for path in SAMPLES:
        doc = load(path).document
        words = _words(
            subprocess.run(
                ["pdftotext", str(pdfs[path.stem]), "-"], capture_output=True, text=True
            ).stdout
        )
        paragraphs = [plain_text(n) for n in iter_nodes(doc) if isinstance(n, m.Paragraph)]
        expected = [w for p in paragraphs for w in _words(p)]
        assert _is_subsequence(expected, words), path.name
        flat = " ".join(words)
        for alt in _expected_figures(path):
            captions = [
                _caption_for(doc, n)
                for n in iter_nodes(doc)
                if isinstance(n, m.Image) and n.alt == alt
            ]
            if any(alt in c for c in captions):
                continue
            assert " ".join(_words(alt)) not in flat, (path.name, alt)


def test_missing_image_placeholder_shows_its_alt(pdfs: dict[str, Path]) -> None:
    text = " ".join(_words(_text(pdfs["images"])))
    doc = load(ROOT / "samples" / "images.md").document
    remote = [n for n in iter_nodes(doc) if isinstance(n, m.Image) and n.src.startswith("http")]
    assert remote
    for img in remote:
        assert "image " + " ".join(_words(img.alt)) in text


# ---------------------------------------------------------------- behaviour


def test_missing_glyphs_are_named_not_blank(tmp_path: Path) -> None:
    doc = parse_text("# Glyphs\n\nA private character \ue000 here.\n", "g.md").document
    sink = DiagnosticSink("g.md")
    out = tmp_path / "g.pdf"
    style = tmp_path / "s.css"
    style.write_text("p { colour: red; }\n")
    export_pdf(doc, out, ExportOptions(print_style=style), sink)
    assert any(d.code == "missing-glyphs" and "U+E000" in d.message for d in sink.items)
    # The second layout does not repeat what the first one reported.
    assert [d.code for d in sink.items].count("weasyprint") == 1, sink.items
    assert "[u+e000]" in _text(out)
    assert run_pdfua(out).ok


def test_nothing_but_own_images_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Remote images, a hostile print stylesheet and file: URLs are refused,
    and no socket is opened."""

    def no_socket(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", no_socket)
    style = tmp_path / "evil.css"
    style.write_text(
        '@import url("https://example.com/x.css");\n'
        'body { background: url("file:///etc/passwd"); }\n'
        'h1 { background: url("http://example.com/t.png"); }\n'
    )
    src = tmp_path / "a.md"
    src.write_text("# A\n\n![remote](https://example.com/r.png)\n\n<img src='/etc/x.png'>\n")
    sink = DiagnosticSink(str(src))
    export_pdf(
        load(src).document,
        tmp_path / "a.pdf",
        ExportOptions(print_style=style, sources=(src,)),
        sink,
    )
    refused = [d.message for d in sink.items if d.code == "pdf-fetch-refused"]
    assert any("example.com/x.css" in r for r in refused)
    assert any("/etc/passwd" in r for r in refused)
    assert (tmp_path / "a.pdf").stat().st_size > 1000


def test_weasyprint_problems_become_diagnostics(tmp_path: Path) -> None:
    style = tmp_path / "bad.css"
    style.write_text("p { colour: red; width: banana; }\n")
    sink = DiagnosticSink("x.md")
    build_pdf(parse_text("# T\n\nText.\n", "x.md").document, ExportOptions(print_style=style), sink)
    assert any(d.code == "weasyprint" for d in sink.items), sink.items


def test_same_input_same_bytes(tmp_path: Path) -> None:
    path = ROOT / "samples" / "images.md"
    doc = load(path).document
    one = build_pdf(doc, _opts(path), DiagnosticSink())
    two = build_pdf(load(path).document, _opts(path), DiagnosticSink())
    assert one == two


def test_paper_sizes() -> None:
    doc = parse_text("# T\n\nText.\n", "x.md").document
    import io

    for paper, size in (("a4", (595, 842)), ("letter", (612, 792))):
        data = build_pdf(doc, ExportOptions(paper=paper), DiagnosticSink())
        with pikepdf.open(io.BytesIO(data)) as pdf:
            box = [round(float(v)) for v in pdf.pages[0].MediaBox]
        assert tuple(box[2:]) == size


def test_running_header_and_page_numbers_are_artifacts(pdfs: dict[str, Path]) -> None:
    """Page 2 of the long read shows the title and "2 / N", inside /Artifact."""
    with pikepdf.open(pdfs["long-read"]) as pdf:
        instrs = list(pikepdf.parse_content_stream(pdf.pages[1]))
    depth, in_artifact, shown = 0, False, []
    for ins in instrs:
        op = str(ins.operator)
        if op in ("BMC", "BDC"):
            depth += 1
            if str(ins.operands[0]) == "/Artifact":
                in_artifact = True
        elif op == "EMC":
            depth -= 1
            in_artifact = False if depth == 0 else in_artifact
        elif op in ("Tj", "TJ") and in_artifact:
            shown.append(op)
    assert len(shown) >= 2  # the running title and the page number


def test_cli_builds_pdf_and_checks_it(tmp_path: Path) -> None:
    src = ROOT / "samples" / "callouts.md"
    runner = CliRunner()
    res = runner.invoke(
        main, ["build", str(src), "--to", "pdf", "-o", str(tmp_path), "--paper", "letter"]
    )
    assert res.exit_code == 0, res.output
    out = tmp_path / "callouts.pdf"
    assert out.exists()
    res = runner.invoke(main, ["check", str(out)])
    assert res.exit_code == 0
    assert res.stdout.strip() == f"{out}\tpdfua\tok"


def test_long_table_repeats_its_header_and_passes(tmp_path: Path) -> None:
    rows = "\n".join(f"| row {i} | {i * 3} | value {i} |" for i in range(120))
    text = (
        "# Long table\n\n| Name | Number | Note |\n|---|--:|---|\n" + rows + "\n\n"
        "A note[^1].\n\n[^1]: The note.\n\n- a\n  - b\n    1. c\n\n> quote\n> - in quote\n"
    )
    out = tmp_path / "t.pdf"
    export_pdf(parse_text(text, "t.md").document, out, ExportOptions(), DiagnosticSink())
    pages = _text(out).split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    assert all(re.search(r"^\s*Name\s+Number\s+Note", p, re.M) for p in pages if "row" in p)
    assert run_pdfua(out).ok
