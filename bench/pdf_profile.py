"""Where the digest PDF's time goes: a study of one ``--digest`` PDF build.

The same digest of generated articles as ``bench/pdf_bench.py`` is built in
this process, and CPU time (best of ``--repeat``, the variants taking turns so
a load that comes and goes falls on all alike) is measured for:

- our own steps before WeasyPrint: reading and parsing the articles, making the
  digest, rendering and serialising its HTML;
- WeasyPrint alone on that HTML (``HTML.render`` then ``Document.write_pdf``,
  PDF/UA-1), split into its steps by a profile: CSS cascade, formatting
  structure, layout, drawing and tagging, writing the file;
- the same with our repairs switched on one by one (tagging repairs of
  :mod:`a11ypress.export.pdftags`, hanging spaces of
  :mod:`a11ypress.export.pdflayout`, the ToUnicode finisher), and our whole
  ``build_pdf``.

It prints first the CPU time of the whole commands ``bench/pdf_bench.py``
compares (wall time there), steadier on a busy machine.  It also shows why the
articles cannot simply be laid out apart (in other processes) and their pages
joined with ``Document.copy``: a laid-out page cannot leave its process, and
each part numbers its pages from 1.

    .venv/bin/python bench/pdf_profile.py [--articles 45] [--repeat 3]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import forget_parsed, load
from a11ypress.export import ExportOptions
from a11ypress.export.pdf import BASE_URL, build_html, build_pdf
from a11ypress.export.pdflayout import hanging_spaces
from a11ypress.export.pdftags import fix_unicode_maps, repaired_tags
from a11ypress.render.dom import serialize
from a11ypress.styles import stylesheet
from a11ypress.transforms.digest import digest
from corpus import write_corpus

BIN = Path(sys.executable).parent

#: WeasyPrint's steps, by the function a profile charges them to.
STEPS = (
    ("CSS cascade", "css/__init__.py", "get_all_computed_styles"),
    ("formatting structure", "formatting_structure/build.py", "build_formatting_structure"),
    ("layout", "layout/__init__.py", "layout_document"),
    ("  of which line breaking", "text/line_break.py", "split_first_line"),
    ("drawing the pages", "weasyprint/document.py", "paint"),
    ("structure tree (tags)", "pdf/tags.py", "add_tags"),
    ("writing, compressing", "pydyf/__init__.py", "write"),
)


def _cpu(fn: Callable[[], object]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def _best(variants: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(repeat):
        for name, fn in variants.items():
            best[name] = min(best[name], _cpu(fn))
    return best


def _weasy(
    html: str,
    css: str,
    wraps: tuple[Callable[[], AbstractContextManager[None]], ...] = (),
    finisher: Any = None,
) -> bytes:
    from weasyprint import CSS, HTML

    with ExitStack() as stack:
        for wrap in wraps:
            stack.enter_context(wrap())
        sheets = [CSS(string="@page { size: A4; }"), CSS(string=css)]
        doc = HTML(string=html, base_url=BASE_URL).render(stylesheets=sheets)
        pdf = doc.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32, finisher=finisher)
    assert isinstance(pdf, bytes)
    return pdf


def _steps(fn: Callable[[], object]) -> list[tuple[str, float]]:
    prof = cProfile.Profile()
    prof.runcall(fn)
    stats: Any = getattr(pstats.Stats(prof), "stats")  # noqa: B009 - untyped attribute
    total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.items())
    out = [("total (profiled)", total)]
    for label, file, func in STEPS:
        cum = sum(
            ct
            for (f, _, name), (_, _, _, ct, _) in stats.items()
            if f.endswith(file) and name == func
        )
        out.append((label, cum))
    return out


@contextmanager
def _none() -> Iterator[None]:
    yield


def _always_checking() -> AbstractContextManager[None]:
    """The hanging-spaces repair as it was before: every split text ending in a
    space laid out a second time."""
    import a11ypress.export.pdflayout as layout

    @contextmanager
    def wrap() -> Iterator[None]:
        quick = layout._several_words
        layout._several_words = lambda *_: False
        try:
            with hanging_spaces():
                yield
        finally:
            layout._several_words = quick

    return wrap()


def _parts_restart_page_numbers(files: list[Path], css: str) -> tuple[bool, str]:
    """Whether pages of separately laid out articles, joined with
    ``Document.copy``, keep the digest's page numbers (they do not); and why
    they cannot be laid out in other processes."""
    import pickle

    from weasyprint import CSS, HTML

    sheets = [CSS(string="@page { size: A4; }"), CSS(string=css)]
    docs = []
    for f in files:
        root, _ = build_html(load(f).document, ExportOptions(sources=(f,)), DiagnosticSink())
        html = serialize(root).decode("utf-8")
        docs.append(HTML(string=html, base_url=BASE_URL).render(stylesheets=sheets))
    joined = docs[0].copy([p for d in docs for p in d.pages])
    try:
        pickle.dumps(joined.pages[0])
        why = "pages can be sent to another process"
    except (TypeError, pickle.PicklingError) as exc:
        why = f"a laid-out page cannot be sent to another process ({exc})"
    pdf = joined.write_pdf(pdf_variant="pdf/ua-1")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8", "replace")
    totals = {m.group(2) for m in re.finditer(r"^\s*(\d+) / (\d+)\s*$", text, re.M)}
    return totals == {str(len(joined.pages))}, why


def _children_cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return kids.ru_utime + kids.ru_stime


def _commands(files: list[Path], html: str, css: str, tmp: Path, repeat: int) -> dict[str, float]:
    """CPU time (user + system, best of ``repeat``, taking turns) of the whole
    ``a11ypress build --to pdf --digest`` command and of the ``weasyprint``
    command line on the same HTML and stylesheet, as ``bench/pdf_bench.py``
    runs them (wall time there; CPU time here, steadier on a busy machine)."""
    (tmp / "digest.html").write_text(html, "utf-8")
    (tmp / "print.css").write_text("@page { size: A4; }\n" + css, "utf-8")
    ours = [str(BIN / "a11ypress"), "build", *map(str, files), "--to", "pdf"]
    ours += ["-o", str(tmp / "ours"), "--digest", "Bench digest", "-q"]
    base = [str(BIN / "weasyprint"), "--pdf-variant", "pdf/ua-1", "-s", str(tmp / "print.css")]
    base += [str(tmp / "digest.html"), str(tmp / "weasyprint.pdf")]
    best = {"a11ypress build": float("inf"), "weasyprint command": float("inf")}
    for _ in range(repeat):
        for name, cmd in (("a11ypress build", ours), ("weasyprint command", base)):
            t0 = _children_cpu()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            best[name] = min(best[name], _children_cpu() - t0)
    return best


def main() -> None:
    """Run and print the study."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=45)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="a11ypress-pdf-profile-") as tmp_name:
        tmp = Path(tmp_name)
        files = write_corpus(tmp, args.articles)
        options = ExportOptions(sources=tuple(files))

        def ours_before() -> bytes:
            forget_parsed()  # time real parses
            book = digest([load(f).document for f in files], "Bench digest")
            root, _ = build_html(book, options, DiagnosticSink())
            return serialize(root)

        html = ours_before().decode("utf-8")
        css = stylesheet("print").decode("utf-8")
        book = digest([load(f).document for f in files], "Bench digest")
        variants: dict[str, Callable[[], object]] = {
            "WeasyPrint alone": lambda: _weasy(html, css),
            "+ tagging repairs": lambda: _weasy(html, css, (repaired_tags,)),
            "+ hanging spaces": lambda: _weasy(html, css, (hanging_spaces,)),
            "+ hanging spaces (before)": lambda: _weasy(html, css, (_always_checking,)),
            "+ ToUnicode finisher": lambda: _weasy(html, css, (_none,), fix_unicode_maps),
            "our build_pdf (all)": lambda: build_pdf(book, options, DiagnosticSink()),
            "our steps before it": ours_before,
        }
        whole = _commands(files, html, css, tmp, args.repeat)
        print(
            f"whole commands, CPU seconds, best of {args.repeat}: a11ypress build "
            f"{whole['a11ypress build']:.2f} s, weasyprint {whole['weasyprint command']:.2f} s"
            f" = {whole['a11ypress build'] / whole['weasyprint command']:.2f}x"
        )
        best = _best(variants, args.repeat)
        base = best["WeasyPrint alone"]
        print(f"digest of {args.articles} articles; CPU seconds, best of {args.repeat}")
        for name, s in best.items():
            print(f"  {name:26} {s:7.2f} s  {s / base:5.2f}x WeasyPrint alone")
        ours = best["our build_pdf (all)"] + best["our steps before it"]
        print(f"  {'ours, parse to PDF':26} {ours:7.2f} s  {ours / base:5.2f}x WeasyPrint alone")
        print("WeasyPrint alone, by step (profiled, so slower; shares matter):")
        steps = _steps(lambda: _weasy(html, css))
        total = steps[0][1]
        for label, s in steps:
            print(f"  {label:26} {s:7.2f} s  {100 * s / total:5.1f}%")
        right, why = _parts_restart_page_numbers(files[:4], css)
        print(
            "4 articles laid out apart and their pages joined: "
            + ("page numbers right" if right else "each restarts its page numbers (1 / n)")
            + f"; {why}"
        )


if __name__ == "__main__":
    main()
