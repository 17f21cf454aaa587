"""Audio benchmark: our MP3 build against the espeak-ng + LAME floor, in one run.

The floor is what any narrated MP3 costs at least: the ``espeak-ng`` command
line synthesising the same text (every utterance of our speech script, one
line each, same voice and rate) and lameenc encoding the audio it produced
with the same settings as ours.  Measured for the samples (one espeak-ng run
per article) and for a digest of generated articles (one run), against:

- our cold build (empty cache) pinned to one core (``--jobs 1``): target <= 1.1x;
- our cold build on every core (``--jobs N``): speed-up over one core, target >= 1.6x
  on two cores;
- a rebuild after editing one paragraph: target >= 15x faster than the cold build;
- peak memory (resident set) of the digest build: the main process and the
  sum over it and its workers, for a small and the full digest (flat = about
  the same for both).

    .venv/bin/python bench/audio_bench.py [--articles 50] [--small 10]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from a11ypress.document import load
from a11ypress.render.speech import SpeechOptions, speech_script
from a11ypress.render.speech_normalize import load_lexicon
from a11ypress.transforms.digest import digest
from a11ypress.tts.encode import new_encoder
from a11ypress.tts.engine import DEFAULT_RATE
from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
A11YPRESS = [sys.executable, "-m", "a11ypress"]
VOICE = {"en": "en", "fr": "fr"}


def _script_text(paths: Sequence[Path], title: str | None) -> tuple[str, str]:
    """(language, the speech script's text, one utterance a line)."""
    docs = [load(p).document for p in paths]
    doc = digest(docs, title) if title else docs[0]
    script = speech_script(doc, SpeechOptions(lexicon=load_lexicon()))
    return script.lang, "\n".join(u.text for u in script.utterances) + "\n"


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of every child it has reaped
    (a build's workers and their forked children included): steadier than wall
    time on a busy machine."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def floor(texts: Sequence[tuple[str, str]], out: Path) -> float:
    """Seconds for espeak-ng + lameenc on each text."""
    t0 = time.perf_counter()
    for i, (lang, text) in enumerate(texts):
        voice = VOICE.get(lang.split("-")[0], "en")
        cmd = ["espeak-ng", "--stdout", "-v", voice, "-s", str(DEFAULT_RATE)]
        wav = subprocess.run(cmd, input=text.encode(), capture_output=True, check=True).stdout
        enc = new_encoder()
        mp3 = bytes(enc.encode(wav[44:])) + bytes(enc.flush())
        (out / f"floor-{i}.mp3").write_bytes(mp3)
    return time.perf_counter() - t0


class _Peak:
    """Samples the resident memory of a process and its children."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.main = 0
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _rss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = []
        try:
            tasks = list(Path(f"/proc/{pid}/task").glob("*"))
        except OSError:  # the process ended while we looked
            return out
        for task in tasks:
            try:
                out += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            main = self._rss(self.pid)
            tree = [self.pid]
            total = 0
            while tree:
                p = tree.pop()
                total += self._rss(p)
                tree += self._children(p)
            self.main = max(self.main, main)
            self.total = max(self.total, total)
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def ours(args: Sequence[str], cache: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Seconds, peak main RSS and peak total RSS of ``a11ypress build``."""
    cmd = [*A11YPRESS, "build", *args, "--to", "audio", "-o", str(out)]
    cmd += ["--cache-dir", str(cache), "--jobs", str(jobs), "-q"]
    cmd += ["--assets", str(ROOT / "samples" / "assets")]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = _Peak(proc.pid)
    _, err = proc.communicate()
    peak.stop()
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0,):
        sys.exit(f"build failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak.main, peak.total


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def main() -> None:
    """Run and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--small", type=int, default=10)
    args = ap.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed: apt-get install espeak-ng")
    cores = sorted(os.sched_getaffinity(0))
    tmp = Path(tempfile.mkdtemp(prefix="a11ypress-audio-bench-"))
    try:
        samples_dir = tmp / "samples"
        shutil.copytree(ROOT / "samples", samples_dir)
        samples = sorted(p for p in samples_dir.glob("*.md") if p.name != "README.md")
        generated = write_corpus(tmp / "gen", args.articles)

        sample_texts = [_script_text([p], None) for p in samples]
        digest_text = [_script_text(generated, "Bench digest")]
        words = sum(len(t.split()) for _, t in sample_texts)
        dwords = len(digest_text[0][1].split())

        rows: list[str] = []

        def run_set(name: str, files: list[str], texts: list[tuple[str, str]]) -> float:
            os.sched_setaffinity(0, {cores[0]})
            c0 = cpu_seconds()
            f1 = floor(texts, tmp)
            c1 = cpu_seconds()
            o1, _, _ = ours(files, tmp / f"cache-{name}-1", tmp / "out1", 1)
            cpu_ratio = (cpu_seconds() - c1) / (c1 - c0)
            os.sched_setaffinity(0, set(cores))
            on, main_rss, total_rss = ours(files, tmp / f"cache-{name}-n", tmp / "outn", len(cores))
            rows.append(
                f"{name:<28} floor {f1:7.2f} s | ours 1 core {o1:7.2f} s = {o1 / f1:4.2f}x floor"
                f" (target <= 1.10x; CPU time {cpu_ratio:4.2f}x)"
                f" | ours {len(cores)} cores {on:7.2f} s = {o1 / on:4.2f}x speed-up"
                f" | peak RSS main {_mb(main_rss)}, all {_mb(total_rss)}"
            )
            return on

        sample_args = [str(p) for p in samples]
        cold = run_set(f"samples ({len(samples)}, {words} words)", sample_args, sample_texts)

        # Rebuild after editing one paragraph of one article.
        target = samples_dir / "images.md"
        text = target.read_text("utf-8")
        edited = text.replace(
            "Watering was the hardest part.", "Watering was by far the hardest part of the year."
        )
        assert edited != text
        target.write_text(edited, "utf-8")
        t0 = time.perf_counter()
        ours(
            sample_args,
            tmp / f"cache-samples ({len(samples)}, {words} words)-n",
            tmp / "outn",
            len(cores),
        )
        rebuild = time.perf_counter() - t0
        rows.append(
            f"{'rebuild, one paragraph edited':<28} {rebuild:7.2f} s = "
            f"{cold / rebuild:5.1f}x faster than the cold build (target >= 15x)"
        )

        digest_args = [*map(str, generated), "--digest", "Bench digest"]
        run_set(f"digest ({args.articles} articles, {dwords} words)", digest_args, digest_text)

        small = [*map(str, generated[: args.small]), "--digest", "Small digest"]
        _, main_small, total_small = ours(small, tmp / "cache-small", tmp / "outs", len(cores))
        rows.append(
            f"{'peak RSS, digest of ' + str(args.small):<28} main {_mb(main_small)}, all "
            f"{_mb(total_small)} (compare with {args.articles} above: flat = about the same)"
        )
        print(
            f"audio bench on {len(cores)} cores (espeak-ng + lameenc floor, same text and settings)"
        )
        for r in rows:
            print(r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
