"""Start-up benchmark: what one command costs as a whole process, in one run.

Times, as medians of ``--repeat`` whole-process runs taking turns (so a load
that comes and goes on the machine falls on all alike):

- ``a11ypress --version`` (target <= 0.10 s);
- ``a11ypress inspect ARTICLE`` (target <= 0.15 s);
- ``a11ypress build ARTICLE --to epub`` against ``pandoc ARTICLE -o x.epub``
  for the same file (target <= 2x pandoc's time);
- ``python -c pass``, the interpreter's own start, as the floor.

    .venv/bin/python bench/startup_bench.py [--repeat 15] [ARTICLE ...]

The default articles are samples/long-read.md and samples/code-tables-lists.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT = [ROOT / "samples" / "long-read.md", ROOT / "samples" / "code-tables-lists.md"]


def medians(
    cmds: dict[str, list[str]], repeat: int, env: dict[str, str]
) -> dict[str, tuple[float, float]]:
    """Median wall time and median CPU time (user + system) of each command;
    the commands take turns, after one untimed warm-up run each (which also
    writes Python's bytecode caches).  On a busy machine the CPU time is the
    steadier figure."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    for turn in range(repeat + 1):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(
                cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
            )
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if turn:
                walls[name].append(wall)
                cpus[name].append(
                    after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                )
    return {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in cmds}


#: One process calling the Python API in a loop: the first call's time
#: (imports included) and the next calls'.
_LOOP = """
import json, statistics, sys, time
t0 = time.perf_counter()
import a11ypress
art, fmt, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
times = []
for _ in range(n):
    a11ypress.build([art], formats=[fmt], out=out, quiet=True)
    times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
print(json.dumps([times[0], statistics.median(times[1:])]))
"""


def api_loop(article: Path, fmt: str, out: str, calls: int, env: dict[str, str]) -> list[float]:
    """[first call (imports included), median of the next calls] in one process."""
    run = subprocess.run(
        [sys.executable, "-c", _LOOP, str(article), fmt, out, str(calls)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    times: list[float] = json.loads(run.stdout)
    return times


def _verdict(value: float, target: float) -> str:
    return f"target <= {target:.3f}: {'met' if value <= target else 'NOT met'}"


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("articles", nargs="*", type=Path, default=DEFAULT)
    args = ap.parse_args()
    pandoc = shutil.which("pandoc")
    ours = str(BIN / "a11ypress")
    # As an installed package runs: with its bytecode cached.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="a11ypress-startup-") as tmp:
        first = str(args.articles[0])
        cmds = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
            # what inspect cannot do without: the CLI, the Markdown parser, YAML
            "floor: import click markdown_it yaml": [
                sys.executable,
                "-c",
                "import click, markdown_it, mdit_py_plugins.footnote, yaml",
            ],
            # and what one article to EPUB cannot do without: lxml and ebooklib too
            "floor: ... and lxml ebooklib": [
                sys.executable,
                "-c",
                "import click, markdown_it, mdit_py_plugins.footnote, yaml, lxml.etree, "
                "ebooklib.epub",
            ],
            "a11ypress --version": [ours, "--version"],
            "a11ypress inspect": [ours, "inspect", "-q", first],
        }
        if pandoc:
            cmds["pandoc -t json (inspect's twin)"] = [pandoc, first, "-t", "json"]
        for i, art in enumerate(args.articles):
            cmds[f"build epub #{i}"] = [ours, "build", str(art), "--to", "epub", "-q", "-o", tmp]
            if pandoc:
                cmds[f"pandoc epub #{i}"] = [pandoc, str(art), "-o", f"{tmp}/pandoc{i}.epub"]
        got = medians(cmds, args.repeat, env)
        loops = {f: api_loop(args.articles[0], f, tmp, args.repeat, env) for f in ("epub", "pdf")}
    print(f"medians of {args.repeat} whole-process runs, taking turns: wall (CPU) seconds")
    for name, (wall, cpu) in got.items():
        if not name.startswith(("build", "pandoc epub")):
            print(f"{name:38} {wall:6.3f} ({cpu:5.3f})")
    for label, key, target in (("--version", "a11ypress --version", 0.10),
                               ("inspect", "a11ypress inspect", 0.15)):  # fmt: skip
        wall, cpu = got[key]
        print(f"  {label:9} wall {_verdict(wall, target)}; CPU {_verdict(cpu, target)}")
    for i, art in enumerate(args.articles):
        wall, cpu = got[f"build epub #{i}"]
        print(f"{art.name:24} build --to epub {wall:6.3f} ({cpu:5.3f})", end="")
        if pandoc:
            base, base_cpu = got[f"pandoc epub #{i}"]
            print(f"  pandoc {base:6.3f} ({base_cpu:5.3f})", end="")
            print(f"  ratio wall {wall / base:4.2f}x, CPU {cpu / base_cpu:4.2f}x (target <= 2)")
        else:
            print()
    print(f"a11ypress.build() called {args.repeat} times in one process ({args.articles[0].name}):")
    for fmt, (first, rest) in loops.items():
        print(f"  {fmt:5} first call {first:6.3f} s (imports included), next calls {rest:6.3f} s")


if __name__ == "__main__":
    main()
