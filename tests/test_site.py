"""A Nuxt Content site as input (tests/data/site): order, skipping, parts,
internal links, the project config, the Python API and print image sizes."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from lxml import etree
from mutagen.id3 import ID3

import a11ypress
from a11ypress.cli import main
from a11ypress.judges import run_ace, run_epubcheck, run_pdfua
from a11ypress.site import discover, glob_regex, matches

SITE = Path(__file__).resolve().parent / "data" / "site"
XHTML = "{http://www.w3.org/1999/xhtml}"

#: Nuxt paths of the site's articles in reading order (drafts, partials,
#: hidden folders and navigation: false left out; the config excludes scratch*).
ROUTES = [
    "/",
    "/getting-started",
    "/getting-started/install",
    "/getting-started/configure",
    "/guide/writing",
    "/guide/advanced/deep",
    "/changelog",
]


def cli(*args: str | Path) -> tuple[int, str, str]:
    res = CliRunner().invoke(main, [str(a) for a in args])
    return res.exit_code, res.stdout, res.stderr


def test_order_and_skipped() -> None:
    site = discover(SITE)
    # Discovery keeps drafts, navigation: false and excluded names (the build drops them).
    assert [a.route for a in site.articles] == [
        *ROUTES[:4],
        "/getting-started/scratch-notes",
        *ROUTES[4:6],
        "/guide/advanced/draft-ideas",
        "/faq",
        "/changelog",
    ]
    assert site.public == SITE / "public"
    skipped = {Path(d.file or "").name: d.message for d in site.diagnostics}
    assert "partial" in skipped["_snippet.md"]
    assert "navigation: false" in skipped["3.internal"]
    titles = {a.route: [f.title for f in a.folders] for a in site.articles}
    assert titles["/guide/advanced/deep"] == ["The guide", "Advanced topics"]
    assert titles["/getting-started/install"] == ["Getting started"]


def test_globs() -> None:
    site = discover(SITE)
    pick = [glob_regex("guide/**")]
    assert [a.route for a in site.articles if matches(a, pick)] == [
        "/guide/writing",
        "/guide/advanced/deep",
        "/guide/advanced/draft-ideas",
    ]
    assert [a.rel for a in site.articles if matches(a, [glob_regex("*.md")])] == [
        "index.md",
        "4.faq.md",
        "5.changelog.md",
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site")
    code, stdout, stderr = cli(
        "build", SITE, "--to", "epub,pdf,audio", "-o", out, "--cache-dir", out / "cache"
    )
    assert code == 0, stderr
    assert stdout.split() == [str(out / f"field-guide.{e}") for e in ("epub", "pdf", "mp3")]
    return out, stderr


def _chapters(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {
            n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.endswith(".xhtml")
        }


def _nav_tree(ol: etree._Element) -> list[object]:
    out: list[object] = []
    for li in ol.findall(f"{XHTML}li"):
        a = li.find(f"{XHTML}a")
        sub = li.find(f"{XHTML}ol")
        assert a is not None
        out.append((a.text, _nav_tree(sub)) if sub is not None else a.text)
    return out


def test_skipped_are_info_lines(built: tuple[Path, str]) -> None:
    _, stderr = built
    for name, why in [
        ("_snippet.md", "partial"),
        ("draft-ideas.md", "draft"),
        ("3.internal", "navigation: false"),
        ("4.faq.md", "navigation: false"),
        ("scratch-notes.md", "--exclude"),
    ]:
        line = next(x for x in stderr.splitlines() if name in x)
        assert ": info: skipped: " in line and why in line


def test_epub_parts_order_and_internal_links(built: tuple[Path, str]) -> None:
    out, _ = built
    files = _chapters(out / "field-guide.epub")
    ol = files["nav.xhtml"].find(f".//{XHTML}nav/{XHTML}ol")
    assert ol is not None
    assert _nav_tree(ol) == [
        "Welcome to the field guide",
        ("Getting started", [("Install", ["Requirements", "Steps"]), ("Configure", ["Options"])]),
        ("The guide", ["Writing", ("Advanced topics", [("Deep", ["Going further"])])]),
        ("Changelog", ["Version 1"]),
    ]
    # The part with an index.md opens with it; the other parts get a title page.
    titles = [files[f"ch{i:03d}.xhtml"].findtext(f".//{XHTML}h1") for i in range(1, 10)]
    assert titles == [
        "Welcome to the field guide",
        "Before you begin",
        "Install",
        "Configure",
        "The guide",
        "Writing",
        "Advanced topics",
        "Deep",
        "Changelog",
    ]
    links = {}
    for name, root in files.items():
        for a in root.iter(f"{XHTML}a"):
            if a.get("class") == "chapter-link":
                links.setdefault(name, []).append(a.get("href"))
    assert links["ch001.xhtml"] == ["ch003.xhtml", "ch004.xhtml#c4-options", "ch006.xhtml"]
    assert links["ch002.xhtml"] == ["ch003.xhtml", "ch004.xhtml"]
    assert links["ch004.xhtml"] == [
        "ch003.xhtml#c3-requirements",
        "ch003.xhtml#c3-steps",
        "ch003.xhtml",
    ]
    assert links["ch006.xhtml"] == ["ch004.xhtml#c4-options", "ch008.xhtml"]
    assert links["ch009.xhtml"] == ["ch003.xhtml"]
    for hrefs in links.values():  # every one lands on an element that exists
        for href in hrefs:
            name, _, frag = href.partition("#")
            assert not frag or files[name].find(f".//*[@id='{frag}']") is not None
    # Other site-relative links are absolute (the config names the site's URL).
    outside = [a.get("href") for a in files["ch001.xhtml"].iter(f"{XHTML}a")]
    assert "https://guide.example.org/blog" in outside
    # Images from public/ are carried.
    img = files["ch003.xhtml"].find(f".//{XHTML}img")
    assert img is not None and img.get("alt") == "A plug going into a socket"


def _outline(items: list[pikepdf.OutlineItem]) -> list[object]:
    return [(i.title, _outline(i.children)) if i.children else i.title for i in items]


def test_pdf_bookmarks_toc_and_links(built: tuple[Path, str]) -> None:
    out, _ = built
    with pikepdf.open(out / "field-guide.pdf") as pdf:
        with pdf.open_outline() as o:
            tree = _outline(o.root)
        assert tree[0] == ("Field Guide", ["Contents"])
        assert tree[1:] == [
            "Welcome to the field guide",
            (
                "Getting started",
                [("Install", ["Requirements", "Steps"]), ("Configure", ["Options"])],
            ),
            ("The guide", ["Writing", ("Advanced topics", [("Deep", ["Going further"])])]),
            ("Changelog", ["Version 1"]),
        ]
        names = {str(k) for k in pdf.Root.Names.Dests.Names[::2]} if "/Names" in pdf.Root else set()
        internal = []
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                dest = annot.get("/Dest") or annot.get("/A", {}).get("/D")
                if dest is not None:
                    internal.append((str(dest), str(annot.get("/Contents", ""))))
        got = {c: d for d, c in internal}
        # Tagged internal links, described by their text, landing on the heading.
        assert got["requirements"] == "c4-install-requirements" or got["requirements"].endswith(
            "requirements"
        )
        assert got["options"].endswith("options")
        assert got["deep topics"].endswith("-article")
        assert got["install page"].endswith("-article")  # one annotation, inside its Link
        if names:
            assert all(d in names for d, _ in internal)


def test_audio_nested_chapters(built: tuple[Path, str]) -> None:
    out, _ = built
    tag = ID3(out / "field-guide.mp3")
    ctocs = {f.element_id: f for f in tag.getall("CTOC")}
    chaps = {f.element_id: str(f.sub_frames["TIT2"]) for f in tag.getall("CHAP")}

    def tree(ident: str) -> object:
        if ident in ctocs:
            kids = ctocs[ident].child_element_ids
            return (str(ctocs[ident].sub_frames["TIT2"]), [tree(k) for k in kids[1:]])
        return chaps[ident]

    top = [tree(k) for k in ctocs["toc"].child_element_ids]
    assert top == [
        "Welcome to the field guide",
        ("Getting started", [("Install", ["Requirements", "Steps"]), ("Configure", ["Options"])]),
        ("The guide", ["Writing", ("Advanced topics", [("Deep", ["Going further"])])]),
        ("Changelog", ["Version 1"]),
    ]


@pytest.mark.judge
def test_judges_clean(built: tuple[Path, str]) -> None:
    out, _ = built
    verdicts = [*run_epubcheck([out / "field-guide.epub"]), run_ace(out / "field-guide.epub")]
    verdicts.append(run_pdfua(out / "field-guide.pdf"))
    assert [(v.judge, v.findings) for v in verdicts if not v.ok] == []


def test_config_unknown_key(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "a11ypress.toml").write_text('title = "X"\n\n# a comment\ncolour = "red"\n')
    code, _, stderr = cli("build", site, "-o", tmp_path / "out")
    assert code == 2
    assert f"{site / 'a11ypress.toml'}:4: error: unknown option 'colour'" in stderr


def test_config_found_may_not_name_a_cluster(tmp_path: Path) -> None:
    """A site's own config is input: it may not send the build to a scheduler;
    the same file given with --config may (here: nothing listens, exit 4)."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    config = site / "a11ypress.toml"
    config.write_text(config.read_text() + 'cluster = "tcp://127.0.0.1:1"\n')
    line = len(config.read_text().splitlines())
    code, _, stderr = cli("build", site, "-o", tmp_path / "out")
    assert code == 2
    assert f"{config}:{line}: error: option 'cluster' is only taken from" in stderr
    assert "[config-not-chosen]" in stderr
    code, _, stderr = cli("build", site, "-o", tmp_path / "out", "--config", config)
    assert code == 4, stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in stderr


