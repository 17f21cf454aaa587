"""PDF benchmark: a11ypress against WeasyPrint alone, in one run.

A digest of generated articles (about 100 pages) is built with
``a11ypress build ... --to pdf --digest``; the baseline is the ``weasyprint``
command line rendering the very HTML and stylesheet a11ypress hands to WeasyPrint
(same PDF/UA-1 variant), so the ratio is what a11ypress adds: parsing MDC,
rendering the HTML, repairing the structure tree and the post-pass.

Prints both times (best of ``--repeat``, taking turns), pages per second and the ratio
(target: <= 1.05).

Then, in the same run:

- **batches on every core**: ``--batch`` generated articles (20) built without
  ``--digest`` to EPUB and to PDF with ``--jobs 1`` and ``--jobs 2``, whole
  processes taking turns: the speed-ups (target >= 1.6 on 2 cores), and
  whether both give byte-identical files;
- **against pandoc + Typst**: the samples, the seed article and a few
  generated articles through pandoc and Typst to PDF/UA-1
  (``bench/typst_route.py``, in the bench's own environment ``bench/.venv``,
  made on first use with ``typst`` and ``pypandoc-binary``; never the
  product's), and the articles both can build through ``a11ypress build --to
  pdf --jobs 1`` in one call: seconds per article on each route, the articles
  Typst could not build and why, and those whose MDC markup its PDF shows as
  text.

    .venv/bin/python bench/pdf_bench.py [--articles 45] [--batch 20] [--repeat 3]
        [--only digest|batch|typst]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
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
from corpus import write_corpus

BIN = Path(sys.executable).parent
#: The bench's own environment for the pandoc + Typst route (gitignored).
BENCH_VENV = Path(__file__).resolve().parent / ".venv"
TYPST_PACKAGES = ("typst==0.15.0", "pypandoc-binary==1.17")


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
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("digest", "batch", "typst"))
    args = ap.parse_args()
    if args.only in (None, "digest"):
        digest_figures(args)
    if args.only in (None, "batch"):
        batch_figures(args.batch, args.repeat)
    if args.only in (None, "typst"):
        typst_figures(args.repeat)


def digest_figures(args: argparse.Namespace) -> None:
    """a11ypress's digest PDF against WeasyPrint alone on the same HTML."""
    with tempfile.TemporaryDirectory(prefix="a11ypress-pdf-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files = write_corpus(tmp, args.articles)
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
    print(f"ratio a11ypress / WeasyPrint: {ratio:.2f}x (target <= 1.05)")


def _build_cmd(files: list[Path], fmt: str, out: Path, jobs: int) -> list[str]:
    return [str(BIN / "a11ypress"), "build", *map(str, files), "--to", fmt, "-o", str(out),
            "-q", "--jobs", str(jobs)]  # fmt: skip


def _same_files(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    return all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def batch_figures(count: int, repeat: int) -> None:
    """Articles without --digest to EPUB and PDF with one and two jobs; EPUB
    also with ten times as many articles (a batch of fewer than 64 EPUBs is
    converted in the main process alone: see a11ypress.tasks.LIGHT_BATCH)."""
    with tempfile.TemporaryDirectory(prefix="a11ypress-batch-bench-") as tmp_name:
        tmp = Path(tmp_name)
        files = write_corpus(tmp / "in", count * 10)
        print(f"\nbatches, one output per article (best of {repeat}, taking turns)")
        print(f"{'':10} {'--jobs 1':>9} {'--jobs 2':>9} {'speed-up':>9}   CPU -j1   CPU -j2"
              "  bound  identical")  # fmt: skip
        for fmt, n in (("epub", count), ("pdf", count), ("epub", count * 10)):
            one, two = tmp / f"{fmt}{n}-1", tmp / f"{fmt}{n}-2"
            cmds = [_build_cmd(files[:n], fmt, one, 1), _build_cmd(files[:n], fmt, two, 2)]
            (t1, c1), (t2, c2) = _best_with_cpu(cmds, repeat)
            same = "yes" if _same_files(one, two) else "NO"
            label = f"{n} {fmt}"
            # with two idle cores, -j 2 can at best share its CPU time evenly;
            # a small EPUB batch stays in one process (a11ypress.tasks.LIGHT_BATCH)
            bound = "    -" if fmt == "epub" and n < 64 else f"{2 * c1 / c2:5.2f}x"
            print(f"{label:10} {t1:8.2f}s {t2:8.2f}s {t1 / t2:8.2f}x  {c1:7.2f}s {c2:7.2f}s"
                  f" {bound}  {same}")  # fmt: skip
        print("target: speed-up >= 1.6 on 2 cores; CPU: user + system of all processes;")
        print("bound: CPU -j1 / (CPU -j2 / 2), the speed-up two idle cores would allow")


def _best_with_cpu(cmds: list[list[str]], repeat: int) -> list[tuple[float, float]]:
    """(best wall time, its CPU time: user + system of the process and its
    workers) of each command; the commands take turns."""
    best = [(float("inf"), 0.0)] * len(cmds)
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            best[i] = min(best[i], (wall, cpu))
    return best


#: MDC syntax left in a PDF's text: component fences, inline components, attributes.
_MARKUP = re.compile(r"^\s*::|:[a-z][a-z-]*\[|\]\{|\{[.#][\w-]|^\s*#[a-z]+\s*$", re.M)


def _typst_env() -> Path:
    """The bench's own environment with Typst and pandoc (made when missing)."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"making {BENCH_VENV} (typst, pypandoc-binary)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "ensurepip", "-q"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TYPST_PACKAGES], check=True)
    return python


def typst_figures(repeat: int) -> None:
    """Seconds per article to PDF/UA-1: a11ypress against pandoc + Typst."""
    python = _typst_env()
    here = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="a11ypress-typst-bench-") as tmp_name:
        tmp = Path(tmp_name)
        shutil.copytree(here.parent / "samples", tmp / "samples")
        shutil.copy(here.parent / "tests" / "data" / "seed-secure-by-design.md", tmp / "samples")
        inputs = sorted(p for p in (tmp / "samples").glob("*.md") if p.name != "README.md")
        inputs += write_corpus(tmp / "gen", 5)
        run = subprocess.run(
            [str(python), str(here / "typst_route.py"), str(tmp / "typst"), *map(str, inputs),
             "--repeat", str(repeat)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        records = [json.loads(line) for line in run.stdout.splitlines()]
        built = [Path(r["article"]) for r in records if r["ok"]]
        theirs = sum(r["seconds"] for r in records if r["ok"]) / max(1, len(built))
        pdfs = {p.name: tmp / "typst" / (p.stem + ".pdf") for p in built}
        shown = [name for name, pdf in pdfs.items() if _MARKUP.search(_pdf_text(pdf))]
        assets = ["--assets", str(tmp / "samples" / "assets")]
        cmds = [[*_build_cmd(built, "pdf", tmp / f"ours{j}", j), *assets] for j in (1, 2)]
        ours, ours2 = (t / max(1, len(built)) for t in _best_interleaved(cmds, repeat))
    print(f"\nper article to PDF/UA-1, on the {len(built)} of {len(records)} articles both build")
    print(f"{'pandoc + Typst':34} {theirs * 1000:7.0f} ms")
    for label, t in (
        ("a11ypress build, one call, -j 1", ours),
        ("a11ypress build, one call, -j 2", ours2),
    ):
        print(f"{label:34} {t * 1000:7.0f} ms   ratio {t / theirs:.2f}x")
    for r in records:
        if not r["ok"]:
            first = (r["error"] or "").strip().splitlines()[:1]
            print(f"  Typst route failed: {Path(r['article']).name}: {first[0] if first else '?'}")
    print(f"  Typst PDFs showing MDC markup as text: {len(shown)} of {len(built)}:", *shown)


def _pdf_text(path: Path) -> str:
    """The text of a PDF (poppler's pdftotext)."""
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return run.stdout


if __name__ == "__main__":
    main()
