"""EPUB benchmark: a11ypress vs pandoc, both from the command line, in one run.

- samples: ``a11ypress build samples/*.md --to epub`` (one process) against
  ``pandoc -t epub3`` run once per article on the same articles as plain Markdown;
- digests of 50, 100 and 200 generated articles: ``a11ypress build ... --digest``
  against ``pandoc a.md b.md ... -o digest.epub``.

Prints each time, the ratio to pandoc (target: <= 1.0, no slower than pandoc
per article) and the time per article (linear: roughly constant).

    .venv/bin/python bench/epub_bench.py [--sizes 50,100,200]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import article, plain_markdown

ROOT = Path(__file__).resolve().parent.parent
A11YPRESS = [sys.executable, "-m", "a11ypress"]


def _time(cmds: list[list[str]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for cmd in cmds:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    """Run and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="50,100,200")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    if shutil.which("pandoc") is None:
        sys.exit("pandoc is needed: apt-get install pandoc")
    tmp = Path(tempfile.mkdtemp(prefix="a11ypress-bench-"))
    try:
        rows = []
        samples = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")
        plain = []
        for p in samples:
            q = tmp / "plain" / p.name
            q.parent.mkdir(exist_ok=True)
            q.write_text(plain_markdown(p.read_text("utf-8")), "utf-8")
            plain.append(q)
        ours = _time(
            [
                [
                    *A11YPRESS,
                    "build",
                    *map(str, samples),
                    "--to",
                    "epub",
                    "-o",
                    str(tmp / "o1"),
                    "--assets",
                    str(ROOT / "samples" / "assets"),
                    "-q",
                ]
            ],
            args.repeat,
        )
        theirs = _time(
            [
                [
                    "pandoc",
                    str(q),
                    "-t",
                    "epub3",
                    "-o",
                    str(tmp / f"{q.stem}.epub"),
                    "--resource-path",
                    str(ROOT / "samples"),
                ]
                for q in plain
            ],
            args.repeat,
        )
        rows.append((f"samples ({len(samples)} books)", len(samples), ours, theirs))
        for n in (int(x) for x in args.sizes.split(",")):
            d = tmp / f"c{n}"
            d.mkdir()
            mdc, md = [], []
            for i in range(n):
                text = article(i)
                (d / f"a{i:04d}.md").write_text(text, "utf-8")
                (d / f"p{i:04d}.md").write_text(plain_markdown(text), "utf-8")
                mdc.append(str(d / f"a{i:04d}.md"))
                md.append(str(d / f"p{i:04d}.md"))
            ours = _time(
                [
                    [
                        *A11YPRESS,
                        "build",
                        *mdc,
                        "--to",
                        "epub",
                        "-o",
                        str(d / "o"),
                        "--digest",
                        "Bench",
                        "-q",
                    ]
                ],
                args.repeat,
            )
            theirs = _time(
                [["pandoc", *md, "-t", "epub3", "-o", str(d / "pandoc.epub")]], args.repeat
            )
            rows.append((f"digest of {n}", n, ours, theirs))
        print(f"{'case':<22} {'a11ypress s':>11} {'pandoc s':>9} {'ratio':>6} {'ms/article':>10}")
        for name, n, ours, theirs in rows:
            print(
                f"{name:<22} {ours:>11.2f} {theirs:>9.2f} {ours / theirs:>5.2f}x "
                f"{1000 * ours / n:>10.1f}"
            )
        worst = max(o / t for _, _, o, t in rows)
        print(f"worst ratio to pandoc: {worst:.2f}x (target <= 1.00x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
