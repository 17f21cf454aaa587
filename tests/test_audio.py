"""The audio edition, built for real with pyttsx3 + espeak-ng.

To keep CI time modest the articles are short, one synthesis cache is shared
by the tests of this module, and the 5,000-word article is built once.
Identical text gives identical durations (not identical samples), so
determinism is checked on times, never on bytes.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from a11ypress.cli import main
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load, parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.audio import AudioResult, _pick_voices, build_audio, sidecar_paths
from a11ypress.render.speech import speech_script
from a11ypress.transforms.digest import digest
from a11ypress.tts.engine import SAMPLE_RATE
from a11ypress.tts.options import AudioOptions
from a11ypress.tts.pool import CRASH_FILE_ENV, cached_voices, close_pools
from conftest import ROOT, SAMPLES

IMAGES = ROOT / "samples" / "images.md"
ASSETS = ROOT / "samples" / "assets"
SHORT = (
    "---\ntitle: Short\nauthors:\n  - name: Ann\n---\n\n# Short\n\n"
    "One sentence here. And a second one.\n\n## Part two\n\nThe end.\n"
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech-cache")


def _build(
    path: Path, out: Path, cache: Path, *, jobs: int = 2, fmt: str = "mp3"
) -> tuple[AudioResult, DiagnosticSink]:
    loaded = load(path)
    sink = DiagnosticSink(str(path))
    options = ExportOptions(
        assets=ASSETS,
        sources=(path,),
        audio=AudioOptions(format=fmt, jobs=jobs, cache_dir=cache, progress=False),
    )
    return build_audio(loaded.document, out, options, sink), sink


def _chapters(path: Path) -> list[tuple[str, int, int]]:
    """(title, start ms, end ms) in CTOC order, read back with mutagen."""
    tags = ID3(path)
    toc = tags.getall("CTOC")
    assert len(toc) == 1
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    return [
        (chaps[i].sub_frames["TIT2"].text[0], chaps[i].start_time, chaps[i].end_time)
        for i in toc[0].child_element_ids
    ]


@pytest.fixture(scope="module")
def images_mp3(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("out") / "images.mp3"
    result, _ = _build(IMAGES, out, cache_dir, jobs=2)
    assert result.files[0] == out
    return out


def test_mp3_has_tags_and_chapters_in_order(images_mp3: Path) -> None:
    script = speech_script(load(IMAGES).document)
    chapters = _chapters(images_mp3)
    assert [c[0] for c in chapters] == [c.title for c in script.chapters]
    starts = [c[1] for c in chapters]
    assert starts[0] == 0
    assert all(a < b for a, b in itertools.pairwise(starts))
    assert all(c[1] < c[2] for c in chapters)
    tags = ID3(images_mp3)
    assert str(tags["TIT2"]) == "Our Community Garden's First Year, in Pictures"
    assert str(tags["TPE1"]) == "Ruth Adeyemi"
    assert str(tags["TALB"]) == str(tags["TIT2"])
    assert tags.getall("APIC")[0].mime == "image/jpeg"  # the local cover
    length = MP3(images_mp3).info.length
    assert abs(chapters[-1][2] / 1000 - length) < 1.0
    words = sum(len(u.text.split()) for u in script.utterances)
    assert 100 <= words / (length / 60) <= 260, "speaking rate not plausible"


def test_sidecars_time_every_sentence(images_mp3: Path) -> None:
    vtt, js = sidecar_paths(images_mp3)
    data = json.loads(js.read_text("utf-8"))
    script = speech_script(load(IMAGES).document)
    assert [u["text"] for u in data["utterances"]] == [u.text for u in script.utterances]
    spans = [(u["start_ms"], u["end_ms"]) for u in data["utterances"]]
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert data["chapters"][0]["title"] == script.chapters[0].title
    text = vtt.read_text("utf-8")
    assert text.startswith("WEBVTT\n")
    assert text.count(" --> ") == len(script.utterances)


def test_serial_build_from_the_cli_gives_the_same_times_and_a_clean_stdout(
    images_mp3: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    cmd = [sys.executable, "-m", "a11ypress", "build", str(IMAGES), "--to", "audio"]
    cmd += ["-o", str(out), "--assets", str(ASSETS), "--jobs", "1", "-q"]
    cmd += ["--cache-dir", str(tmp_path / "fresh-cache")]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{out / 'images.mp3'}\n"  # nothing from the engine
    assert _chapters(out / "images.mp3") == _chapters(images_mp3)


def test_rebuild_after_editing_one_paragraph_synthesises_only_changed_sentences(
    images_mp3: Path, cache_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "images.md"
    shutil.copytree(IMAGES.parent / "images", tmp_path / "images")
    text = IMAGES.read_text("utf-8")
    copy.write_text(text, "utf-8")
    unchanged, _ = _build(copy, tmp_path / "same.mp3", cache_dir)
    assert unchanged.synthesised == 0
    edited = text.replace(
        "Watering was the hardest part. A single tap",
        "Watering was by far the hardest part of the year. A single tap",
    )
    assert edited != text
    copy.write_text(edited, "utf-8")
    before = {u.text for u in speech_script(parse_text(text).document).utterances}
    after = {u.text for u in speech_script(parse_text(edited).document).utterances}
    result, sink = _build(copy, tmp_path / "edited.mp3", cache_dir)
    assert result.synthesised == len(after - before) == 1
    assert any("1 synthesised" in d.message for d in sink.items)


def test_digest_has_a_chapter_per_article(cache_dir: Path, tmp_path: Path) -> None:
    paths = [IMAGES, ROOT / "samples" / "element-style.md"]
    doc = digest([load(p).document for p in paths], "Two articles")
    sink = DiagnosticSink()
    options = ExportOptions(
        assets=ASSETS,
        sources=tuple(paths),
        audio=AudioOptions(jobs=2, cache_dir=cache_dir, progress=False),
    )
    build_audio(doc, tmp_path / "two.mp3", options, sink)
    titles = [c[0] for c in _chapters(tmp_path / "two.mp3")]
    for p in paths:
        assert load(p).document.metadata.title in titles
    assert titles.index(load(paths[0]).document.metadata.title) < titles.index(
        load(paths[1]).document.metadata.title
    )
    assert str(ID3(tmp_path / "two.mp3")["TALB"]) == "Two articles"


def _long_article(words: int) -> str:
    rng = random.Random(5)
    vocab = [
        "reader",
        "voice",
        "garden",
        "river",
        "signal",
        "market",
        "design",
        "library",
        "station",
        "morning",
    ]
    parts = ["---", "title: A long read", "---", "", "# A long read", ""]
    n = 0
    section = 0
    while n < words:
        if n % 800 < 100:
            section += 1
            parts += [f"## Section {section}", ""]
        sentences = []
        for _ in range(rng.randint(3, 7)):
            k = rng.randint(6, 24)
            sentences.append(" ".join(rng.choice(vocab) for _ in range(k)).capitalize() + ".")
            n += k
        parts += [" ".join(sentences), ""]
    # One run-on "sentence" of 600 words with no punctuation at all.
    parts += [" ".join(rng.choice(vocab) for _ in range(600)), ""]
    return "\n".join(parts)


def test_a_5000_word_article_builds(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text(_long_article(4500), "utf-8")
    _build(path, tmp_path / "long.mp3", tmp_path / "cache", jobs=2)
    words = len(path.read_text("utf-8").split())
    assert words >= 5000
    length = MP3(tmp_path / "long.mp3").info.length
    assert 100 <= words / (length / 60) <= 260
    assert len(_chapters(tmp_path / "long.mp3")) == len(speech_script(load(path).document).chapters)


def test_wav_output_is_as_long_as_its_timings(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "short.md"
    path.write_text(SHORT, "utf-8")
    result, _ = _build(path, tmp_path / "short.wav", cache_dir, fmt="wav")
    with wave.open(str(tmp_path / "short.wav")) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        ms = w.getnframes() * 1000 / SAMPLE_RATE
    assert abs(ms - result.duration_ms) <= 1
    data = json.loads(sidecar_paths(tmp_path / "short.wav")[1].read_text("utf-8"))
    assert [c["title"] for c in data["chapters"]] == ["Short", "Part two"]


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_m4b_has_chapters(tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "short.md"
    path.write_text(SHORT, "utf-8")
    _build(path, tmp_path / "short.m4b", cache_dir, fmt="m4b")
    probe = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-print_format", "json", "-show_chapters", "-show_format"),
            str(tmp_path / "short.m4b"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert [c["tags"]["title"] for c in info["chapters"]] == ["Short", "Part two"]
    assert info["format"]["tags"]["title"] == "Short"


def test_m4b_without_ffmpeg_says_what_to_install(tmp_path: Path) -> None:
    env = dict(os.environ, PATH=str(tmp_path))
    cmd = [sys.executable, "-m", "a11ypress", "build", str(IMAGES), "--to", "audio"]
    cmd += ["--audio-format", "m4b", "-o", str(tmp_path / "o")]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert run.returncode == 4
    assert "apt-get install ffmpeg" in run.stderr
    assert run.stdout == ""


def test_a_crashing_worker_does_not_stop_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash = tmp_path / "crash-once"
    crash.write_text("x")
    monkeypatch.setenv(CRASH_FILE_ENV, str(crash))
    path = tmp_path / "short.md"
    path.write_text(SHORT, "utf-8")
    close_pools()  # workers started from now on see the variable
    result, _ = _build(path, tmp_path / "short.mp3", tmp_path / "cache", jobs=3)
    assert not crash.exists(), "no worker crashed"
    assert result.synthesised == len(speech_script(load(path).document).utterances)
    assert [c[0] for c in _chapters(tmp_path / "short.mp3")] == ["Short", "Part two"]


def test_voices_per_language(cache_dir: Path) -> None:
    script = speech_script(load(ROOT / "samples" / "french.md").document)
    voices = _pick_voices(script, AudioOptions(), cached_voices(cache_dir), DiagnosticSink())
    assert voices["fr"] == "roa/fr"
    assert voices["en"] is not None and voices["en"].startswith("gmw/en")


def test_voices_command_lists_voices() -> None:
    result = CliRunner().invoke(main, ["voices", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "roa/fr\t" in result.stdout


def test_samples_are_all_speakable() -> None:
    for p in SAMPLES:
        assert speech_script(load(p).document).utterances, p


def test_more_chapters_than_one_ctoc_can_list_are_grouped_by_article(tmp_path: Path) -> None:
    from a11ypress.tts.tags import id3_tag
    from a11ypress.tts.timeline import ChapterTime

    chapters = [
        ChapterTime(i, f"c{i}", 1 if i % 10 == 0 else 2, i * 1000, (i + 1) * 1000)
        for i in range(600)
    ]
    path = tmp_path / "tag.mp3"
    path.write_bytes(id3_tag(title="T", authors=[], album="A", chapters=chapters))
    tags = ID3(path)
    assert len(tags.getall("CHAP")) == 600
    top = tags["CTOC:toc"]
    assert len(top.child_element_ids) == 60
    first = tags[f"CTOC:{top.child_element_ids[0]}"]
    assert first.child_element_ids == [f"ch{i}" for i in range(10)]
