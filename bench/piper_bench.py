"""Neural voice benchmark: ``--engine piper`` against espeak-ng, in one run.

Both engines build the same digest of generated articles (bench/corpus.py) to
MP3 with a cold cache:

- on one core (``--jobs 1``, the process pinned to one CPU): the real-time
  factor per core, seconds of audio made per second of wall time, for each
  engine, and how many times slower Piper is;
- on every core (``--jobs N``): the speed-up over one core (target >= 1.6x on
  two cores for both engines; Piper runs ONNX with one thread per worker);
- peak memory (resident set) of each worker process, since every Piper worker
  loads the voice model once, and of the whole build.

    .venv/bin/python bench/piper_bench.py [--articles 50]

The 50-article digest is about 3.8 hours of speech: with Piper, budget about
15 to 20 minutes of two idle cores for the whole run (``--articles 5`` for a
quick look: the factors hardly depend on the size).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from mutagen.mp3 import MP3

from corpus import write_corpus

A11YPRESS = [sys.executable, "-m", "a11ypress"]


class _PerProcessPeak:
    """Samples the resident memory of a process and of each of its descendants."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, int] = {}
        """pid -> peak RSS in bytes."""
        self.parents: dict[int, int] = {}
        """pid -> parent pid (for descendants seen)."""
        self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def _field(path: str, name: str) -> int:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(name):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            tasks = list(Path(f"/proc/{pid}/task").glob("*"))
        except OSError:
            return out
        for task in tasks:
            try:
                out += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = [self.pid]
            total = 0
            while tree:
                p = tree.pop()
                # Each process's own high-water mark; the build's total is
                # proportional (shared pages of the forked children counted once).
                total += self._field(f"/proc/{p}/smaps_rollup", "Pss:")
                hwm = self._field(f"/proc/{p}/status", "VmHWM:")
                self.peaks[p] = max(self.peaks.get(p, 0), hwm)
                for c in self._children(p):
                    self.parents.setdefault(c, p)
                    tree.append(c)
            self.total = max(self.total, total)
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()

    def worker_peak(self) -> int:
        """Largest peak among the build's worker processes: descendants of the
        main process that have children of their own (the per-sentence forks),
        or any descendant when none has."""
        kids = [p for p, parent in self.parents.items() if parent == self.pid]
        workers = [p for p in kids if p in self.parents.values()] or kids
        return max((self.peaks.get(p, 0) for p in workers), default=0)


def build(
    files: list[str], engine: str, cache: Path, out: Path, jobs: int
) -> tuple[float, float, _PerProcessPeak]:
    """Wall seconds, CPU seconds (all processes) and memory of one cold
    ``a11ypress build --to audio``."""
    cmd = [*A11YPRESS, "build", *files, "--to", "audio", "-o", str(out), "--engine", engine]
    cmd += ["--cache-dir", str(cache), "--jobs", str(jobs), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = _PerProcessPeak(proc.pid)
    _, err = proc.communicate()
    peak.stop()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        sys.exit(f"{engine} build failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, cpu, peak


def _mb(n: int) -> str:
    return f"{n / 1e6:.0f} MB"


def main() -> None:
    """Run both engines and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=50)
    args = ap.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    tmp = Path(tempfile.mkdtemp(prefix="a11ypress-piper-bench-"))
    try:
        files = [str(p) for p in write_corpus(tmp / "gen", args.articles)]
        words = sum(len(Path(f).read_text("utf-8").split()) for f in files)
        digest = [*files, "--digest", "Bench digest"]
        rows = []
        rtf: dict[str, float] = {}
        load = os.getloadavg()[0]
        for engine in ("espeak", "piper"):
            os.sched_setaffinity(0, {cores[0]})
            one, cpu, _ = build(digest, engine, tmp / f"cache-{engine}-1", tmp / f"o-{engine}-1", 1)
            audio = MP3(tmp / f"o-{engine}-1" / "bench-digest.mp3").info.length
            os.sched_setaffinity(0, set(cores))
            n, _, peak = build(
                digest, engine, tmp / f"cache-{engine}-n", tmp / f"o-{engine}-n", len(cores)
            )
            same = (tmp / f"o-{engine}-1" / "bench-digest.mp3").read_bytes() == (
                tmp / f"o-{engine}-n" / "bench-digest.mp3"
            ).read_bytes()
            rtf[engine] = audio / cpu
            rows.append(
                f"{engine:<7} {audio:7.0f} s of audio | 1 core {one:7.1f} s = "
                f"{audio / one:6.1f}x real time ({audio / cpu:6.1f}x per CPU second) | "
                f"{len(cores)} cores {n:7.1f} s = "
                f"{one / n:4.2f}x speed-up | peak RSS per worker {_mb(peak.worker_peak())}, "
                f"whole build {_mb(peak.total)} (PSS) | 1-core and {len(cores)}-core MP3 "
                f"{'identical' if same else 'DIFFER'}"
            )
        print(
            f"neural voice bench: digest of {args.articles} articles ({words} words), "
            f"cold cache, {len(cores)} cores, load average {load:.1f} at the start "
            f"(above 0.5, other work shares the cores: trust the per-CPU-second figures)"
        )
        for r in rows:
            print(r)
        print(
            f"piper is {rtf['espeak'] / rtf['piper']:.0f}x slower than espeak-ng per CPU second;"
            f" load average now {os.getloadavg()[0]:.1f}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
