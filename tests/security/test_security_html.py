"""Raw HTML, links and SVG images: everything active or external is neutralised.

The books written here are also judged by EPUBCheck and Ace in
test_security_judges.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hostile import DATA, build
from lxml import etree

from a11ypress.export.images import find_image
from a11ypress.export.safesvg import sanitize_svg
from a11ypress.render.safehtml import safe_href

HOSTILE_HTML = DATA / "hostile-html.md"
#: What must never reach a book, in any file of it.
ACTIVE = (
    rb"<(?:script|iframe|object|embed|form|input|button|base|meta http|foreignObject)\b"
    rb"|\son[a-z]+\s*="
    rb"|(?:href|src)\s*=\s*[\"']?\s*(?:javascript|vbscript|data|file):"
    rb"|evil\.example"
)
FORBIDDEN = re.compile(ACTIVE + rb"|<(?:style|svg|math)\b", re.I)
#: SVG images may keep <svg> and <style>, nothing else of the above.
SVG_FORBIDDEN = re.compile(ACTIVE, re.I)

EVIL_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="20" height="20" onload="alert(1)">
  <title>a red square</title>
  <script>alert("svg")</script>
  <style>@import url(https://evil.example/a.css);
    rect { fill: url(https://evil.example/p.svg#p) }</style>
  <style>rect { stroke: blue }</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>
  <rect width="20" height="20" fill="url(#g)" onclick="steal()" style="filter:url(https://evil.example/f)"/>
  <use xlink:href="https://evil.example/sprite.svg#icon"/>
  <use href="#g"/>
  <image href="https://evil.example/i.png" width="5" height="5"/>
  <image xlink:href="file:///etc/passwd" width="5" height="5"/>
  <a xlink:href="javascript:alert(1)"><text x="1" y="10">hi</text></a>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example/"/></div></foreignObject>
  <set attributeName="href" to="javascript:alert(1)"/>
</svg>
"""
XXE_SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;&b;</text></svg>
"""


def _book_bytes(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_hostile_raw_html_is_neutralised(tmp_path: Path) -> None:
    res = build(HOSTILE_HTML, "-o", tmp_path)
    assert res.exit_code == 0, res.stderr
    files = _book_bytes(tmp_path / "hostile-html.epub")
    for name, data in files.items():
        found = FORBIDDEN.search(data)
        assert found is None, (name, found.group() if found else None)
    chapter = etree.fromstring(files["EPUB/text/ch001.xhtml"])
    text = "".join(chapter.itertext())
    for kept in (
        "Paragraph with event handlers.",
        "Div with a remote style.",
        "javascript link",
        "A normal link",
        "span text",
        "Component with hostile props.",
        "Last paragraph.",
        "[Image: tracking pixel]",  # a raw <img> is not fetched; its alt text is shown
    ):
        assert kept in text, kept
    for gone in ('alert("svg")', "inline()", "a comment with", "@import"):
        assert gone not in text, gone
    hrefs = [a.get("href") for a in chapter.iter("{*}a") if a.get("href")]
    assert all(h.startswith(("https://", "#")) for h in hrefs), hrefs


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox",
        "data:text/html;base64,AAAA",
        "file:///etc/passwd",
        "FILE://host/share",
    ],
)
def test_safe_href_blocks_active_and_local_urls(url: str) -> None:
    assert safe_href(url) == "#"


def test_safe_href_keeps_web_links() -> None:
    assert safe_href(" https://example.org/a?b#c ") == "https://example.org/a?b#c"


def test_svg_image_is_cleaned(tmp_path: Path) -> None:
    (tmp_path / "evil.svg").write_bytes(EVIL_SVG)
    article = tmp_path / "svg.md"
    article.write_text("# SVG\n\n![a red square](evil.svg)\n")
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    files = _book_bytes(tmp_path / "out" / "svg.epub")
    svgs = [data for name, data in files.items() if name.endswith(".svg")]
    assert len(svgs) == 1
    svg = svgs[0]
    assert SVG_FORBIDDEN.search(svg) is None, svg
    for gone in (b"onload", b"onclick", b"foreignObject", b"@import", b"<set", b"xlink:href="):
        assert gone not in svg, gone
    root = etree.fromstring(svg)
    assert root.find("{*}title").text == "a red square"
    assert b'fill="url(#g)"' in svg and b'href="#g"' in svg and b"stroke: blue" in svg


def test_svg_with_entities_is_refused() -> None:
    assert sanitize_svg(XXE_SVG) is None


def test_svg_with_entities_is_not_embedded(tmp_path: Path) -> None:
    (tmp_path / "xxe.svg").write_bytes(XXE_SVG)
    found = find_image("xxe.svg", tmp_path / "a.md", None)
    assert found == "unsupported"
    article = tmp_path / "xxe.md"
    article.write_text("# XXE\n\n![entity attack](xxe.svg)\n")
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0
    assert "xxe.md:3: warning: not an image format that can be embedded" in res.stderr
    files = _book_bytes(tmp_path / "out" / "xxe.epub")
    assert not [n for n in files if n.endswith(".svg")]
    assert b"root:" not in b"".join(files.values())


@pytest.mark.parametrize(
    "data",
    [b"<svg", b"<svg xmlns='http://www.w3.org/2000/svg'><a></svg>", b"<svg>no namespace</svg>"],
)
def test_broken_svg_is_refused(data: bytes) -> None:
    assert sanitize_svg(data) is None


def test_links_to_missing_fragments_become_text(tmp_path: Path) -> None:
    """Found by the property test: EPUBCheck RSC-012 on [x](#nowhere)."""
    article = tmp_path / "frag.md"
    article.write_text("# Frag\n\n## Here\n\n[dangling](#nowhere) and [fine](#here).\n")
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0
    assert "warning: no heading or element has the id #nowhere; shown as text" in res.stderr
    chapter = _book_bytes(tmp_path / "out" / "frag.epub")["EPUB/text/ch001.xhtml"]
    assert b'<span class="link-unresolved" title="#nowhere">dangling</span>' in chapter
    assert b'<a href="#here">fine</a>' in chapter
