"""Judge a folder of real MDC articles: build each to EPUB and PDF (and audio
with ``--audio``), run every judge on the outputs and print one table.

    .venv/bin/python bench/corpus_judge.py SITE/content --assets SITE/public
    .venv/bin/python bench/corpus_judge.py a.md b.md --no-ace --details

Columns, one row per article:

- ``build``: exit code of ``a11ypress build`` (0 = every format written);
- ``warn``: warnings it reported (info-level diagnostics are not counted);
- ``epubcheck``, ``ace``, ``pdfua``: findings of EPUBCheck (all EPUBs in one
  JVM), Ace by DAISY and the PDF/UA-1 checker ``page-validation`` (``-`` = not run);
- ``epub%``, ``pdf%``: word coverage, the share of the model's words (its
  visible text and alt texts) found in the EPUB's text and in the PDF's text
  (``pdftotext`` plus the structure tree's ``/Alt``, when pikepdf is installed);
- ``leak``: pieces of MDC markup (``::name``, ``:name[``, ``]{``, ``{.class}``,
  ``#slot`` lines, ``{{ }}``) found in the output's text outside code;
- ``lost``: link targets (``to``/``href`` props of components and link URLs)
  that appear nowhere in the EPUB, neither as an address nor as text.

A last line sums up how many articles are clean for each judge.  ``--json FILE``
writes every finding too.  Nothing here is fetched from the network.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree

from a11ypress import model as m
from a11ypress.document import load
from a11ypress.mdc import parse_mdc
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes

_XHTML = "{http://www.w3.org/1999/xhtml}"
_WORD = re.compile(r"[^\W\d_]{2,}")
#: MDC syntax that must never reach a reader (checked outside code).
_LEAKS = [
    re.compile(r"(?<![\w:/.\\])::?[a-z][\w-]*(?=[\[{])"),  # :name[ / ::name{
    re.compile(r"(?m)^\s*::[a-z][\w-]*\s*$"),  # a block fence line
    re.compile(r"(?m)^\s*::\s*$"),  # a closing fence
    re.compile(r"\]\{[^}\s]"),  # [span]{.x}
    re.compile(r"\{\s*[.#][a-zA-Z][\w-]*(?:\s[^}]*)?\}"),  # {.class} / {#id}
    re.compile(r"\{\s*[a-z][\w-]*=\"[^\"]*\"\s*\}"),  # {key="v"}
    re.compile(r"(?m)^\s*#[a-z][\w-]*\s*$"),  # #slot line
    re.compile(r"\{\{[^}]*\}\}"),  # {{ binding }}
]


#: Elements that start a line of their own.
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "td", "th", "figcaption", "br")


@dataclass
class Row:
    """What the judges said about one article."""

    article: str
    """Path of the article as given (shortened for the table)."""
    build: int | None = None
    """Exit code of the build."""
    warnings: int = 0
    """Warnings the build reported."""
    epubcheck: list[str] = field(default_factory=list)
    """EPUBCheck findings (``code: message``)."""
    ace: list[str] | None = None
    """Ace findings, None when not run."""
    pdfua: list[str] | None = None
    """PDF/UA-1 findings, None when not run."""
    words: int = 0
    """Words in the model."""
    epub_found: int = 0
    """Model words found in the EPUB's text."""
    pdf_found: int = 0
    """Model words found in the PDF's text."""
    missing: list[str] = field(default_factory=list)
    """A few model words found in neither output."""
    leaks: list[str] = field(default_factory=list)
    """MDC markup found in an output's text."""
    lost: list[str] = field(default_factory=list)
    """Link targets that appear nowhere in the EPUB."""
    diagnostics: list[str] = field(default_factory=list)
    """The build's warning and error lines."""

    @property
    def clean(self) -> bool:
        """Every judge ran and found nothing, and no text was lost or leaked."""
        return (
            self.build == 0
            and not self.epubcheck
            and not self.ace
            and not self.pdfua
            and not self.leaks
            and not self.lost
            and self.epub_found == self.words
            and self.pdf_found == self.words
        )


