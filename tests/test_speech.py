"""The speech script: golden scripts, alt text coverage, announcements, normalisation.

Golden scripts live in ``tests/fixtures/speech/<article>.txt`` (the output of
``a11ypress speech``); ``UPDATE_FIXTURES=1 pytest tests/test_speech.py``
rewrites them from the current code, for review in the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from a11ypress import model as m
from a11ypress.cli import main
from a11ypress.document import load, parse_text
from a11ypress.render.speech import Script, SpeechOptions, format_script, speech_script
from a11ypress.render.speech_normalize import load_lexicon, normalize, split_sentences
from a11ypress.render.xhtml import NO_DESCRIPTION, known_alts
from a11ypress.transforms.digest import digest
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes
from conftest import SAMPLES, SEED

GOLDEN = Path(__file__).parent / "fixtures" / "speech"
ARTICLES = [*SAMPLES, SEED]
LEXICON = load_lexicon()


def _script(text: str, **kw: bool) -> Script:
    return speech_script(parse_text(text, "t.md").document, SpeechOptions(**kw))


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_golden_script(path: Path) -> None:
    got = format_script(speech_script(load(path).document))
    golden = GOLDEN / f"{path.stem}.txt"
    if os.environ.get("UPDATE_FIXTURES"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
        return
    assert golden.exists(), f"no golden script; run UPDATE_FIXTURES=1 pytest {__file__}"
    assert got == golden.read_text(encoding="utf-8")


def _expected_images(doc: m.Document) -> list[tuple[str, int]]:
    """(spoken alt, chapter index) of every informative image, in reading order.

    Chapter 0 is the article; each body heading other than the title starts the next.
    """
    alts = known_alts(doc)
    first = doc.children[0] if doc.children else None
    title = first if doc.title_in_body and isinstance(first, m.Heading) else None
    out: list[tuple[str, int]] = []
    chapter = 0
    in_figures: set[int] = set()
    for node in iter_nodes(doc.children):
        if isinstance(node, m.Heading) and node is not title:
            chapter += 1
            continue
        if isinstance(node, m.Figure):
            img, caption = node.image, plain_text(node.caption)
            in_figures.add(id(img))
        elif isinstance(node, m.Image) and id(node) not in in_figures:
            img, caption = node, ""
        else:
            continue
        if img.decorative:
            continue
        alt = img.alt if not img.alt_missing else (alts.get(img.src) or caption)
        spoken = normalize(LEXICON.apply(alt or NO_DESCRIPTION, "en"), "en").rstrip(".")
        out.append((spoken, chapter))
    return out


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_every_alt_text_is_spoken_in_its_chapter_in_order(path: Path) -> None:
    doc = load(path).document
    script = speech_script(doc)
    images = [(i, u) for i, u in enumerate(script.utterances) if "Image" in u.text]
    expected = _expected_images(doc)
    assert expected or path.stem not in ("images", "seed-secure-by-design")
    last = -1
    for spoken, chapter in expected:
        hits = [i for i, u in images if spoken in u.text and i > last]
        assert hits, f"alt text not spoken after utterance {last}: {spoken!r}"
        last = hits[0]
        assert script.utterances[last].chapter == chapter, spoken


def test_decorative_images_are_skipped_and_links_read_as_text() -> None:
    script = _script(
        "# T\n\nSee [the docs](https://example.com/docs) now.\n\n![](./divider.png)\n\n"
        "![A red kite over a hill](./kite.png)\n"
    )
    text = "\n".join(u.text for u in script.utterances)
    assert "See the docs now." in text
    assert "example.com" not in text and "http" not in text
    assert [u.text for u in script.utterances if u.role == "image"] == [
        "Image: A red kite over a hill."
    ]


def test_missing_alt_falls_back_like_the_epub() -> None:
    script = _script(
        "---\ntitle: T\nimage:\n  src: ./a.png\n  alt: The cover photo\n---\n\n"
        '![](./a.png){alt_missing}\n\n::element-img{src="./a.png"}\n::\n\n'
        '::element-img{src="./b.png"}\n::\n'
    )
    images = [u.text for u in script.utterances if u.role == "image"]
    assert "Image: The cover photo." in images
    assert f"Image: {NO_DESCRIPTION.rstrip('.')}." in images


def test_lists_tables_code_and_callouts_are_announced() -> None:
    src = (
        "# T\n\n- one\n- two\n- three\n\n"
        "| Name | Age |\n|---|---|\n| Ann | 30 |\n| Bo | 41 |\n\n"
        "```ts\nconst a = 1\nconst b = 2\n```\n\n"
        "::tip\nSave often.\n::\n"
    )
    script = _script(src)
    texts = [u.text for u in script.utterances]
    assert "List of 3 items." in texts
    assert "Table with 2 columns and 2 rows." in texts
    assert "Columns: Name, Age." in texts
    assert "Row 1: Name: Ann; Age: 30." in texts
    assert "Code sample in TypeScript, 2 lines." in texts
    assert "const a = 1" not in texts
    assert "Tip: Save often." in texts
    read = [u.text for u in _script(src, read_code=True).utterances if u.role == "code"]
    assert read == ["const a = 1", "const b = 2"]


def test_headings_start_chapters_with_a_pause() -> None:
    script = _script("# Title\n\nIntro.\n\n## First\n\nA.\n\n### Sub\n\nB.\n\n## Second\n\nC.\n")
    assert [(c.title, c.level) for c in script.chapters] == [
        ("Title", 1),
        ("First", 2),
        ("Sub", 3),
        ("Second", 2),
    ]
    heads = [u for u in script.utterances if u.role == "heading"]
    assert all(u.pause_ms >= 500 for u in heads)


def test_passages_keep_their_language() -> None:
    script = _script(
        "---\ntitle: T\nlang: fr\n---\n\n"
        'Elle a dit : [I only changed the way.]{lang="en"} Puis elle est partie.\n'
    )
    langs = [(u.lang, u.text) for u in script.utterances if u.role == "sentence"]
    assert ("en", "I only changed the way.") in langs
    assert langs[0][0] == "fr"


def test_digest_has_a_chapter_per_article() -> None:
    docs = [load(p).document for p in SAMPLES[:3]]
    script = speech_script(digest(docs, "Digest"))
    articles = [c for c in script.chapters if c.level == 1]
    assert [c.title for c in articles] == [d.metadata.title for d in docs]
    assert script.utterances[0].text == "Digest"


def test_sentences_are_split_but_not_after_abbreviations() -> None:
    got = split_sentences("Dr. Smith met the U.S. team, e.g. Ann. Then they left! Pi is 3.14. Ok.")
    assert got == [
        "Dr. Smith met the U.S. team, e.g. Ann.",
        "Then they left!",
        "Pi is 3.14.",
        "Ok.",
    ]
    long = " ".join(["word"] * 200)
    assert all(len(s.split()) <= 60 for s in split_sentences(long))


def test_numbers_dates_and_symbols_are_normalised() -> None:
    assert normalize("On 2024-03-05 it cost $12.50 & rose 45%.", "en") == (
        "On 5 March 2024 it cost 12.50 dollars and rose 45 percent."
    )
    assert normalize("Pages 10-20, the 3-2-1 rule, −77%.", "en") == (
        "Pages 10 to 20, the 3 2 1 rule, minus 77 percent."
    )
    assert normalize("Le 2024-03-05, 45 %.", "fr") == "Le 5 mars 2024, 45 pour cent."


def test_units_durations_versions_and_decades_are_said_in_words() -> None:
    assert normalize("Build: 4m 12s, then 4 m 12 s, then 1h 30min and 58 s.", "en") == (
        "Build: 4 minutes 12 seconds, then 4 minutes 12 seconds, then 1 hour 30 minutes"
        " and 58 seconds."
    )
    assert normalize("10 ms, 1.5s, 1 s, 512 KB, 2MB, 100 GB, 16px, 1.5rem.", "en") == (
        "10 milliseconds, 1.5 seconds, 1 second, 512 kilobytes, 2 megabytes,"
        " 100 gigabytes, 16 pixels, 1.5rem."
    )
    assert normalize("10x faster at 1920x1080 with 10k users, 3-5s.", "en") == (
        "10 times faster at 1920 by 1080 with 10 thousand users, 3 to 5 seconds."
    )
    assert normalize("Nuxt v3.2.1 and v4 (v3.x).", "en") == (
        "Nuxt version 3.2.1 and version 4 (version 3.x)."
    )
    assert normalize("In the 1990s, the 2000s, the '80s, their 30s; it took 30s.", "en") == (
        "In the nineteen nineties, the two thousands, the eighties, their thirties;"
        " it took 30 seconds."
    )
    # "m" alone is metres, minutes or millions: left as written.
    assert normalize("A 5m cable.", "en") == "A 5m cable."
    assert normalize("Temps : 4 min 12 s, 2 Mo.", "fr") == (
        "Temps : 4 minutes 12 secondes, 2 mégaoctets."
    )


def test_dotted_initialisms_and_url_schemes_are_not_spelled_out() -> None:
    assert normalize("N.A.S.A. met the U.N. today at the U.N.", "en") == (
        "NASA met the UN today at the UN."
    )
    assert normalize("See https://example.org/a now.", "en") == "See example.org/a now."


def test_lexicon_builtin_and_user_file(tmp_path: Path) -> None:
    assert LEXICON.apply("A.I. rules in the U.S. and U.K., e.g. the CLI", "en") == (
        "AI rules in the US and UK, for example the C-L-I"
    )
    # A written form ending in a full stop keeps it when it ends the sentence.
    assert LEXICON.apply("Apples, pears etc.", "en") == "Apples, pears et cetera."
    assert LEXICON.apply("made in the U.S.", "en") == "made in the US."
    user = tmp_path / "lex.yaml"
    user.write_text("all:\n  AI: artificial intelligence\nen:\n  Nuxt: nukst\n", "utf-8")
    lex = load_lexicon(user)
    assert lex.apply("Nuxt and AI", "en") == "nukst and artificial intelligence"
    assert lex.apply("Nuxt", "fr") == "Nuxt"


def test_speech_command_prints_the_script() -> None:
    result = CliRunner().invoke(main, ["speech", str(SAMPLES[0]), "--read-code"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ")
    assert "\nsentence [en] " in result.stdout