def test_config_from_pyproject_and_flags_win(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "a11ypress.toml").unlink()
    (site / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.a11ypress]\ntitle = "From pyproject"\n'
        'formats = "json"\ninclude = ["guide/**"]\nrate = 9000\n'
    )
    code, _, stderr = cli("build", site, "-o", tmp_path / "out")
    assert code == 2 and "pyproject.toml:8: error: option 'rate' must be between" in stderr
    text = (site / "pyproject.toml").read_text().replace("rate = 9000\n", "")
    (site / "pyproject.toml").write_text(text)
    code, stdout, stderr = cli("build", site, "-o", tmp_path / "out", "--digest", "Flag title")
    assert code == 0, stderr
    assert stdout.split() == [str(tmp_path / "out" / "flag-title.json")]
    data = (tmp_path / "out" / "flag-title.json").read_text()
    assert "Writing" in data and "Changelog" not in data  # include from the file


def test_each_article_and_sort_date(tmp_path: Path) -> None:
    code, stdout, stderr = cli(
        "build", SITE / "content", "--to", "json", "-o", tmp_path, "--include", "getting-started/**"
    )
    assert code == 0, stderr
    assert [Path(p).name for p in stdout.split()] == [
        "getting-started.json",
        "getting-started-install.json",
        "getting-started-configure.json",
        "getting-started-scratch-notes.json",  # content/ alone: the site's config is not read
    ]
    result = a11ypress.build(SITE, config=True, formats=["json"], out=tmp_path / "d", sort="title")
    assert result.ok and len(result.outputs) == 1
    text = result.outputs[0].read_text()
    # Inside each folder by title, its index.md first: Configure before Install.
    assert text.index('"Before you begin"') < text.index('"Configure"') < text.index('"Install"')
    assert result.internal_links == 12