def articles(paths: Iterable[Path]) -> list[Path]:
    """Every ``.md`` file named or found under a named folder, sorted."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.md") if q.is_file()))
        else:
            out.append(p)
    return out


def site_assets(article: Path) -> Path | None:
    """The ``public/`` folder of the nearest ancestor that has one (a Nuxt site)."""
    for parent in article.resolve().parents:
        if (parent / "public").is_dir():
            return parent / "public"
    return None


def build(article: Path, out: Path, formats: str, assets: Path | None) -> tuple[int, list[str]]:
    """Run ``a11ypress build`` on one article; its exit code and warning lines."""
    cmd = [sys.executable, "-m", "a11ypress", "build", str(article), "--to", formats]
    cmd += ["-o", str(out), "-q"]
    if assets is not None:
        cmd += ["--assets", str(assets)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [
        ln
        for ln in proc.stderr.splitlines()
        if ": warning: " in ln or ": error: " in ln or "Traceback" in ln
    ]
    return proc.returncode, lines


# ------------------------------------------------------------------- text


def model_words(doc: m.Document) -> Counter[str]:
    """Words of the model's visible text: title, body, alt texts, footnotes."""
    text = " ".join([doc.metadata.title or "", plain_text(doc.children), plain_text(doc.footnotes)])
    return Counter(w.lower() for w in _WORD.findall(text))


def model_code(doc: m.Document) -> str:
    """Text of every code block and inline code (where MDC syntax may be shown)."""
    parts = [n.text for n in iter_nodes(doc) if isinstance(n, m.CodeBlock | m.Code)]
    return "\n".join(parts)


def link_targets(path: Path, doc: m.Document) -> set[str]:
    """Targets the reader must be able to reach: link URLs of the model and
    ``to``/``href`` props of components as written."""
    out = {n.url for n in iter_nodes(doc) if isinstance(n, m.Link | m.LinkCard) and n.url}
    raw = parse_mdc(path.read_text("utf-8"), str(path))
    for n in iter_nodes(raw.children):
        if isinstance(n, m.Component | m.InlineComponent):
            for key in ("to", "href"):
                v = n.props.get(key)
                if isinstance(v, str) and v.strip():
                    out.add(v.strip())
    return {u for u in out if not u.startswith("#")}


def epub_text(epub: Path) -> tuple[str, str, str]:
    """(all text with alt texts, text outside code, every attribute value) of an
    EPUB's chapters (navigation and title page left out)."""
    texts, prose, attrs = [], [], []
    with zipfile.ZipFile(epub) as z:
        for name in sorted(z.namelist()):
            base = name.rsplit("/", 1)[-1]
            if not name.endswith(".xhtml") or base in ("nav.xhtml", "title.xhtml"):
                continue
            root = etree.fromstring(z.read(name))
            body = root.find(f"{_XHTML}body")
            if body is None:
                continue
            for e in body.iter():
                attrs.extend(str(v) for v in e.attrib.values())
                if e.tag == f"{_XHTML}img" and e.get("alt"):
                    texts.append(" " + str(e.get("alt")) + " ")
            texts.append(" ".join(body.itertext()))
            for code in body.iter(f"{_XHTML}pre", f"{_XHTML}code"):
                code.clear(keep_tail=True)
            for e in body.iter(*(_XHTML + t for t in _BLOCKS)):
                e.tail = "\n" + (e.tail or "")  # one line per block, as a reader sees it
            prose.append("".join(body.itertext()))
    return "\n".join(texts), "\n".join(prose), "\n".join(attrs)


def pdf_text(pdf: Path) -> str:
    """``pdftotext`` of a PDF plus the alt text of its figures."""
    proc = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=False
    )
    text = proc.stdout
    try:
        import pikepdf
    except ImportError:
        return text
    alts = []
    with pikepdf.open(pdf) as p:
        for obj in p.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj:
                alts.append(str(obj.get("/Alt")))
    return text + "\n" + "\n".join(alts)


def found(words: Counter[str], text: str) -> tuple[int, list[str]]:
    """How many model words (counted with repeats) the text holds, and which
    are missing.  A word split by a line break inside code or a URL counts as
    found when the text without whitespace holds it."""
    have = Counter(w.lower() for w in _WORD.findall(text))
    squashed = re.sub(r"\s+", "", text).lower()
    total, missing = 0, []
    for w, n in words.items():
        k = min(n, have[w])
        if k < n and w in squashed:
            k = n
        total += k
        if k < n:
            missing.append(w)
    return total, missing


