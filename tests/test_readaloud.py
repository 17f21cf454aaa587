"""The read-aloud book (EPUB 3 Media Overlays), built for real: espeak-ng,
lameenc, EPUBCheck, Ace, ffmpeg and offline speech recognition.

The samples, the seed and their digest are built once to EPUB and audio, then
again to read-aloud (which must synthesise nothing).  Checked: every overlay's
``<text src>`` lands on an element, the clips are the audio edition's
``.timings.json`` spans, in order, each utterance once, inside the decoded
length of the chapter's audio; the text shown is the plain EPUB's; the
metadata is true for the book; the judges find nothing; and three clips drawn
at random are heard as their own sentence, not their neighbour's.
"""

from __future__ import annotations

import array
import json
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import a11ypress
from a11ypress import model as m
from a11ypress.document import load
from a11ypress.export.audio import MP3_LEAD_SAMPLES
from a11ypress.judges import run_ace, run_epubcheck
from a11ypress.transforms.walk import iter_nodes
from a11ypress.tts.encode import FRAME_SAMPLES, count_frames, new_encoder
from a11ypress.tts.engine import SAMPLE_RATE
from conftest import ASSETS, SAMPLES, SEED

INPUTS = [*SAMPLES, SEED]
NS = {
    "h": "http://www.w3.org/1999/xhtml",
    "s": "http://www.w3.org/ns/SMIL",
    "opf": "http://www.idpf.org/2007/opf",
}
_CLOCK = re.compile(r"^(\d+)\.(\d{3})s$")
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")


def _ms(clock: str) -> int:
    found = _CLOCK.match(clock)
    assert found, clock
    return int(found.group(1)) * 1000 + int(found.group(2))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """stem -> read-aloud book, for each input and the digest ("samples"); the
    audio editions and plain EPUBs are built first, in another run."""
    out = tmp_path_factory.mktemp("readaloud")
    cache = out / "cache"
    common = {"out": out, "assets": ASSETS, "cache_dir": cache, "jobs": 2}
    for title in (None, "Samples"):
        first = a11ypress.build(INPUTS, formats=["epub", "audio"], title=title, **common)
        assert first.ok, [d.format() for d in first.diagnostics]
        again = a11ypress.build(INPUTS, formats=["read-aloud"], title=title, **common)
        assert again.ok, [d.format() for d in again.diagnostics]
        counts = [d.message for d in again.diagnostics if d.code == "audio-built"]
        assert len(counts) == (1 if title else len(INPUTS))
        # Everything the read-aloud books say was synthesised for the audio editions.
        assert all(", 0 synthesised," in c for c in counts), counts
    books = {p.stem: out / f"{p.stem}.read-aloud.epub" for p in INPUTS}
    books["samples"] = out / "samples.read-aloud.epub"
    assert all(b.is_file() for b in books.values())
    return books


