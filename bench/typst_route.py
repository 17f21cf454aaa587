"""The pandoc + Typst route to a PDF/UA-1, timed per article (for pdf_bench.py).

Runs in the bench's own environment, never the product's:

    python3 -m venv bench/.venv
    bench/.venv/bin/pip install typst==0.15.0 pypandoc-binary==1.17
    bench/.venv/bin/python bench/typst_route.py OUT_DIR ARTICLE...

For each article: pandoc (the binary pypandoc-binary ships) turns the Markdown
into Typst source, written beside the article (so pass copies: its relative
images are found from there, the article's folder being the Typst root), then
Typst compiles it to a PDF/UA-1 file in OUT_DIR.  Prints one JSON line per
article: its path, whether it built, the error when not, and the best of
``--repeat`` times in seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

import pypandoc  # type: ignore[import-not-found, unused-ignore]
import typst  # type: ignore[import-not-found, unused-ignore]


def _once(pandoc: str, article: Path, out: Path) -> None:
    """One article through pandoc and Typst (raises when either fails)."""
    source = article.with_suffix(".typ")
    subprocess.run(
        [pandoc, str(article), "-f", "markdown", "-t", "typst", "-s", "-o", str(source)],
        check=True,
        capture_output=True,
    )
    typst.compile(str(source), output=str(out), root=str(article.parent), pdf_standards="ua-1")


def main() -> None:
    """Time each article and print the JSON lines."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("articles", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pandoc = pypandoc.get_pandoc_path()
    args.out.mkdir(parents=True, exist_ok=True)
    for article in args.articles:
        out = args.out / (article.stem + ".pdf")
        best, error = float("inf"), None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            try:
                _once(pandoc, article, out)
            except Exception as exc:  # pandoc or Typst refused the article
                detail = getattr(exc, "stderr", None) or str(exc)
                error = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else detail
                break
            best = min(best, time.perf_counter() - t0)
        seconds = None if error is not None else best
        record = {"article": str(article), "ok": error is None, "seconds": seconds, "error": error}
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
