"""The accessibility report: `a11ypress report` and `build --report`.

One build of the samples (every format, each article and their digest) is
shared by these tests; its report is written without the judges (they judge
the same books in test_epub.py and test_pdf.py).  A deliberately bad article
is built with `build --report`, which runs the judges.  axe-core, in Debian's
Chromium, must find no violation on either page at 1280 px and 400 px, and the
page must reflow at 400 px and at 200 % zoom; screenshots are kept in
A11YPRESS_SHOTS (or pytest's temporary folder) to be looked at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import html as lhtml

from a11ypress.cli import main
from a11ypress.report.manifest import MANIFEST_NAME
from conftest import ASSETS, ROOT, SAMPLES

NODE = ROOT / "tests" / "node"
BAD = ROOT / "tests" / "fixtures" / "report" / "bad.md"


def _run(args: list[str]) -> str:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples built like `make run` does, and their report (no judges)."""
    out = tmp_path_factory.mktemp("report-samples")
    common = ["--to", "epub,pdf,audio", "-o", str(out), "--assets", str(ASSETS), "-q"]
    _run(["build", *map(str, SAMPLES), *common])
    _run(["build", *map(str, SAMPLES), *common, "--digest", "a11ypress samples", "--sort", "date"])
    printed = _run(["report", str(out), "-o", str(out / "report.html"), "--no-judges", "-q"])
    assert printed.split() == [str(out / "report.html"), str(out / "report.json")]
    return out


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bad article built with --report (so with the judges, when installed)."""
    out = tmp_path_factory.mktemp("report-bad")
    res = CliRunner().invoke(
        main, ["build", str(BAD), "--to", "epub,pdf,audio", "-o", str(out), "--report", "-q"]
    )
    assert res.exit_code == 0, res.stderr
    assert str(out / "report.html") in res.stdout.split()
    return out


def _data(out: Path) -> dict[str, Any]:
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _page(out: Path) -> Any:
    return lhtml.fromstring((out / "report.html").read_bytes())


def _texts(elements: Any) -> list[str]:
    return [" ".join(e.text_content().split()) for e in elements]


def test_manifest_lists_every_book(samples: Path) -> None:
    books = json.loads((samples / MANIFEST_NAME).read_text("utf-8"))["books"]
    assert set(books) == {p.stem for p in SAMPLES} | {"a11ypress-samples"}
    digest = books["a11ypress-samples"]
    assert digest["digest"] and len(digest["articles"]) == len(SAMPLES)
    # every heading has its source line, but the titles a digest makes from front matter
    assert all(h["line"] or h["id"] == "title" for a in digest["articles"] for h in a["headings"])


def test_page_is_self_contained_and_structured(samples: Path, bad: Path) -> None:
    for out in (samples, bad):
        page = _page(out)
        assert len(page.findall(".//h1")) == 1
        for tag in ("header", "nav", "main", "footer"):
            assert len(page.findall(f".//{tag}")) == 1, tag
        assert not page.xpath("//link | //script[@src] | //iframe | //object")
        for img in page.iter("img"):
            assert img.get("src", "").startswith("data:image/")
        for audio in page.iter("audio"):
            assert (out / audio.get("src")).is_file()
        for table in page.iter("table"):
            assert table.find("caption") is not None
            assert all(th.get("scope") in ("col", "row") for th in table.iter("th"))
            assert table.getparent().get("tabindex") == "0"  # a scrolling region keys can reach


def test_json_matches_the_page(samples: Path, bad: Path) -> None:
    for out in (samples, bad):
        data, page = _data(out), _page(out)
        books = data["books"]
        rows = page.get_element_by_id("overview").xpath(".//tbody/tr")
        assert [" ".join(r[0].text_content().split()) for r in rows] == [
            b["title"] + (" (digest)" if b["digest"] else "") for b in books
        ]
        findings = [f for b in books for f in b["findings"]]
        if findings:
            rows = page.get_element_by_id("findings").xpath(".//tbody/tr")
            assert _texts(r[2] for r in rows) == [f["code"] for f in findings]
            assert _texts(r[3] for r in rows) == [" ".join(f["message"].split()) for f in findings]
        images = [i for b in books for i in b["images"]]
        rows = page.get_element_by_id("images").xpath("(.//table)[1]/tbody/tr")
        assert len(rows) == len(images)
        for row, img in zip(rows, images, strict=True):
            alt = " ".join(row[2].text_content().split())
            assert (
                alt.startswith(" ".join(img["alt"].split())) if img["alt"] else "decorative" in alt
            )
            if img["where"]["pdf_page"]:
                assert row[5].text_content() == str(img["where"]["pdf_page"])
        chapters = [c for b in books if b["audio"] for c in b["audio"]["chapters"]]
        buttons = page.xpath("//button[@class='seek']")
        assert [float(b.get("data-start")) for b in buttons] == [
            c["start_ms"] / 1000 for c in chapters
        ]
        links = [link for b in books for link in b["links"]]
        rows = page.get_element_by_id("links").xpath(".//tbody/tr")
        assert _texts(r[3] for r in rows) == [link["url"] for link in links]


def test_samples_report(samples: Path) -> None:
    data = _data(samples)
    assert data["notes"] == ["The judges were not run (--no-judges)."]
    by_stem = {b["stem"]: b for b in data["books"]}
    images = by_stem["images"]
    assert {c["format"]: c["claim"] for c in images["claims"]} == {
        "epub": "EPUB Accessibility 1.1 - WCAG 2.2 Level AA",
        "pdf": "PDF/UA-1",
        "audio": None,
    }
    chart = next(i for i in images["images"] if i["src"].endswith("chart.png"))
    assert chart["line"] == 32 and chart["lint"] == []
    assert chart["where"]["epub"].startswith("chapter 1 (ch001.xhtml)")
    assert chart["where"]["pdf_page"] and chart["where"]["audio_ms"]
    divider = next(i for i in images["images"] if i["decorative"])
    assert divider["where"]["pdf_page"] is None and divider["where"]["audio_ms"] is None
    digest = by_stem["a11ypress-samples"]
    assert digest["audio"]["id3_chapters"] == len(digest["audio"]["chapters"])
    assert [a["source"] for a in digest["articles"]] != []
    assert all(a["listening_ms"] for a in digest["articles"])
    long_read = by_stem["long-read"]
    assert long_read["reading_minutes"] > 10 and long_read["listening_ms"] > 10 * 60_000
    assert any(link["kind"] == "unresolved" for b in data["books"] for link in b["links"])


def test_bad_build_report(bad: Path) -> None:
    data = _data(bad)
    (book,) = data["books"]
    claims = {c["format"]: c for c in book["claims"]}
    assert claims["epub"]["claim"] is None and "missing-alt" in claims["epub"]["reason"]
    lint = {(p["rule"], i["line"]) for i in book["images"] for p in i["lint"]}
    assert lint == {
        ("missing-alt", 15),
        ("alt-file-name", 18),
        ("alt-redundant-prefix", 22),
        ("alt-empty-informative", 24),
        ("alt-repeats-caption", 27),
        ("alt-duplicate", 30),
        ("alt-too-long", 36),
        ("alt-empty-informative", 44),
    }
    codes = [f["code"] for f in book["findings"] if f["origin"] == "build"]
    assert "image-missing" in codes and "dangling-link" in codes
    where = {f["code"]: f for f in book["findings"]}
    assert where["alt-file-name"]["excerpt"] == "![chart.png](chart.png)"
    kinds = {(link["url"], link["kind"]) for link in book["links"]}
    assert ("/not/on/any/site", "unresolved") in kinds
    assert ("#no-such-heading", "unresolved") in kinds
    assert ("https://example.org/guide", "external") in kinds
    page = _page(bad)
    source = page.xpath("//section[@id='findings']//tbody/tr/td[4]/a")[0]
    assert (bad / source.get("href")).resolve() == BAD.resolve()
    judges = {v["judge"] for v in book["verdicts"]}
    notes = " ".join(data["notes"])
    assert "epubcheck" in judges or "EPUBCheck" in notes
    assert "ace" in judges or "Ace" in notes


@pytest.mark.judge
def test_axe_finds_nothing_and_the_page_works_by_keyboard(
    samples: Path, bad: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium")
    if chromium is None or not (NODE / "node_modules" / "axe-core").is_dir():
        pytest.skip("needs Chromium and tests/node (scripts/setup.sh --dev)")
    shots = Path(os.environ.get("A11YPRESS_SHOTS") or tmp_path_factory.mktemp("report-shots"))
    config = tmp_path_factory.mktemp("axe") / "config.json"
    pages = [
        {"file": str(samples / "report.html"), "shots": str(shots / "samples")},
        {"file": str(bad / "report.html"), "shots": str(shots / "bad")},
    ]
    config.write_text(json.dumps({"chromium": chromium, "pages": pages}))
    proc = subprocess.run(
        ["node", str(NODE / "axe-report.mjs"), str(config)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)["pages"]
    for r in results:
        assert r["violations"] == [], r["file"]
        checks = r["checks"]
        assert checks["overflow_400"] <= 0 and checks["overflow_zoom200"] <= 0, checks
        assert checks["first_tab"]["text"] == "Skip to the report"
        assert checks["first_tab"]["outline"] != "none" and checks["first_tab"]["width"] >= 2
        assert checks["sort"]["aria_sort"] == "ascending"
        assert checks["sort"]["status"].startswith("Sorted by")
        seek = checks["seek"]
        assert seek["error"] is None and abs(seek["current"] - seek["start"]) < 5, seek
        assert len(r["shots"]) >= 4 and all(Path(s).stat().st_size > 1000 for s in r["shots"])
    print("screenshots:", shots)


def test_report_never_overwrites_an_input(tmp_path: Path) -> None:
    src = tmp_path / "post.md"
    src.write_text("# Post\n\nText.\n")
    _run(["build", str(src), "--to", "json", "-o", str(tmp_path), "-q"])
    before = src.read_bytes()
    res = CliRunner().invoke(main, ["report", str(tmp_path), "-o", str(src), "--no-judges"])
    assert res.exit_code == 2 and "would-overwrite-input" in res.stderr
    assert src.read_bytes() == before


def test_report_of_a_folder_without_a_manifest_says_so(tmp_path: Path) -> None:
    _run(["report", str(tmp_path), "--no-judges", "-q"])
    data = _data(tmp_path)
    assert data["books"] == [] and "No build manifest" in data["notes"][0]
    assert len(_page(tmp_path).findall(".//h1")) == 1


def _pikepdf_figures(pikepdf: Any, pdf: Any) -> list[tuple[str, int | None]]:
    """(alt, page) of every Figure of the structure tree, as pikepdf reads it."""
    pages = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    figures: list[tuple[str, int | None]] = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        e = stack.pop(0)
        if e.get("/S") == "/Figure":
            pg = e.get("/Pg")
            figures.append((str(e.get("/Alt", "")), pages.get(pg.objgen) if pg else None))
        kids = e.get("/K")
        found = kids if isinstance(kids, pikepdf.Array) else [kids]
        stack[:0] = [k for k in found if isinstance(k, pikepdf.Dictionary)]
    return figures


def test_pdf_reader_agrees_with_pikepdf(samples: Path, bad: Path) -> None:
    """The report's small PDF reader finds the same pages and Figures as pikepdf."""
    pikepdf = pytest.importorskip("pikepdf")
    from a11ypress.report.pdfread import read_pdf

    for pdf_path in [*sorted(samples.glob("*.pdf")), bad / "bad.pdf"]:
        facts = read_pdf(pdf_path.read_bytes())
        with pikepdf.open(pdf_path) as pdf:
            assert facts.pages == len(pdf.pages), pdf_path.name
            assert facts.figures == _pikepdf_figures(pikepdf, pdf), pdf_path.name
        assert facts.pdfua, pdf_path.name
