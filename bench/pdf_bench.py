"""PDF benchmark: a11ypress against WeasyPrint alone, in one run.

A digest of generated articles (about 100 pages) is built with
``a11ypress build ... --to pdf --digest``; the baseline is the ``weasyprint``
command line rendering the very HTML and stylesheet a11ypress hands to WeasyPrint
(same PDF/UA-1 variant), so the ratio is what a11ypress adds: parsing MDC,
rendering the HTML, repairing the structure tree and the post-pass.

Prints both times (best of ``--repeat``, taking turns), pages per second and the ratio
(target: <= 1.1).

    .venv/bin/python bench/pdf_bench.py [--articles 45] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).parent))

from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load
from a11ypress.export import ExportOptions
from a11ypress.export.pdf import build_html
from a11ypress.render.dom import serialize
from a11ypress.styles import stylesheet
from a11ypress.transforms.digest import digest
from corpus import article

BIN = Path(sys.executable).parent


def _best_interleaved(cmds: list[list[str]], repeat: int) -> list[float]:
    """Best time of each command; the commands take turns, so a load that comes
    and goes on the machine falls on both alike."""
    best = [float("inf")] * len(cmds)
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            best[i] = min(best[i], time.perf_counter() - t0)
    return best


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=45)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="a11ypress-pdf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files = []
        for i in range(args.articles):
            f = tmp / f"a{i:03d}.md"
            f.write_text(article(i), "utf-8")
            files.append(f)
        title = "Bench digest"
        ours_cmd = [
            str(BIN / "a11ypress"),
            "build",
            *map(str, files),
            "--to",
            "pdf",
            "-o",
            str(tmp / "ours"),
            "--digest",
            title,
            "-q",
        ]
        # The same HTML and CSS, for WeasyPrint alone.
        book = digest([load(f).document for f in files], title)
        root, _ = build_html(book, ExportOptions(sources=tuple(files)), DiagnosticSink())
        html = tmp / "digest.html"
        html.write_bytes(serialize(root))
        css = tmp / "print.css"
        css.write_bytes(b"@page { size: A4; }\n" + stylesheet("print"))
        base_cmd = [
            str(BIN / "weasyprint"),
            "--pdf-variant",
            "pdf/ua-1",
            "-s",
            str(css),
            str(html),
            str(tmp / "weasyprint.pdf"),
        ]
        ours, base = _best_interleaved([ours_cmd, base_cmd], args.repeat)
        with pikepdf.open(tmp / "ours" / "bench-digest.pdf") as pdf:
            pages = len(pdf.pages)
        with pikepdf.open(tmp / "weasyprint.pdf") as pdf:
            base_pages = len(pdf.pages)
    print(f"digest of {args.articles} articles: {pages} pages (WeasyPrint alone: {base_pages})")
    print(f"{'':24} {'seconds':>8} {'pages/s':>8}")
    print(f"{'a11ypress build':24} {ours:8.2f} {pages / ours:8.1f}")
    print(f"{'weasyprint alone':24} {base:8.2f} {base_pages / base:8.1f}")
    ratio = ours / base
    print(f"ratio a11ypress / WeasyPrint: {ratio:.2f}x (target <= 1.10)")


if __name__ == "__main__":
    main()
