"""Property tests over the whole pipeline: random MDC documents assembled from
fragments (hostile ones included) always give an EPUB that passes EPUBCheck
(all examples validated in one run) and a PDF that passes PDF/UA-1."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import nested
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from a11ypress import judges
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import parse_text
from a11ypress.export import ExportOptions, formats

WORD = st.from_regex(r"[a-zA-Zéß]{2,8}", fullmatch=True)
WORDS = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
ODD = st.sampled_from(
    [
        "\x00",
        "\x01",
        "\x1b",
        "\ufffe",
        "\u202e",
        "\u200f",
        "e\u0301",
        "שלום",
        "مرحبا",
        "<",
        "&amp;",
        "]]>",
        "\\",
        "*",
        "{{ x }}",
        "👩🏽‍💻",
        "\t",
    ]
)
TEXT = st.lists(st.one_of(WORDS, ODD), min_size=1, max_size=6).map(" ".join)

FRAGMENTS = st.one_of(
    TEXT.map(lambda t: f"{t}\n"),
    TEXT.map(lambda t: f"## {t}\n"),
    TEXT.map(lambda t: f"#### {t}\n"),
    TEXT.map(lambda t: f"- {t}\n  - {t}\n"),
    TEXT.map(lambda t: f"1. {t}\n2. {t}\n"),
    TEXT.map(lambda t: f"> {t}\n> > {t}\n"),
    TEXT.map(lambda t: f"| h | {t} |\n|---|---|\n| {t} | c |\n"),
    TEXT.map(lambda t: f"```js\n{t}\n```\n"),
    TEXT.map(lambda t: f"`{t}` **{t}** _{t}_ ~~{t}~~\n"),
    TEXT.map(lambda t: f"[{t}](https://example.org/{t.replace(' ', '')}) <https://e.org>\n"),
    TEXT.map(lambda t: f"[{t}](/relative/path) [{t}](#nowhere)\n"),
    TEXT.map(lambda t: f"![{t}](https://example.org/x.png)\n"),
    TEXT.map(lambda t: f"![{t}](../outside.png) ![]({t}.png)\n"),
    TEXT.map(lambda t: f"Note[^{len(t)}].\n\n[^{len(t)}]: {t}\n"),
    TEXT.map(lambda t: f"::note\n{t}\n::\n"),
    TEXT.map(lambda t: f'::tip{{title="{t}"}}\n{t}\n#extra\n{t}\n::\n'),
    TEXT.map(lambda t: f"::hero\n---\ntitle: {t!r}\n---\n{t}\n::\n"),
    TEXT.map(lambda t: f'::read-more{{to="https://example.org" title="{t}"}}\n::\n'),
    TEXT.map(lambda t: f":badge[{t}]{{color=red}} [{t}]{{.x lang=fr}}\n"),
    TEXT.map(lambda t: f"::unknown-thing\n{t}\n"),  # unclosed
    TEXT.map(lambda t: f'<p onclick="x()">{t}</p><script>{t}</script>\n'),
    TEXT.map(lambda t: f'<svg><a href="javascript:x">{t}</a></svg><iframe src=//x>\n'),
    TEXT.map(lambda t: f'<div style="background:url(https://x)"><b>{t}</b></div>\n'),
    TEXT.map(lambda t: f"<span>{t} <em>{t}</span> <!-- {t} -->\n"),
    st.just("---\na: &a [*a]\n---\n"),
    st.sampled_from([nested("quotes", 120), nested("emphasis", 80), nested("components", 60)]),
    st.just("***\n"),
)
FRONT = st.one_of(
    st.just(""),
    TEXT.map(lambda t: f"---\ntitle: {t!r}\ndescription: {t!r}\nlang: fr\n---\n"),
    st.just("---\ntitle: !!python/object/apply:os.system ['true']\n---\n"),
)
DOCUMENTS = st.tuples(FRONT, st.lists(FRAGMENTS, min_size=0, max_size=8)).map(
    lambda fp: fp[0] + "\n".join(fp[1])
)

#: Books written by the property below: (source text, path).
_BUILT: dict[str, list[tuple[str, Path]]] = {"epub": [], "pdf": []}
_OUT = Path(tempfile.mkdtemp(prefix="a11ypress-property-"))


def _collector(fmt: str) -> Callable[[], None]:
    ext, exporter = formats()[fmt]

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(DOCUMENTS)
    def build(text: str) -> None:
        loaded = parse_text(text, "random.md")
        target = _OUT / f"{fmt}-{len(_BUILT[fmt]):04d}{ext}"
        exporter(loaded.document, target, ExportOptions(), DiagnosticSink("random.md"))
        _BUILT[fmt].append((text, target))

    return build


def _books(fmt: str) -> list[tuple[str, Path]]:
    if not _BUILT[fmt]:
        _collector(fmt)()
    return _BUILT[fmt]


def test_random_documents_build_as_epub() -> None:
    _collector("epub")()
    assert _BUILT["epub"]


@pytest.mark.judge
def test_random_epubs_pass_epubcheck_in_one_run() -> None:
    books = _books("epub")
    try:
        verdicts = judges.run_epubcheck([p for _, p in books])
    except judges.JudgeMissing as exc:
        pytest.skip(str(exc))
    bad = [(text, v.findings) for (text, _), v in zip(books, verdicts, strict=True) if not v.ok]
    assert not bad, bad[:3]


@pytest.mark.judge
def test_random_pdfs_pass_pdfua() -> None:
    bad = []
    for text, path in _books("pdf"):
        verdict = judges.run_pdfua(path)
        if not verdict.ok:
            bad.append((text, verdict.findings))
    assert not bad, bad[:3]
