"""Files that configure the tool (issue #18): ``--components``, ``--lexicon``
and ``--style`` are trusted to configure, but checked like input, with the
file and line of what is wrong; ``check`` is bounded."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import build

from a11ypress.cli import main

ARTICLE = "# Title\n\n![a cat](cat.png) sits.\n\n| a | b |\n|---|---|\n| cat | Image |\n"


@pytest.mark.parametrize(
    ("yaml", "line", "problem"),
    [
        ("note:\n  role: callout\nbadge:\n  role: heading\n  level: '3'\n", 3, "level must be"),
        ("badge:\n  role: heading\n  level: 9\n", 1, "level must be"),
        ("badge:\n  role: heading\n  level: true\n", 1, "level must be"),
        ("\n\ncard:\n  role: link-card\n  url: [a, b]\n", 3, "url must be the name of a prop"),
        ("tip:\n  role: callout\n  label: {x: 1}\n", 1, "label must be text"),
    ],
)
def test_components_values_are_type_checked(
    tmp_path: Path, yaml: str, line: int, problem: str
) -> None:
    """A wrong type (a level as text, a prop name as a list) was accepted and
    failed later as an internal error, or not at all."""
    vocab = tmp_path / "components.yaml"
    vocab.write_text(yaml)
    (tmp_path / "a.md").write_text(ARTICLE)
    res = CliRunner().invoke(main, ["inspect", "--components", str(vocab), str(tmp_path / "a.md")])
    assert res.exit_code == 2, res.output
    assert f"{vocab}:{line}: error: component " in res.stderr, res.stderr
    assert problem in res.stderr and "[bad-vocabulary]" in res.stderr


def test_lexicon_refuses_empty_keys(tmp_path: Path) -> None:
    lexicon = tmp_path / "lex.yaml"
    lexicon.write_text("en:\n  '': nothing\n  cat: kitty\n")
    (tmp_path / "a.md").write_text(ARTICLE)
    res = CliRunner().invoke(main, ["speech", "--lexicon", str(lexicon), str(tmp_path / "a.md")])
    assert res.exit_code == 1, res.output
    assert f"{lexicon}: error: an entry of 'en' has an empty written form" in res.stderr


def test_lexicon_cannot_rewrite_announcements(tmp_path: Path) -> None:
    """A lexicon entry "Image" rewrote the tool's own "Image:" (and "Row",
    "Table with"...); it still applies to the article's own words."""
    lexicon = tmp_path / "lex.yaml"
    lexicon.write_text("all:\n  Image: Picture\n  Row: Rho\n  Table: Desk\n  cat: kitty\n")
    (tmp_path / "a.md").write_text(ARTICLE)
    res = CliRunner().invoke(main, ["speech", "--lexicon", str(lexicon), str(tmp_path / "a.md")])
    assert res.exit_code == 0, res.output
    assert "(Image: a kitty.)" in res.stdout
    assert "Table with 2 columns" in res.stdout
    assert "Row 1: a: kitty; b: Picture." in res.stdout
    assert "Rho" not in res.stdout and "Desk" not in res.stdout
    assert "\ue000" not in res.stdout and "\ue001" not in res.stdout


EVIL_CSS = """@import url(https://evil.example/a.css);
@import "file:///etc/style.css";
body { background: url(file:///etc/passwd); color: black }
@font-face { font-family: X; src: url("https://evil.example/f.woff") }
@media print { p { background-image: url(x.png) } }
"""


def test_style_css_is_cleaned_like_print_style(tmp_path: Path) -> None:
    """EPUBCheck flagged the remote and file: URLs a --style sheet packed."""
    style = tmp_path / "evil.css"
    style.write_text(EVIL_CSS)
    (tmp_path / "a.md").write_text("# T\n\nText.\n")
    res = build(tmp_path / "a.md", "--style", style, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    assert res.stderr.count("[style-url-removed]") == 5
    with zipfile.ZipFile(tmp_path / "out" / "a.epub") as z:
        css = z.read("EPUB/styles/epub.css").decode()
    assert "url(" not in css and "@import" not in css and "evil" not in css
    assert "color: black" in css


def _zip_bomb(path: Path, size: int) -> None:
    """An EPUB-shaped zip whose one XHTML entry unpacks to ``size`` bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        info = zipfile.ZipInfo("EPUB/text/big.xhtml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            block = b" " * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)


def test_check_refuses_an_epub_that_unpacks_too_far(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 MB EPUB made Ace unpack 1 GiB and use 5.6 GB; now neither judge
    is started for it.  (The limit is lowered here from 256 MiB to 16 MiB so
    that making the bomb takes a second, not ten.)"""
    from a11ypress import judges

    assert judges.MAX_UNPACKED_BYTES == 256 << 20
    monkeypatch.setattr(judges, "MAX_UNPACKED_BYTES", 16 << 20)
    bomb = tmp_path / "bomb.epub"
    _zip_bomb(bomb, 20 << 20)
    assert bomb.stat().st_size < 1 << 20
    t0 = time.perf_counter()
    res = CliRunner().invoke(main, ["check", str(bomb)])
    assert time.perf_counter() - t0 < 10
    assert res.exit_code == 1, res.output
    assert f"{bomb}\tepubcheck\t1 finding(s)" in res.stdout
    assert "TOO-LARGE: not checked" in res.stderr
    assert f"{bomb}\tace\t1 finding(s)" in res.stdout or "Ace skipped" in res.stderr


def test_a_judge_that_never_answers_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A judge run has a time limit (300 s for Ace; 1 s here, with a stand-in
    Ace that never answers)."""
    from a11ypress import judges

    never = tmp_path / "ace"
    never.write_text("#!/bin/sh\nexec sleep 60\n")
    never.chmod(0o755)
    monkeypatch.setenv("A11YPRESS_ACE", str(never))
    monkeypatch.setenv("PUPPETEER_EXECUTABLE_PATH", "/bin/true")
    monkeypatch.setattr(judges, "ACE_SECONDS", 1)
    book = tmp_path / "a.epub"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
    t0 = time.perf_counter()
    verdict = judges.run_ace(book)
    assert time.perf_counter() - t0 < 10
    assert [f.code for f in verdict.findings] == ["TIMEOUT"]