def _overlays(book: Path) -> list[tuple[str, etree._Element]]:
    """(chapter XHTML name in the zip, overlay root) in spine order."""
    with zipfile.ZipFile(book) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        items = {i.get("id"): i for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
        out = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", NS):
            item = items[ref.get("idref")]
            mo = item.get("media-overlay")
            if mo:
                smil = "EPUB/" + items[mo].get("href")
                out.append(("EPUB/" + item.get("href"), etree.fromstring(z.read(smil))))
        return out


def _timings(book: Path) -> dict[str, object]:
    mp3 = book.with_name(book.name.replace(".read-aloud.epub", ".timings.json"))
    return json.loads(mp3.read_text(encoding="utf-8"))


def test_every_text_src_lands_on_an_element_in_reading_order(built: dict[str, Path]) -> None:
    for name, book in built.items():
        with zipfile.ZipFile(book) as z:
            files = set(z.namelist())
            for chapter, smil in _overlays(book):
                root = etree.fromstring(z.read(chapter))
                order = {e.get("id"): i for i, e in enumerate(root.iter()) if e.get("id")}
                last = 0
                for text in smil.iterfind(".//s:text", NS):
                    href, _, fragment = text.get("src").partition("#")
                    assert chapter.endswith(href.removeprefix("../")), (name, href)
                    assert fragment in order, (name, chapter, fragment)
                    # in the document's order (EPUBCheck's MED_015 otherwise)
                    assert order[fragment] >= last, (name, chapter, fragment)
                    last = order[fragment]
                for audio in smil.iterfind(".//s:audio", NS):
                    assert "EPUB/" + audio.get("src").removeprefix("../") in files


def test_clips_are_the_timings_of_the_audio_edition(built: dict[str, Path]) -> None:
    for name, book in built.items():
        said = {u["id"]: u for u in _timings(book)["utterances"]}  # type: ignore[index]
        seen: list[str] = []
        for _, smil in _overlays(book):
            pars = smil.findall(".//s:par", NS)
            offset = said["u" + pars[0].get("id")[1:]]["start_ms"]
            ids = ["u" + par.get("id")[1:] for par in pars]
            for k, (par, ident) in enumerate(zip(pars, ids, strict=True)):
                u = said[ident]
                audio = par.find("s:audio", NS)
                begin, end = _ms(audio.get("clipBegin")), _ms(audio.get("clipEnd"))
                assert begin + offset == u["start_ms"], (name, ident)
                # Contiguous: each clip ends where the next utterance starts (its
                # pause is played), the chapter's last where its speech ends.
                last = k == len(pars) - 1
                assert end + offset == (u["end_ms"] if last else said[ids[k + 1]]["start_ms"])
                assert end + offset >= u["end_ms"] > begin + offset, (name, ident)
                seen.append(ident)
        # Every utterance once, in reading order.
        assert seen == list(said), name


def test_text_shown_is_the_plain_epubs(built: dict[str, Path]) -> None:
    for name, book in built.items():
        plain = book.with_name(book.name.replace(".read-aloud.epub", ".epub"))
        with zipfile.ZipFile(book) as a, zipfile.ZipFile(plain) as b:
            chapters = [n for n in b.namelist() if n.startswith("EPUB/text/")]
            for n in chapters:
                ours = "".join(etree.fromstring(a.read(n)).itertext())
                assert ours == "".join(etree.fromstring(b.read(n)).itertext()), (name, n)
            sentences = [
                e
                for n in chapters
                for e in etree.fromstring(a.read(n)).iterfind(".//h:p/h:span[@id]", NS)
            ]
            assert sentences, name


def _has_code(name: str) -> bool:
    paths = INPUTS if name == "samples" else [p for p in INPUTS if p.stem == name]
    docs = [load(p).document for p in paths]
    return any(isinstance(n, m.CodeBlock) for d in docs for n in iter_nodes(d))


def test_metadata_is_true_for_the_book(built: dict[str, Path]) -> None:
    for name, book in built.items():
        with zipfile.ZipFile(book) as z:
            opf = etree.fromstring(z.read("EPUB/content.opf"))
        props: dict[str, list[etree._Element]] = {}
        for meta in opf.iterfind(".//opf:metadata/opf:meta", NS):
            props.setdefault(meta.get("property"), []).append(meta)
        durations = props["media:duration"]
        total = [d for d in durations if d.get("refines") is None]
        parts = [d for d in durations if d.get("refines")]
        assert len(total) == 1 and len(parts) == len(_overlays(book)), name

        def ms(value: str) -> int:
            h, m, s = value.split(":")
            return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)

        assert sum(ms(d.text) for d in parts) == ms(total[0].text) == _timings(book)["duration_ms"]
        assert "synthetic speech" in props["media:narrator"][0].text
        assert props["media:active-class"][0].text == "ra-active"
        modes = {m.text for m in props["schema:accessMode"]}
        assert {"textual", "auditory"} <= modes, name
        sufficient = {m.text for m in props["schema:accessModeSufficient"]}
        features = {m.text for m in props["schema:accessibilityFeature"]}
        assert "synchronizedAudioText" in features
        summary = props["schema:accessibilitySummary"][0].text
        code = _has_code(name)  # code is announced, not read (no --read-code)
        assert ("auditory" in sufficient) is (not code), name
        assert ("not read aloud" in summary) is code, name
        assert props["dcterms:conformsTo"][0].text.endswith("WCAG 2.2 Level AA")


def test_highlight_does_not_rely_on_colour_alone(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["images"]) as z:
        css = z.read("EPUB/styles/epub.css").decode()
    rule = css[css.index(".ra-active {") :]
    assert "text-decoration: underline" in rule and "outline:" in rule