def test_api(tmp_path: Path) -> None:
    result = a11ypress.build([SITE], formats="epub", out=tmp_path, title="API book")
    assert result.ok and result.outputs == [tmp_path / "api-book.epub"], result.diagnostics
    assert any(d.code == "skipped" for d in result.diagnostics)
    # Without config=True the site's a11ypress.toml is not read: scratch-notes.md is in.
    assert result.articles == 8 and result.internal_links == 12
    with pytest.raises(a11ypress.options.OptionsError, match="unknown option 'colour'"):
        a11ypress.build([SITE], colour="red")
    loaded = a11ypress.load(SITE / "content" / "5.changelog.md")
    assert loaded.document.metadata.title == "Changelog" and not loaded.failed


def test_broken_article_named_on_title_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / "content" / "2.guide" / "3.broken.md").write_bytes(b"# Broken\n\n\xff\xfe latin-1\n")
    code, _, stderr = cli("build", site, "-o", tmp_path / "out", "--to", "epub")
    assert code == 1
    assert "3.broken.md:3: error: not UTF-8" in stderr
    files = _chapters(tmp_path / "out" / "field-guide.epub")
    left = files["title.xhtml"].find(f".//{XHTML}p[@class='left-out']")
    assert left is not None and "2.guide/3.broken.md" in (left.text or "")


def _photo(path: Path, size: tuple[int, int], seed: int) -> None:
    from PIL import Image, ImageFilter

    noise = Image.effect_noise(size, 70 + seed).filter(ImageFilter.GaussianBlur(1.5))
    grad = Image.linear_gradient("L").resize(size)
    Image.merge("RGB", [noise, grad, noise.point(lambda v: 255 - v)]).save(path, quality=82)


