"""Property tests: the parser never raises, and assembled documents lose no text."""

from __future__ import annotations

import itertools
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import parse_text
from a11ypress.render.xhtml import ImageRef, RenderOptions, render_article
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes

MDC_ALPHABET = st.sampled_from(
    [*list(":::[]{}()#-*_`~!<>=\"'\\|^.\n\n  \tabcxyz019"), "::", "---", "```", "\n::a\n", "{{"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    parse_text(text, "fuzz.md")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MDC_ALPHABET, max_size=80).map("".join))
def test_never_raises_on_mdc_soup(text: str) -> None:
    loaded = parse_text(text, "soup.md")
    for d in loaded.diagnostics:
        assert d.file == "soup.md"


WORD = st.from_regex(r"[a-z]{3,8}", fullmatch=True)
WORDS = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
NAME = st.sampled_from(
    ["note", "tip", "hero", "card", "element-p", "callout", "warning", "my-box", "div"]
)


def _fragment() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        WORDS.map(lambda w: f"{w}\n"),
        WORDS.map(lambda w: f"## {w}\n"),
        WORDS.map(lambda w: f"- {w}\n- {w}\n"),
        WORDS.map(lambda w: f"> {w}\n"),
        st.tuples(WORDS, WORDS).map(lambda t: f"{t[0]} :badge[{t[1]}]{{color=green}}\n"),
        st.tuples(WORDS, WORDS).map(lambda t: f"{t[0]} [{t[1]}]{{.x}} done\n"),
        st.tuples(WORDS, WORDS).map(lambda t: f"**{t[0]}**{{.b}} _{t[1]}_\n"),
        WORDS.map(lambda w: f"![{w}](pic.png)\n"),
        st.tuples(NAME, WORDS).map(lambda t: f'::{t[0]}{{title="{t[1]}"}}\n::\n'),
        st.tuples(NAME, WORDS).map(lambda t: f"::{t[0]}\n---\ntext: {t[1]}\n---\n::\n"),
        st.tuples(WORDS, WORDS).map(
            lambda t: f"::element-img\n---\nsrc: a.png\nalt: {t[0]}\ncaption: {t[1]}\n---\n::\n"
        ),
        st.tuples(NAME, WORDS, WORDS).map(lambda t: f"::{t[0]}\n{t[1]}\n#title\n{t[2]}\n::\n"),
        st.tuples(NAME, WORDS).map(lambda t: f"::{t[0]}[{t[1]}]\n::\n"),
    )
    return st.recursive(
        leaf,
        lambda inner: st.tuples(NAME, st.lists(inner, min_size=1, max_size=3)).map(
            lambda t: f"::{t[0]}\n" + "\n".join(t[1]) + "\n::\n"
        ),
        max_leaves=8,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragment(), min_size=1, max_size=6))
def test_assembled_documents_lose_no_text(fragments: list[str]) -> None:
    text = "\n".join(fragments)
    doc = parse_text(text, "gen.md").document
    seen = set(re.findall(r"[a-z]+", plain_text(doc.children) + " " + doc.metadata.title))
    # words of the input that are prose, labels, alt texts or text props
    stripped = re.sub(
        r"(:{1,2}[a-z-]+|\{[^}]*?(?:color|\.x|\.b)[^}]*\}|\((pic|a)\.png\)|"
        r"^(src|alt|text|caption):|^#title)",
        " ",
        text,
        flags=re.M,
    )
    expected = set(re.findall(r"[a-z]{3,}", stripped)) - {
        "png",
        "title",
        "src",
        "alt",
        "text",
        "caption",
        "color",
        "green",
    }
    missing = expected - seen
    assert not missing, f"lost words {sorted(missing)} from:\n{text}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(MDC_ALPHABET, max_size=80).map("".join)))
def test_any_input_renders_well_formed_xhtml(text: str) -> None:
    doc = parse_text(text, "r.md").document
    options = RenderOptions(images=lambda img: ImageRef(None, "missing"))
    root = etree.fromstring(render_article(doc, options, DiagnosticSink())[0])
    levels = [
        int(e.tag[-1])
        for e in root.iter()
        if isinstance(e.tag, str) and re.fullmatch(r"\{[^}]*\}h[1-6]", e.tag)
    ]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def _heading_fragment() -> st.SearchStrategy[str]:
    """Headings everywhere a heading can be: top level, component slots, callouts,
    list items, quotes, footnotes, with repeated texts so that ids collide."""
    text = st.sampled_from(["Intro", "Setup", "Setup", "1 Step", "Ünïcode", "a b"])
    return st.one_of(
        text.map(lambda t: f"## {t}\n"),
        st.tuples(NAME, text).map(lambda t: f"::{t[0]}\n#title\n## {t[1]}\n::\n"),
        st.tuples(NAME, text, text).map(
            lambda t: f"::{t[0]}\nbody\n#extra\n### {t[1]}\n#more\n## {t[2]}\n::\n"
        ),
        text.map(lambda t: f"- item\n\n  ## {t}\n"),
        text.map(lambda t: f"> ## {t}\n"),
        text.map(lambda t: f"## {t} {{#{t.split()[0].lower()}}}\n"),
        text.map(lambda t: f"See[^n].\n\n[^n]: Note.\n\n    ## {t}\n"),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_heading_fragment(), min_size=1, max_size=8))
def test_every_heading_has_a_unique_id(fragments: list[str]) -> None:
    text = "# Title\n\n" + "\n".join(fragments)
    doc = parse_text(text, "ids.md").document
    headings = [n for n in iter_nodes(doc) if isinstance(n, m.Heading)]
    ids = [h.id for h in headings]
    assert all(ids), f"a heading without an id in:\n{text}"
    assert len(set(ids)) == len(ids), f"duplicate ids {ids} in:\n{text}"
    options = RenderOptions(images=lambda img: ImageRef(None, "missing"))
    root = etree.fromstring(render_article(doc, options, DiagnosticSink())[0])
    shown = [
        e.get("id")
        for e in root.iter()
        if isinstance(e.tag, str) and re.fullmatch(r"\{[^}]*\}h[1-6]", e.tag)
    ]
    assert shown == ids