def leaks(text: str, code: str) -> list[str]:
    """MDC markup in ``text`` that is not shown as code in the model."""
    out = []
    for pat in _LEAKS:
        for hit in pat.finditer(text):
            s = hit.group(0).strip()
            if s and s not in code:
                out.append(s)
    return out


# ------------------------------------------------------------------- main


def judge(args: argparse.Namespace) -> list[Row]:
    """Build every article, run the judges, return the rows."""
    files = articles(args.paths)
    if not files:
        sys.exit("corpus_judge: no .md files found")
    out_root = Path(args.out or tempfile.mkdtemp(prefix="a11ypress-corpus-"))
    out_root.mkdir(parents=True, exist_ok=True)
    formats = "epub,pdf" + (",audio" if args.audio else "")
    rows = [Row(str(f)) for f in files]
    outs = [out_root / f"{i:03d}" for i in range(len(files))]

    def one(i: int) -> None:
        assets = args.assets
        if assets is not None and str(assets) == "auto":
            assets = site_assets(files[i])
        rows[i].build, rows[i].diagnostics = build(files[i], outs[i], formats, assets)
        rows[i].warnings = sum(": warning: " in d for d in rows[i].diagnostics)
        print(f"built {i + 1}/{len(files)}: {files[i]} (exit {rows[i].build})", file=sys.stderr)

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(one, range(len(files))))

    epubs = {i: next(outs[i].glob("*.epub"), None) for i in range(len(files))}
    pdfs = {i: next(outs[i].glob("*.pdf"), None) for i in range(len(files))}
    from a11ypress.judges import run_ace, run_epubcheck, run_pdfua

    have = [i for i, p in epubs.items() if p is not None]
    print(f"EPUBCheck on {len(have)} EPUBs", file=sys.stderr)
    for i, v in zip(have, run_epubcheck([epubs[i] for i in have]), strict=True):  # type: ignore[misc]
        rows[i].epubcheck = [f"{f.code}: {f.message} ({f.location})" for f in v.findings]
    for i in range(len(files)):
        if epubs[i] is None:
            rows[i].epubcheck = ["NO-EPUB"]

    def ace(i: int) -> None:
        path = epubs[i]
        if path is not None:
            rows[i].ace = [f"{f.code}: {f.message}" for f in run_ace(path).findings]

    def pdfua(i: int) -> None:
        path = pdfs[i]
        if path is None:
            rows[i].pdfua = ["NO-PDF"]
        else:
            rows[i].pdfua = [f"{f.code}: {f.message}" for f in run_pdfua(path).findings]

    print("PDF/UA-1 checker" + ("" if args.no_ace else " and Ace"), file=sys.stderr)
    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(pdfua, range(len(files))))
        if not args.no_ace:
            list(pool.map(ace, range(len(files))))

    for i, f in enumerate(files):
        _coverage(rows[i], f, epubs[i], pdfs[i])
    if args.out is None:
        shutil.rmtree(out_root, ignore_errors=True)
    return rows


def _coverage(row: Row, path: Path, epub: Path | None, pdf: Path | None) -> None:
    try:
        doc = load(path).document
    except Exception as exc:  # the build row already says why
        row.missing = [f"(not loaded: {exc})"]
        return
    words = model_words(doc)
    code = model_code(doc)
    row.words = sum(words.values())
    missing: set[str] = set()
    if epub is not None:
        text, prose, attrs = epub_text(epub)
        row.epub_found, miss = found(words, text)
        missing.update(miss)
        row.leaks += leaks(prose, code)
        seen = text + "\n" + attrs
        row.lost = sorted(u for u in link_targets(path, doc) if u not in seen)
    if pdf is not None:
        text = pdf_text(pdf)
        row.pdf_found, miss = found(words, text)
        missing.update(miss)
        row.leaks += [f"pdf: {s}" for s in leaks(text, code)]
    row.missing = sorted(missing)[:20]