def test_pdf_photos_jpeg_line_art_lossless(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    content, public = tmp_path / "content", tmp_path / "public"
    content.mkdir()
    public.mkdir()
    for i in range(3):
        _photo(public / f"p{i}.webp", (2400, 1600), i)
        (content / f"{i + 1}.post.md").write_text(f"# Post {i}\n\n![Photo {i}](/p{i}.webp)\n")
    shot = Image.new("RGB", (1800, 1100), "white")
    ImageDraw.Draw(shot).rectangle([100, 100, 1700, 1000], outline="navy", width=9)
    shot.save(public / "shot.png")
    (content / "4.shot.md").write_text("# Screen\n\n![A window outline](/shot.png)\n")
    result = a11ypress.build(tmp_path, formats="pdf", out=tmp_path / "out", title="Photos")
    assert result.ok
    pdf_path = result.outputs[0]
    source = sum(p.stat().st_size for p in public.iterdir())
    text = sum(p.stat().st_size for p in content.iterdir())
    assert pdf_path.stat().st_size <= 1.5 * (source + text)
    seen: dict[tuple[int, int], tuple[str, int]] = {}
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                seen[obj.objgen] = (str(obj.Filter), int(obj.Width))
    filters = list(seen.values())
    photos = [w for f, w in filters if f == "/DCTDecode"]
    assert len(photos) == 3 and all(w <= round(170 / 25.4 * 200) + 1 for w in photos)
    assert ("/FlateDecode", 1800) in filters  # the screenshot: lossless, full size


def test_links_with_the_sites_path_prefix(tmp_path: Path) -> None:
    content = tmp_path / "docs"
    content.mkdir()
    (content / "1.a.md").write_text(
        "# A\n\n[B](/docs/2.x/b#more), [C](/docs/2.x/c), [A](/docs/2.x/a)\n"
    )
    (content / "2.b.md").write_text("# B\n\n## More\n\nText.\n")
    (content / "3.c.md").write_text("# C\n\n[elsewhere](/blog/post)\n")
    result = a11ypress.build(content, formats="json", out=tmp_path / "out", title="P")
    assert result.internal_links == 3
    note = next(d for d in result.diagnostics if d.code == "base-path")
    assert "/docs/2.x/" in note.message
    result = a11ypress.build(
        content,
        formats="epub",
        out=tmp_path / "o2",
        title="P",
        base_path="/docs/2.x",
        site_url="https://x.org",
    )
    assert result.internal_links == 3
    assert not any(d.code == "base-path" for d in result.diagnostics)
    pages = _chapters(result.outputs[0])
    assert pages["ch001.xhtml"].find(f".//{XHTML}a[@href='ch002.xhtml#c2-more']") is not None
    assert pages["ch003.xhtml"].find(f".//{XHTML}a[@href='https://x.org/blog/post']") is not None


def test_epub_keeps_images_unless_too_large() -> None:
    from PIL import Image

    from a11ypress.export.images import ImageFile
    from a11ypress.export.printimages import READER_MAX_SIDE, for_reader

    def jpeg(size: tuple[int, int]) -> ImageFile:
        buf = io.BytesIO()
        Image.new("RGB", size, "teal").save(buf, "JPEG")
        return ImageFile(Path("x.jpg"), "image/jpeg", buf.getvalue())

    small = jpeg((1200, 800))
    assert for_reader(small) is small
    big = for_reader(jpeg((6000, 3000)))
    with Image.open(io.BytesIO(big.data)) as im:
        assert im.size == (READER_MAX_SIDE, READER_MAX_SIDE // 2) and im.format == "JPEG"


def test_api_prints_nothing_even_for_audio(tmp_path: Path) -> None:
    """The API shows no progress bar (the CLI does, unless -q): a script's
    stderr stays its own."""
    article = tmp_path / "a.md"
    article.write_text("# Quiet\n\nOne sentence to say.\n", encoding="utf-8")
    code = (
        "import sys, a11ypress\n"
        "if __name__ == '__main__':\n"
        f"    r = a11ypress.build([{str(article)!r}], formats=['audio'],"
        f" out={str(tmp_path / 'out')!r}, cache_dir={str(tmp_path / 'cache')!r})\n"
        "    sys.exit(0 if r.ok else 1)\n"
    )
    script = tmp_path / "script.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert (tmp_path / "out" / "a.mp3").stat().st_size > 0
