"""Command line: a thin click layer over the library.

Results go to stdout; diagnostics and progress go to stderr.

Exit codes:
  0  success
  1  at least one input could not be converted (the others were)
  2  usage error (bad option, no such file)
  3  ``--strict`` and warnings were reported
  4  a system dependency is missing
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from a11ypress import __version__
from a11ypress.components import Vocabulary, load_vocabulary
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity
from a11ypress.document import Loaded, load
from a11ypress.export import ExportOptions, formats
from a11ypress.judges import JudgeMissing, run_ace, run_epubcheck
from a11ypress.model import Block, Document, Heading
from a11ypress.serialize import to_json
from a11ypress.transforms.digest import digest as make_digest
from a11ypress.transforms.resolve import slugify
from a11ypress.transforms.text import plain_text

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STRICT, EXIT_DEPENDENCY = 0, 1, 2, 3, 4


class Reporter:
    """Prints diagnostics to stderr and remembers the worst."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.errors = 0
        self.warnings = 0

    def report(self, diags: Sequence[Diagnostic]) -> None:
        """Print diagnostics (info only when not quiet)."""
        for d in diags:
            if d.severity is Severity.ERROR:
                self.errors += 1
            elif d.severity is Severity.WARNING:
                self.warnings += 1
            elif self.quiet:
                continue
            click.echo(d.format(), err=True)

    def exit_code(self, failed: int, strict: bool) -> int:
        """Exit code for the run."""
        if failed:
            return EXIT_FAILED
        if strict and self.warnings:
            return EXIT_STRICT
        return EXIT_OK


def _vocab(path: Path | None) -> Vocabulary:
    try:
        return load_vocabulary(path)
    except InputError as exc:
        raise click.UsageError(exc.diagnostic.format()) from exc


def _load(path: Path, vocab: Vocabulary, lang: str, rep: Reporter) -> Loaded | None:
    try:
        loaded = load(path, vocab=vocab, lang=lang)
    except InputError as exc:
        rep.report([exc.diagnostic])
        return None
    except Exception as exc:  # a bug must not stop the other articles
        rep.report([_internal_error(str(path), exc)])
        return None
    rep.report(loaded.diagnostics)
    return None if loaded.failed else loaded


def _internal_error(file: str | None, exc: Exception) -> Diagnostic:
    """A diagnostic for an unexpected exception (a bug in a11ypress)."""
    return Diagnostic(
        "internal-error",
        f"internal error, please report it: {type(exc).__name__}: {exc}",
        Severity.ERROR,
        file,
    )


_components_opt = click.option(
    "--components",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="YAML file mapping component names to roles (extends the built-in vocabulary).",
)
_lang_opt = click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="TAG",
    help="Language when the front matter gives none (BCP 47).",
)
_quiet_opt = click.option("-q", "--quiet", is_flag=True, help="Hide info-level diagnostics.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="a11ypress")
def main() -> None:
    """Turn MDC (Nuxt Content) articles into accessible EPUB 3, tagged PDF and audio.

    Exit codes: 0 success; 1 an input could not be converted; 2 usage error;
    3 warnings under --strict; 4 a system dependency is missing.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--outline", is_flag=True, help="Print only the heading tree.")
@click.option("--positions", is_flag=True, help="Include source line numbers.")
@_components_opt
@_lang_opt
@_quiet_opt
def inspect(
    file: Path, outline: bool, positions: bool, components: Path | None, lang: str, quiet: bool
) -> None:
    """Print the document model of FILE as JSON on stdout."""
    rep = Reporter(quiet)
    try:
        loaded = load(file, vocab=_vocab(components), lang=lang)
    except InputError as exc:
        rep.report([exc.diagnostic])
        sys.exit(EXIT_FAILED)
    rep.report(loaded.diagnostics)
    if outline:
        click.echo(to_json(_outline(loaded.document.children)))
    else:
        click.echo(to_json(loaded.document, positions=positions))
    sys.exit(EXIT_FAILED if loaded.failed else EXIT_OK)


def _outline(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Nested heading tree: [{"level", "text", "id", "children"}]."""
    root: list[dict[str, object]] = []
    stack: list[tuple[int, list[dict[str, object]]]] = [(0, root)]
    for b in blocks:
        if not isinstance(b, Heading):
            continue
        node: dict[str, object] = {
            "level": b.level,
            "text": plain_text(b),
            "id": b.id,
            "children": [],
        }
        while stack[-1][0] >= b.level:
            stack.pop()
        stack[-1][1].append(node)
        kids = node["children"]
        assert isinstance(kids, list)
        stack.append((b.level, kids))
    return root


def _formats(value: str) -> list[str]:
    known = formats()
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [n for n in names if n not in known]
    if bad or not names:
        raise click.BadParameter(
            f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(known)}"
        )
    return names


def _unique_name(stem: str, used: set[str]) -> str:
    name, n = stem, 2
    while name in used:
        name, n = f"{stem}-{n}", n + 1
    used.add(name)
    return name


