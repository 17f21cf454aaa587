"""Parse benchmark: a11ypress's full parse vs markdown-it-py's plain parse.

Prints our time as a ratio to markdown-it-py (CommonMark preset, no plugins)
parsing the same text in the same run, for growing corpora, so both the ratio
(target <= 1.25x) and linearity (time per article roughly constant) can be read.

    .venv/bin/python bench/parse_bench.py [--sizes 250,500,1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from markdown_it import MarkdownIt

from a11ypress.document import forget_parsed, parse_text
from corpus import corpus


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    """Run the benchmark and print one line per corpus size."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="250,500,1000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    plain = MarkdownIt("commonmark")
    print(
        f"{'articles':>8} {'words':>9} {'baseline s':>10} {'a11ypress s':>11} {'ratio':>6} "
        f"{'ms/article':>10}"
    )
    ratios = []
    for n in (int(x) for x in args.sizes.split(",")):
        texts = corpus(n)
        words = sum(len(t.split()) for t in texts)
        parse_text(texts[0])  # warm caches
        base = _best(lambda: [plain.parse(t) for t in texts], args.repeat)  # noqa: B023
        ours = _best(
            lambda: (forget_parsed(), [parse_text(t) for t in texts]),  # noqa: B023
            args.repeat,
        )
        ratios.append(ours / base)
        print(
            f"{n:>8} {words:>9} {base:>10.3f} {ours:>11.3f} {ours / base:>5.2f}x "
            f"{1000 * ours / n:>10.2f}"
        )
    print(f"ratio to markdown-it-py plain parse: {max(ratios):.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
