"""Structure: deep nesting, unclosed constructs, empty and huge articles.

Every case ends in a diagnostic (with file and line where one applies) and,
where an output is still possible, a valid book; none raises, none runs
unbounded.  The books are validated by EPUBCheck in test_security_judges.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hostile import NESTED_KINDS, bounded, build
from lxml import etree

from a11ypress.document import MAX_ARTICLE_BYTES, load, parse_text
from a11ypress.serialize import to_json

DEPTH = {"components-colons": 1000}  # quadratic in size: 1000 levels is 0.5 MB


@pytest.mark.parametrize("kind", NESTED_KINDS)
def test_deep_nesting_is_bounded_and_loses_no_text(kind: str) -> None:
    depth = DEPTH.get(kind, 10_000)
    code = f"""
from hostile import nested
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.epub import build_epub
from a11ypress.serialize import to_json
loaded = parse_text(nested({kind!r}, {depth}), "deep.md")
book = build_epub(loaded.document, ExportOptions(), DiagnosticSink("deep.md"))
model = to_json(loaded.document)
result["kept"] = "deep text" in model and "after" in model
result["book"] = len(book)
result["diags"] = [d.format() for d in loaded.diagnostics if d.code == "too-deep"]
"""
    r = bounded("import sys; sys.path.insert(0, " + repr(str(Path(__file__).parent)) + ")\n" + code)
    assert r["kept"], "text was lost"
    assert r["book"] > 0
    assert r["seconds"] < 60, r
    assert r["rss_mb"] < 1500, r
    diags = r["diags"]
    assert isinstance(diags, list)
    if kind not in ("links", "spans"):  # markdown-it stops nesting those itself
        assert diags and diags[0].startswith("deep.md:"), diags


def test_too_deep_names_the_line() -> None:
    src = "# T\n\nintro\n\n" + "> " * 150 + "deep text\n"
    loaded = parse_text(src, "q.md")
    d = next(d for d in loaded.diagnostics if d.code == "too-deep")
    assert d.format().startswith("q.md:5: warning:")
    assert "deep text" in to_json(loaded.document)


@pytest.mark.parametrize(
    ("src", "code", "line"),
    [
        ("# T\n\n::note\nnever closed\n", "unclosed-component", 3),
        ("# T\n\n::hero\n---\ntitle: x\nbody\n", "unclosed-component", 3),
        ("# T\n\ntext\n\n::card{title='x'\n", None, None),
        ("# T\n\n```python\nprint('never closed')\n", None, None),
        ("# T\n\n:::outer\n::inner\ntext\n", "unclosed-component", 3),
        ("# T\n\n[label](https://example.org\n", None, None),
    ],
)
def test_unclosed_constructs(src: str, code: str | None, line: int | None) -> None:
    loaded = parse_text(src, "u.md")
    assert not loaded.failed
    if code:
        assert any(d.code == code and d.line == line for d in loaded.diagnostics), [
            d.format() for d in loaded.diagnostics
        ]
    # nothing typed is lost: every word of the source reaches the model
    model = to_json(loaded.document)
    for word in ("never", "closed", "text", "label", "body"):
        if word in src.split("---")[-1]:
            assert word in model, word


@pytest.mark.parametrize(
    ("name", "src"),
    [("empty", ""), ("blank", "\n\n  \n"), ("front-matter-only", "---\ntitle: Only\n---\n")],
)
def test_empty_articles_give_a_valid_book(tmp_path: Path, name: str, src: str) -> None:
    article = tmp_path / f"{name}.md"
    article.write_text(src)
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    with zipfile.ZipFile(tmp_path / "out" / f"{name}.epub") as z:
        etree.fromstring(z.read("EPUB/text/ch001.xhtml"))


def test_duplicate_ids_are_made_unique(tmp_path: Path) -> None:
    src = (
        "# Same\n\n## Same\n\n## Same\n\n## Other {#same}\n\n"
        "::note{id=same}\nx\n::\n\n[a]{#same} [b]{#same}\n\n[^1] [^1]\n\n[^1]: note\n[^1]: again\n"
    )
    article = tmp_path / "dup.md"
    article.write_text(src)
    res = build(article, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    with zipfile.ZipFile(tmp_path / "out" / "dup.epub") as z:
        root = etree.fromstring(z.read("EPUB/text/ch001.xhtml"))
    ids = Counter(e.get("id") for e in root.iter() if e.get("id"))
    assert ids and max(ids.values()) == 1, ids


def test_50mb_article_is_refused_fast(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as fh:  # sparse: 50 MB without writing them
        fh.truncate(50 * 1024 * 1024)
    code = f"""