def _pct(k: int, n: int) -> str:
    if n == 0:
        return "-"
    return "100" if k == n else f"{100 * k / n:.1f}"


def _count(v: list[str] | None) -> str:
    return "-" if v is None else str(len(v))


def table(rows: list[Row], root: Path | None) -> str:
    """The judges' table as text."""

    def short(p: str) -> str:
        if root is not None:
            try:
                return str(Path(p).resolve().relative_to(root.resolve()))
            except ValueError:
                pass
        return p

    head = ["article", "build", "warn", "epubcheck", "ace", "pdfua"]
    head += ["epub%", "pdf%", "leak", "lost"]
    body = [
        [
            short(r.article),
            str(r.build),
            str(r.warnings),
            str(len(r.epubcheck)),
            _count(r.ace),
            _count(r.pdfua),
            _pct(r.epub_found, r.words),
            _pct(r.pdf_found, r.words),
            str(len(r.leaks)),
            str(len(r.lost)),
        ]
        for r in rows
    ]
    n = len(rows)
    ace_run = [r for r in rows if r.ace is not None]
    total_words = sum(r.words for r in rows)
    body.append(
        [
            f"clean: {sum(r.clean for r in rows)}/{n}",
            f"{sum(r.build == 0 for r in rows)}/{n}",
            str(sum(r.warnings for r in rows)),
            f"{sum(not r.epubcheck for r in rows)}/{n}",
            f"{sum(not r.ace for r in ace_run)}/{len(ace_run)}" if ace_run else "-",
            f"{sum(not r.pdfua for r in rows)}/{n}",
            _pct(sum(r.epub_found for r in rows), total_words),
            _pct(sum(r.pdf_found for r in rows), total_words),
            f"{sum(not r.leaks for r in rows)}/{n}",
            f"{sum(not r.lost for r in rows)}/{n}",
        ]
    )
    widths = [max(len(row[c]) for row in [head, *body]) for c in range(len(head))]
    lines = []
    for k, row in enumerate([head, *body]):
        if k == len(body):  # the totals row
            lines.append("  ".join("-" * w for w in widths))
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def details(rows: list[Row]) -> str:
    """Every finding, article by article (articles with none left out)."""
    out = []
    for r in rows:
        items = [
            *(f"  build: {d}" for d in r.diagnostics),
            *(f"  epubcheck: {f}" for f in r.epubcheck),
            *(f"  ace: {f}" for f in r.ace or ()),
            *(f"  pdfua: {f}" for f in r.pdfua or ()),
            *(f"  leak: {s}" for s in r.leaks),
            *(f"  lost: {u}" for u in r.lost),
        ]
        if r.words and (r.epub_found < r.words or r.pdf_found < r.words):
            items.append(f"  missing words: {', '.join(r.missing)}")
        if items:
            out.append(r.article)
            out.extend(items)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; exit 1 when an article is not clean."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", type=Path, help="articles or folders of articles")
    ap.add_argument(
        "--assets",
        help="folder that site-absolute image paths resolve against; "
        "'auto': the public/ folder of the nearest ancestor that has one",
    )
    ap.add_argument("--out", type=Path, help="keep the outputs here (default: a temporary folder)")
    ap.add_argument("--audio", action="store_true", help="build the audio edition too")
    ap.add_argument("--no-ace", action="store_true", help="skip Ace by DAISY (the slowest judge)")
    ap.add_argument("--jobs", type=int, default=2, help="builds and judges at once (default 2)")
    ap.add_argument("--details", action="store_true", help="print every finding after the table")
    ap.add_argument("--json", type=Path, help="write every row and finding to this JSON file")
    ap.add_argument("--root", type=Path, help="show article paths relative to this folder")
    args = ap.parse_args(argv)
    if args.assets is not None and args.assets != "auto":
        args.assets = Path(args.assets)
    rows = judge(args)
    print(table(rows, args.root))
    if args.details:
        print()
        print(details(rows))
    if args.json:
        args.json.write_text(
            json.dumps([{**asdict(r), "clean": r.clean} for r in rows], indent=1) + "\n", "utf-8"
        )
    return 0 if all(r.clean for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
