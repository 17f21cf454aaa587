"""Read-aloud benchmark: adding the read-aloud book to an audio build, in one run.

For the samples (one book each), their digest (one book) and a digest of
``--articles`` generated articles (``bench/corpus.py``), each round
builds, with an empty speech cache, the audio edition (``--to audio``, cold:
every sentence synthesised), then the read-aloud book of the same input from
that cache (``--to read-aloud``), each in a fresh process;
rounds are interleaved and the best of each is kept.  Printed:

- the read-aloud build's time (wall clock, and CPU: user + system with its workers,
  steadier on a busy machine) as a share of the cold audio build
  (target <= 15%: it synthesises nothing, it only renders the EPUB and packs
  the cached MP3 segments);
- the size of each read-aloud book against its plain EPUB + MP3 built separately.

    .venv/bin/python bench/readaloud_bench.py [--rounds 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent
A11YPRESS = [sys.executable, "-m", "a11ypress"]
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")
TARGET = 0.15


def _build(args: list[str], out: Path, cache: Path, jobs: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, its worker processes
    included) of one ``a11ypress build``, a fresh process as a user runs it."""
    cmd = [*A11YPRESS, "build", *args, "-o", str(out), "--cache-dir", str(cache), "-q"]
    cmd += ["--assets", str(ROOT / "samples" / "assets"), "--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def main() -> None:
    """Run the rounds and print the ratios and sizes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--articles", type=int, default=10)
    a = ap.parse_args()
    inputs = [str(p) for p in SAMPLES]
    best: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        made = [str(p) for p in write_corpus(work, a.articles)]
        cases = {
            "samples, one book each": inputs,
            "digest of the samples": [*inputs, "--digest", "d"],
            f"digest of {a.articles} generated": [*made, "--digest", "g"],
        }
        for r in range(a.rounds):
            for name, args in cases.items():
                out, cache = work / f"out-{r}", work / f"cache-{r}-{len(args)}"
                cold = _build([*args, "--to", "audio"], out, cache, a.jobs)
                warm = _build([*args, "--to", "read-aloud"], out, cache, a.jobs)
                if r == a.rounds - 1:  # the plain EPUB, for the sizes (not timed)
                    _build([*args, "--to", "epub"], out, cache, a.jobs)
                old = best.get(name, [float("inf")] * 4)
                best[name] = [min(a, b) for a, b in zip(old, (*cold, *warm), strict=True)]
                shutil.rmtree(cache)
        print(f"best of {a.rounds} interleaved rounds, --jobs {a.jobs}; wall clock, then CPU")
        print(f"{'case':<26} {'cold audio':>11} {'read-aloud':>11} {'share':>7}  target <= 15%")
        for name, (cold, cold_cpu, warm, warm_cpu) in best.items():
            for what, c, w in (("wall", cold, warm), ("cpu", cold_cpu, warm_cpu)):
                verdict = "ok" if w / c <= TARGET else "MISSED"
                label = f"{name} ({what})"
                print(f"{label:<26} {c:10.2f}s {w:10.2f}s {w / c:6.1%}  {verdict}")
        print(f"\n{'book':<24} {'EPUB':>10} {'MP3':>11} {'read-aloud':>11} {'vs EPUB+MP3':>12}")
        out = work / f"out-{a.rounds - 1}"
        for book in sorted(out.glob("*.read-aloud.epub")):
            stem = book.name.removesuffix(".read-aloud.epub")
            epub, mp3 = out / f"{stem}.epub", out / f"{stem}.mp3"
            sizes = [epub.stat().st_size, mp3.stat().st_size, book.stat().st_size]
            ratio = sizes[2] / (sizes[0] + sizes[1])
            kb = [f"{s / 1000:,.0f} kB" for s in sizes]
            print(f"{stem:<24} {kb[0]:>10} {kb[1]:>11} {kb[2]:>11} {ratio:11.2f}x")


if __name__ == "__main__":
    main()