def test_seqs_mark_tables_notes_asides_and_code(built: dict[str, Path]) -> None:
    kinds = set()
    for _, smil in _overlays(built["samples"]):
        for seq in smil.iterfind(".//s:seq", NS):
            kinds.add(seq.get("{http://www.idpf.org/2007/ops}type"))
            assert "#" in seq.get("{http://www.idpf.org/2007/ops}textref")
    assert {"table", "footnote", "aside", "tip", "code"} <= kinds


@needs_ffmpeg
def test_encoder_delay_is_measured_not_assumed(tmp_path: Path) -> None:
    """A click encoded by our encoder is decoded MP3_LEAD_SAMPLES late, and a
    segment decodes to exactly its frames (what the clip times rest on)."""
    pcm = array.array("h", [0] * SAMPLE_RATE)
    for i in range(2000, 2400):
        pcm[i] = 12000 if (i // 10) % 2 else -12000
    enc = new_encoder()
    data = bytes(enc.encode(pcm.tobytes())) + bytes(enc.flush())
    (tmp_path / "click.mp3").write_bytes(data)
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(tmp_path / "click.mp3"), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    out = array.array("h")
    out.frombytes(raw)
    assert len(out) == count_frames(data) * FRAME_SAMPLES
    first = next(i for i, x in enumerate(out) if abs(x) > 3000)
    assert first - 2000 == MP3_LEAD_SAMPLES


@needs_ffmpeg
def test_last_clip_ends_inside_the_decoded_audio(built: dict[str, Path], tmp_path: Path) -> None:
    for name in ("images", "samples"):
        with zipfile.ZipFile(built[name]) as z:
            for _, smil in _overlays(built[name]):
                audio = smil.findall(".//s:audio", NS)[-1]
                mp3 = tmp_path / "chapter.mp3"
                mp3.write_bytes(z.read("EPUB/" + audio.get("src").removeprefix("../")))
                raw = subprocess.run(
                    ["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1", "-"],
                    capture_output=True,
                    check=True,
                ).stdout
                decoded_ms = len(raw) // 2 * 1000 / SAMPLE_RATE
                assert _ms(audio.get("clipEnd")) <= decoded_ms, (name, audio.get("src"))


@pytest.fixture(scope="module")
def paged(built: dict[str, Path]) -> dict[str, Path]:
    """EPUBs and read-aloud books built with their PDF in the same run (so with
    print page numbers): long-read and images, and their digest."""
    out = built["images"].parent / "paged"
    cache = built["images"].parent / "cache"
    inputs = [p for p in SAMPLES if p.stem in ("long-read", "images")]
    common = {"out": out, "assets": ASSETS, "cache_dir": cache, "jobs": 2}
    made: dict[str, Path] = {}
    for title in (None, "Paged"):
        result = a11ypress.build(
            inputs, formats=["epub", "pdf", "read-aloud"], title=title, **common
        )
        assert result.ok, [d.format() for d in result.diagnostics]
        made |= {p.name: p for p in result.outputs if p.suffix == ".epub"}
    return made


def _markers(book: Path) -> list[tuple[int, list[str]]]:
    """(page, the next words of the text) of each page-break marker, in order."""
    out = []
    with zipfile.ZipFile(book) as z:
        for name in sorted(n for n in z.namelist() if n.startswith("EPUB/text/ch")):
            root = etree.fromstring(z.read(name))
            for span in root.iterfind(".//h:span[@role='doc-pagebreak']", NS):
                assert span.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
                assert not "".join(span.itertext()), "a marker shows no text"
                after = " ".join(str(t) for t in span.xpath("following::text()")[:12])
                out.append((int(span.get("aria-label")), re.findall(r"\w+", after)[:3]))
    return out


def test_page_markers_sit_at_the_first_word_of_each_pdf_page(paged: dict[str, Path]) -> None:
    for name, book in paged.items():
        pdf = book.parent / (name.split(".")[0] + ".pdf")
        count = int(
            re.search(
                r"Pages:\s+(\d+)",
                subprocess.run(
                    ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
                ).stdout,
            ).group(1)
        )
        markers = _markers(book)
        pages = [k for k, _ in markers]
        assert pages == sorted(set(pages)) and pages[-1] <= count, (name, pages)
        if "Paged" not in name and not name.startswith("paged"):
            assert pages == list(range(1, count + 1)), (name, pages)  # every page of an article
        for k, first in markers:
            text = subprocess.run(
                ["pdftotext", "-f", str(k), "-l", str(k), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            shown = " ".join(re.findall(r"\w+", text)[:30])  # after the running header
            assert " ".join(first) in shown, (name, k, first, shown)


def test_page_list_and_metadata(paged: dict[str, Path]) -> None:
    for name, book in paged.items():
        with zipfile.ZipFile(book) as z:
            nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
            opf = etree.fromstring(z.read("EPUB/content.opf"))
            smil = b"".join(z.read(n) for n in z.namelist() if n.endswith(".smil"))
        listed = nav.find(".//h:nav[@role='doc-pagelist']", NS)
        assert listed is not None, name
        hrefs = [a.get("href") for a in listed.iterfind(".//h:a", NS)]
        assert [h.split("#page-")[1] for h in hrefs] == [str(k) for k, _ in _markers(book)]
        props = {m.get("property"): m.text for m in opf.iterfind(".//opf:meta", NS)}
        assert props["pageBreakSource"] == name.split(".")[0] + ".pdf"
        features = [m.text for m in opf.iterfind(".//opf:meta[@property]", NS)]
        assert "printPageNumbers" in features
        assert b"#page-" not in smil  # the narration never reads a page number


def test_page_source_pdf_without_building_the_pdf(tmp_path: Path) -> None:
    images = next(p for p in SAMPLES if p.stem == "images")
    result = a11ypress.build([images], out=tmp_path, assets=ASSETS, page_source="pdf")
    assert result.ok and [p.name for p in result.outputs] == ["images.epub"]
    assert not (tmp_path / "images.pdf").exists()
    assert [k for k, _ in _markers(tmp_path / "images.epub")] == [1, 2, 3]


@pytest.mark.judge
def test_judges_find_nothing(built: dict[str, Path], paged: dict[str, Path]) -> None:
    verdicts = run_epubcheck([*built.values(), *paged.values()])
    assert all(v.ok for v in verdicts), [(v.path.name, v.findings) for v in verdicts if not v.ok]
    if shutil.which("chromium") is None:
        pytest.skip("Ace needs Chromium")
    books = [*built.values(), paged["paged.read-aloud.epub"], paged["long-read.epub"]]
    for book in books:  # every sample, the seed, the digests, with and without page numbers
        verdict = run_ace(book)
        assert verdict.ok, (book.name, verdict.findings)


@pytest.mark.asr
@needs_ffmpeg
def test_three_random_clips_are_heard_as_their_own_sentence(built: dict[str, Path]) -> None:
    pytest.importorskip("moonshine_cpp")
    from asr import RATE, decode, hear, heard_score

    book = built[SEED.stem]
    candidates = []
    with zipfile.ZipFile(book) as z:
        for chapter, smil in _overlays(book):
            root = etree.fromstring(z.read(chapter))
            shown = {e.get("id"): " ".join("".join(e.itertext()).split()) for e in root.iter()}
            pars = smil.findall(".//s:par", NS)
            texts = [shown[p.find("s:text", NS).get("src").split("#")[1]] for p in pars]
            mp3 = book.parent / f"chapter-{len(candidates)}.mp3"
            audio = pars[0].find("s:audio", NS)
            mp3.write_bytes(z.read("EPUB/" + audio.get("src").removeprefix("../")))
            for k in range(1, len(pars) - 1):
                a = pars[k].find("s:audio", NS)
                begin, end = _ms(a.get("clipBegin")), _ms(a.get("clipEnd"))
                distinct = len({texts[k - 1], texts[k], texts[k + 1]}) == 3
                long = all(len(t.split()) >= 5 for t in texts[k - 1 : k + 2])
                if distinct and long and end - begin <= 15_000:
                    candidates.append((mp3, begin, end, texts[k - 1], texts[k], texts[k + 1]))
    seed = random.randrange(2**32)
    print(f"clips drawn with random.Random({seed})")  # to hear the same again
    drawn = random.Random(seed).sample(candidates, 3)
    pieces = []
    for mp3, begin, end, *_ in drawn:
        pcm = decode(mp3)
        pieces.append(pcm[begin * RATE // 1000 : end * RATE // 1000])
    heard, _ = hear(pieces)
    for (_, _, _, before, own, after), got in zip(drawn, heard, strict=True):
        mine = heard_score(own, got)
        print(f"{mine:5.1f} {own!r} heard as {got!r}")
        assert mine >= 70, (seed, own, got)
        assert mine > heard_score(before, got) and mine > heard_score(after, got), (seed, own, got)
