"""Command line: a thin click layer over the library.

Results go to stdout; diagnostics and progress go to stderr.

Exit codes:
  0  success
  1  at least one input could not be read or converted (the others were);
     a missing input file is one of these, in every command
  2  usage error (bad option, an option's file missing, an unusable -o)
  3  ``--strict`` and warnings were reported
  4  a system dependency is missing
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from a11ypress import __version__
from a11ypress.components import Vocabulary, load_vocabulary
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity, printable
from a11ypress.document import Loaded, load
from a11ypress.export import ExportOptions, formats, output_extension, output_paths
from a11ypress.export.pdf import PAPERS
from a11ypress.fsutil import real_path
from a11ypress.judges import JudgeMissing, Verdict, run_ace, run_epubcheck, run_pdfua
from a11ypress.model import Block, Document, Heading
from a11ypress.serialize import to_json
from a11ypress.transforms.digest import digest as make_digest
from a11ypress.transforms.resolve import slugify
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes
from a11ypress.tts.options import AUDIO_FORMATS, AudioFormat, AudioOptions

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STRICT, EXIT_DEPENDENCY = 0, 1, 2, 3, 4


class Reporter:
    """Prints diagnostics to stderr and remembers the worst."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.errors = 0
        self.warnings = 0
        self.seen: set[Diagnostic] = set()

    def report(self, diags: Sequence[Diagnostic]) -> None:
        """Print diagnostics (info only when not quiet), each once: the same
        problem found again by another format's exporter is not repeated."""
        for d in diags:
            if d in self.seen:
                continue
            self.seen.add(d)
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
_read_code_opt = click.option(
    "--read-code", is_flag=True, help="Audio: read code samples line by line (default: announce)."
)
_lexicon_opt = click.option(
    "--lexicon",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Audio: YAML pronunciation lexicon ({language|all: {written: spoken}}).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="a11ypress")
def main() -> None:
    """Turn MDC (Nuxt Content) articles into accessible EPUB 3, tagged PDF and audio.

    Exit codes: 0 success; 1 an input could not be read or converted (a
    missing file included); 2 usage error; 3 warnings under --strict; 4 a
    system dependency is missing.

    \b
    Examples:
      a11ypress build post.md --to epub,pdf,audio -o out
      a11ypress inspect --outline post.md
      a11ypress check out/post.epub out/post.pdf
      a11ypress COMMAND --help            # each command's options and examples
    """