from pathlib import Path
from a11ypress.diagnostics import InputError
from a11ypress.document import load
try:
    load(Path({str(big)!r}))
except InputError as exc:
    result["error"] = exc.diagnostic.format()
"""
    r = bounded(code)
    assert r["error"] == (
        f"{big}: error: article is {50 * 1024 * 1024} bytes; the limit is "
        f"{MAX_ARTICLE_BYTES} [too-large]"
    )
    assert r["seconds"] < 1 and r["rss_mb"] < 300, r


def test_50mb_text_is_refused_by_the_library_too() -> None:
    loaded = parse_text("a" * (50 * 1024 * 1024), "big.md")
    assert loaded.failed
    assert loaded.diagnostics[0].format().startswith("big.md: error: article is 52428800")


def test_large_article_under_the_limit_is_bounded(tmp_path: Path) -> None:
    para = (
        "Words of an ordinary paragraph, *some emphasis*, `code` and a [link](https://x.org).\n\n"
    )
    article = tmp_path / "large.md"
    article.write_text("# Large\n\n" + "## Part\n\n" + para * 20_000)  # about 1.8 MB
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
    assert r["seconds"] < 90 and r["rss_mb"] < 2000, r


def test_load_reads_nothing_before_the_size_check(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as fh:
        fh.truncate(MAX_ARTICLE_BYTES + 1)
    with pytest.raises(Exception, match="too-large"):
        load(big)


@pytest.mark.parametrize(
    ("src", "seconds"),
    [
        (":a[" * 20_000, 30),  # was quadratic: about 150 s (label_end rescanned each line)
        ("<http://" * 25_000, 15),  # was quadratic: 143 s (linkify searched all pending text)
    ],
    ids=["unclosed-inline-labels", "scheme-without-link"],
)
def test_pathological_paragraphs_are_linear(src: str, seconds: float) -> None:
    r = bounded(f"from a11ypress.document import parse_text\nparse_text({src!r}, 'p.md')\n")
    assert r["seconds"] < seconds, r


@pytest.mark.parametrize(
    ("unit", "size", "base"),
    [
        ("[", 400_000, None),  # the real budget
        ("![", 100_000, 500_000),  # a smaller budget: the same mechanism, faster
        ("[^", 100_000, 500_000),
        ("::box\n", 100_000, 500_000),
    ],
    ids=["brackets", "image-brackets", "footnote-brackets", "component-openers"],
)
def test_pathological_work_is_refused_with_a_clear_limit(
    unit: str, size: int, base: int | None
) -> None:
    """Linear but slow patterns (markdown-it skips up to 100 nested tokens for
    every unclosed bracket; each component opener scans for its closer) run
    into the work budget: the article is refused, its text kept as plain
    paragraphs, instead of parsing for most of an hour at 20 MB."""
    src = unit * (size // len(unit))
    code = f"""
import a11ypress.mdc.depth as depth
if {base!r} is not None:
    depth.BASE_WORK = {base!r}
from a11ypress.document import parse_text
loaded = parse_text({src!r}, "work.md")
result["diags"] = [d.format() for d in loaded.diagnostics if d.code == "too-complex"]
result["failed"] = loaded.failed
"""
    r = bounded(code)
    assert r["failed"]
    assert r["diags"] == [
        "work.md: error: the article needs too much work to parse (thousands of unclosed "
        "brackets or components?); kept as plain text [too-complex]"
    ]
    assert r["seconds"] < 60, r


def test_ordinary_articles_use_a_fraction_of_the_work_budget() -> None:
    from a11ypress.mdc import make_markdown
    from a11ypress.mdc.depth import BUDGET, work_budget
    from conftest import SAMPLES, SEED

    for path in [*SAMPLES, SEED]:
        text = path.read_text()
        env: dict[str, object] = {BUDGET: work_budget(text)}
        start = work_budget(text)[0]
        make_markdown().parse(text, env)
        left = env[BUDGET]
        assert isinstance(left, list)
        assert start - left[0] < start / 100, path