@main.command()
# FILES are checked one by one (a missing file or a folder fails alone, not the batch).
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "to",
    default="epub",
    show_default=True,
    metavar="FORMATS",
    help="Comma-separated output formats: " + ", ".join(formats()) + ".",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--assets",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Folder that site-absolute image paths (/images/x.webp) resolve against.",
)
@click.option(
    "--style",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Stylesheet to use instead of the built-in one.",
)
@click.option("--strict", is_flag=True, help="Exit with 3 when any warning was reported.")
@click.option(
    "--digest",
    metavar="TITLE",
    help="Write one book of all FILES (one chapter per article) called TITLE, "
    "instead of one output per article.",
)
@click.option(
    "--sort",
    type=click.Choice(["input", "date", "title"]),
    default="input",
    show_default=True,
    help="Order of the articles in a digest.",
)
@_components_opt
@_lang_opt
@_quiet_opt
def build(
    files: tuple[Path, ...],
    to: str,
    out_dir: Path,
    assets: Path | None,
    style: Path | None,
    strict: bool,
    digest: str | None,
    sort: str,
    components: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Convert FILES into accessible outputs in the output folder.

    One broken article does not stop the others; every output is written
    atomically, and an input file is never overwritten.
    """
    names = _formats(to)
    vocab = _vocab(components)
    rep = Reporter(quiet)
    failures: list[str] = []
    used: set[str] = set()
    inputs = {f.resolve() for f in files}
    collected: list[tuple[Path, Document]] = []
    with click.progressbar(
        files,
        label="Converting",
        file=sys.stderr,
        item_show_func=lambda p: str(p) if p else None,
    ) as bar:
        for path in bar:
            loaded = _load(path, vocab, lang, rep)
            if loaded is None:
                failures.append(str(path))
            elif digest is not None:
                collected.append((path, loaded.document))
            else:
                options = ExportOptions(assets=assets, style=style, sources=(path,))
                stem = _unique_name(path.stem, used)
                if _export(loaded.document, stem, names, out_dir, options, inputs, rep):
                    failures.append(str(path))
    if digest is not None and collected:
        book = make_digest(
            [d for _, d in collected], digest, sort=None if sort == "input" else sort
        )
        options = ExportOptions(assets=assets, style=style, sources=tuple(p for p, _ in collected))
        if _export(book, slugify(digest), names, out_dir, options, inputs, rep):
            failures.append(f"digest {digest!r}")
    if failures:
        click.echo(
            f"a11ypress: {len(failures)} failed (of {len(files)} input(s)): " + ", ".join(failures),
            err=True,
        )
    sys.exit(rep.exit_code(len(failures), strict))


def _export(
    doc: Document,
    stem: str,
    names: list[str],
    out_dir: Path,
    options: ExportOptions,
    inputs: set[Path],
    rep: Reporter,
) -> int:
    """Run each chosen exporter on one document; returns the number of failures."""
    failed = 0
    table = formats()
    for name in names:
        ext, exporter = table[name]
        target = out_dir / (stem + ext)
        sink = DiagnosticSink(doc.source)
        if target.resolve() in inputs:
            sink.add(
                "would-overwrite-input",
                f"refusing to overwrite input {target}",
                None,
                Severity.ERROR,
            )
            failed += 1
        else:
            try:
                exporter(doc, target, options, sink)
            except InputError as exc:
                sink.items.append(exc.diagnostic)
                failed += 1
            except OSError as exc:
                sink.add(
                    "write-failed",
                    f"cannot write {target}: {exc.strerror or exc}",
                    None,
                    Severity.ERROR,
                )
                failed += 1
            except Exception as exc:  # a bug must not stop the other outputs
                sink.items.append(_internal_error(doc.source, exc))
                failed += 1
            else:
                click.echo(str(target))
        rep.report(sink.items)
    return failed


@main.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option("--no-ace", is_flag=True, help="Run only EPUBCheck.")
def check(files: tuple[Path, ...], no_ace: bool) -> None:
    """Validate EPUB FILES with EPUBCheck and, when installed, Ace by DAISY.

    Prints one summary line per file and judge on stdout (the findings go to
    stderr). Exits 0 when no judge found anything, 1 otherwise, and 4 when
    EPUBCheck or Java is missing.
    """
    paths = list(files)
    try:
        verdicts = run_epubcheck(paths)
    except JudgeMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    if not no_ace:
        try:
            verdicts += [run_ace(p) for p in paths]
        except JudgeMissing as exc:
            click.echo(f"note: Ace skipped: {exc}", err=True)
    bad = 0
    for v in verdicts:
        for f in v.findings:
            click.echo(
                f"{v.path}: {v.judge}: {f.severity}: {f.code}: {f.message} ({f.location})",
                err=True,
            )
        status = "ok" if v.ok else f"{len(v.findings)} finding(s)"
        click.echo(f"{v.path}\t{v.judge}\t{status}")
        bad += not v.ok
    sys.exit(EXIT_FAILED if bad else EXIT_OK)