@main.command()
# FILE is read by load(): a missing file is exit 1 with a diagnostic, as in build.
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--outline", is_flag=True, help="Print only the heading tree.")
@click.option("--positions", is_flag=True, help="Include source line numbers.")
@_components_opt
@_lang_opt
@_quiet_opt
def inspect(
    file: Path, outline: bool, positions: bool, components: Path | None, lang: str, quiet: bool
) -> None:
    """Print the document model of FILE as JSON on stdout.

    \b
    Examples:
      a11ypress inspect post.md
      a11ypress inspect --outline post.md
      a11ypress inspect --positions --components site.yaml post.md
    """
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
    """Nested heading tree: [{"level", "text", "id", "children"}], with the
    headings inside components, callouts and lists too (in document order)."""
    root: list[dict[str, object]] = []
    stack: list[tuple[int, list[dict[str, object]]]] = [(0, root)]
    for b in iter_nodes(blocks):
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
    help="EPUB stylesheet to use instead of the built-in epub.css (its url()s are removed).",
)
@click.option(
    "--paper",
    type=click.Choice(sorted(PAPERS)),
    default="a4",
    show_default=True,
    help="Paper size of PDFs.",
)
@click.option(
    "--print-style",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Print stylesheet to use for PDFs instead of the built-in print.css.",
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
@click.option(
    "--audio-format",
    type=click.Choice(list(AUDIO_FORMATS)),
    default="mp3",
    show_default=True,
    help="Audio: container (m4b needs ffmpeg).",
)
@click.option(
    "--voice", metavar="VOICE", help="Audio: voice id, name or language (see `a11ypress voices`)."
)
@click.option(
    "--rate",
    type=click.IntRange(80, 450),
    default=175,
    show_default=True,
    help="Audio: speaking rate in words per minute.",
)
@_read_code_opt
@_lexicon_opt
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    help="Audio: synthesis worker processes (default: one per core).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Audio: cache of synthesised sentences (default: $XDG_CACHE_HOME/a11ypress).",
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
    paper: str,
    print_style: Path | None,
    strict: bool,
    digest: str | None,
    sort: str,
    audio_format: AudioFormat,
    voice: str | None,
    rate: int,
    read_code: bool,
    lexicon: Path | None,
    jobs: int | None,
    cache_dir: Path | None,
    components: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Convert FILES into accessible outputs in the output folder.

    One broken article does not stop the others; every output is written
    atomically, and an input file is never overwritten. The audio format also
    writes NAME.vtt and NAME.timings.json (the time of every sentence).

    \b
    Examples:
      a11ypress build post.md                      # out/post.epub
      a11ypress build posts/*.md --to epub,pdf,audio -o books --assets public
      a11ypress build posts/*.md --digest "Spring issue" --sort date --to pdf
    """
    names = _formats(to)
    audio = AudioOptions(
        format=audio_format,
        voice=voice,
        rate=rate,
        read_code=read_code,
        lexicon=lexicon,
        jobs=jobs,
        cache_dir=cache_dir,
        progress=not quiet,
    )
    if "audio" in names:
        from a11ypress.tts.engine import espeak_missing

        problem = espeak_missing()
        if problem is not None:
            click.echo(f"error: {problem}", err=True)
            sys.exit(EXIT_DEPENDENCY)
    if "audio" in names and audio_format == "m4b":
        from a11ypress.tts.m4b import FFMPEG_HINT, ffmpeg_path

        if ffmpeg_path() is None:
            click.echo(f"error: {FFMPEG_HINT}", err=True)
            sys.exit(EXIT_DEPENDENCY)
    _check_out_dir(out_dir)
    vocab = _vocab(components)
    rep = Reporter(quiet)
    claims: dict[Path, str] = {}
    failures: list[str] = []
    used: set[str] = set()
    inputs = {real_path(f) for f in files}
    collected: list[tuple[Path, Document]] = []
    if "audio" in names and digest is None and len(files) > 1:
        _prefetch_audio(files, vocab, lang, ExportOptions(assets=assets, audio=audio))
    with click.progressbar(
        files,
        label="Converting",
        file=sys.stderr,
        item_show_func=lambda p: printable(str(p)) if p else None,
        hidden=quiet,
    ) as bar:
        for path in bar:
            loaded = _load(path, vocab, lang, rep)
            if loaded is None:
                failures.append(str(path))
            elif digest is not None:
                collected.append((path, loaded.document))
            else:
                options = ExportOptions(
                    assets=assets,
                    style=style,
                    sources=(path,),
                    paper=paper,
                    print_style=print_style,
                    audio=audio,
                )
                stem = _unique_name(path.stem, used)
                if _export(
                    loaded.document, stem, names, out_dir, options, inputs, rep, claims
                ):
                    failures.append(str(path))
    if digest is not None and collected:
        book = make_digest(
            [d for _, d in collected], digest, sort=None if sort == "input" else sort
        )
        options = ExportOptions(
            assets=assets,
            style=style,
            sources=tuple(p for p, _ in collected),
            paper=paper,
            print_style=print_style,
            audio=audio,
        )
        if _export(book, slugify(digest), names, out_dir, options, inputs, rep, claims):
            failures.append(f"digest {digest!r}")
    if failures:
        click.echo(
            f"a11ypress: {len(failures)} failed (of {len(files)} input(s)): "
            + ", ".join(map(printable, failures)),
            err=True,
        )
    sys.exit(rep.exit_code(len(failures), strict))


def _prefetch_audio(
    files: Sequence[Path], vocab: Vocabulary, lang: str, options: ExportOptions
) -> None:
    """Synthesise the sentences of every article's audio edition in one run of
    the worker pool, so all cores stay busy across articles; each article's
    build then only assembles its book from the cache.  Problems are left for
    that build to report."""
    from dataclasses import replace

    from a11ypress.export.audio import prefetch_audio

    docs = []
    for path in files:
        try:
            loaded = load(path, vocab=vocab, lang=lang)
        except (InputError, OSError):
            continue
        if not loaded.failed:
            docs.append((loaded.document, replace(options, sources=(path,))))
    prefetch_audio(docs)


def _export(
    doc: Document,
    stem: str,
    names: list[str],
    out_dir: Path,
    options: ExportOptions,
    inputs: set[Path],
    rep: Reporter,
    claims: dict[Path, str] | None = None,
) -> int:
    """Run each chosen exporter on one document; returns the number of failures.

    ``claims`` maps each output already written in this run to the input it
    came from: an output (or sidecar) another input already wrote is refused,
    naming both, instead of being overwritten."""
    failed = 0
    claims = {} if claims is None else claims
    owner = doc.source or stem
    table = formats()
    for name in names:
        ext, exporter = table[name]
        ext = output_extension(name, ext, options)
        target = out_dir / (stem + ext)
        sink = DiagnosticSink(doc.source or str(target))  # a digest: name its output
        paths = output_paths(name, target)
        clash = next((p for p in paths if real_path(p) in inputs), None)
        taken = next((p for p in paths if claims.get(real_path(p), owner) != owner), None)
        if clash is not None:
            sink.add(
                "would-overwrite-input",
                f"refusing to overwrite input {clash}",
                None,
                Severity.ERROR,
            )
            failed += 1
        elif taken is not None:
            sink.add(
                "would-overwrite-output",
                f"refusing to write {taken}: it is also an output of "
                f"{claims[real_path(taken)]} in this run (rename one of the two inputs)",
                None,
                Severity.ERROR,
            )
            failed += 1
        else:
            claims.update((real_path(p), owner) for p in paths)
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
                click.echo(os.fsencode(target))  # the real name, whatever its bytes
        rep.report(sink.items)
    return failed


def _check_out_dir(out_dir: Path) -> None:
    """Exit with a usage error when ``-o`` cannot be a folder: a symbolic-link
    loop, or an existing file."""
    try:
        info = out_dir.stat()
    except FileNotFoundError:
        if not out_dir.is_symlink():
            return  # created on first write
        problem = "is a symbolic link to nothing"
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            return  # e.g. below a file: each write fails and says so
        problem = "is a symbolic link loop"
    else:
        if stat.S_ISDIR(info.st_mode):
            return
        problem = "is not a folder"
    click.echo(f"error: output folder {printable(str(out_dir))} {problem}", err=True)
    sys.exit(EXIT_USAGE)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-ace", is_flag=True, help="Run only EPUBCheck on EPUBs (skip Ace).")
def check(files: tuple[Path, ...], no_ace: bool) -> None:
    """Validate outputs (EPUB and PDF files) with judges no one here wrote.

    EPUB files: EPUBCheck and, when installed, Ace by DAISY. PDF files: the
    PDF/UA-1 checker page-validation. Articles (.md) are not checked: build
    them first. Prints one summary line per file and judge on stdout (the
    findings go to stderr). Exits 0 when no judge found anything, 1 otherwise
    (a missing or unsupported file included), and 4 when a judge (or Java) is
    missing. Each judge run has a time limit, and an EPUB that would unpack to
    more than 256 MiB is refused before any judge opens it.

    \b
    Examples:
      a11ypress check out/post.epub out/post.pdf
      a11ypress check --no-ace out/*.epub
    """
    bad = 0
    epubs: list[Path] = []
    pdfs: list[Path] = []
    for p in files:
        kind = p.suffix.lower()
        problem = None
        if kind not in (".epub", ".pdf"):
            problem = (
                "not an EPUB or PDF file: check validates the outputs of build "
                f"(EPUB and PDF); build it first, e.g. a11ypress build {p} --to epub,pdf"
            )
        elif not p.is_file():
            problem = "no such file" if not p.exists() else "not a regular file"
        if problem is not None:
            click.echo(f"{printable(str(p))}: error: {problem}", err=True)
            click.echo(f"{printable(str(p))}\tcheck\tnot checked")
            bad += 1
        else:
            (epubs if kind == ".epub" else pdfs).append(p)
    verdicts: list[Verdict] = []
    try:
        if epubs:
            verdicts += run_epubcheck(epubs)
        verdicts += [run_pdfua(p) for p in pdfs]
    except JudgeMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    if epubs and not no_ace:
        try:
            verdicts += [run_ace(p) for p in epubs]
        except JudgeMissing as exc:
            click.echo(f"note: Ace skipped: {exc}", err=True)
    for v in verdicts:
        for f in v.findings:
            where = f" ({f.location})" if f.location else ""
            click.echo(f"{v.path}: {v.judge}: {f.severity}: {f.code}: {f.message}{where}", err=True)
        status = "ok" if v.ok else f"{len(v.findings)} finding(s)"
        click.echo(f"{v.path}\t{v.judge}\t{status}")
        bad += not v.ok
    sys.exit(EXIT_FAILED if bad else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@_read_code_opt
@_lexicon_opt
@_components_opt
@_lang_opt
@_quiet_opt
def speech(
    file: Path,
    read_code: bool,
    lexicon: Path | None,
    components: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Print the speech script of FILE for review.

    One chapter line per article and section, then one utterance per line:
    its role, [language], the text as it will be spoken and the pause after it.

    \b
    Examples:
      a11ypress speech post.md
      a11ypress speech --lexicon names.yaml --read-code post.md
    """
    from a11ypress.render.speech import SpeechOptions, format_script, speech_script
    from a11ypress.render.speech_normalize import load_lexicon

    rep = Reporter(quiet)
    try:
        lex = load_lexicon(lexicon)
        loaded = load(file, vocab=_vocab(components), lang=lang)
    except InputError as exc:
        rep.report([exc.diagnostic])
        sys.exit(EXIT_FAILED)
    rep.report(loaded.diagnostics)
    script = speech_script(loaded.document, SpeechOptions(read_code=read_code, lexicon=lex))
    click.echo(format_script(script), nl=False)
    sys.exit(EXIT_FAILED if loaded.failed else EXIT_OK)


@main.command()
@click.option("--lang", "lang", metavar="TAG", help="Only voices for this language (e.g. fr).")
def voices(lang: str | None) -> None:
    """List the speech engine's voices: id, languages, name (tab-separated).

    Pass an id, a name or a language to `build --voice`.

    \b
    Examples:
      a11ypress voices
      a11ypress voices --lang fr
    """
    from a11ypress.tts.engine import espeak_missing
    from a11ypress.tts.pool import list_voices

    problem = espeak_missing()
    if problem is not None:
        click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    try:
        found = list_voices()
    except Exception as exc:  # the engine could not start at all
        click.echo(f"error: the speech engine (pyttsx3 + espeak-ng) failed: {exc}", err=True)
        click.echo("  Debian/Ubuntu: apt-get install espeak-ng libespeak-ng1", err=True)
        sys.exit(EXIT_DEPENDENCY)
    base = lang.lower().split("-")[0] if lang else None
    for v in found:
        if base and not any(code.split("-")[0] == base for code in v.languages):
            continue
        click.echo(f"{v.id}\t{','.join(v.languages)}\t{v.name}")
