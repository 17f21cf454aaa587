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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from a11ypress import __version__
from a11ypress.diagnostics import Diagnostic, InputError, Severity, printable
from a11ypress.options import BuildOptions, OptionsError, option_fields
from a11ypress.tts.options import ENGINES

# Each command imports what it needs when it runs (the parser for inspect,
# WeasyPrint only when a PDF is made, the speech stack only for audio), so
# that `a11ypress --version` and `inspect` start fast: a test keeps the heavy
# modules out of this module's imports.
if TYPE_CHECKING:
    from a11ypress.components import Vocabulary
    from a11ypress.inputs import Article
    from a11ypress.judges import Verdict
    from a11ypress.model import Block
    from a11ypress.pipeline import Events

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_STRICT, EXIT_DEPENDENCY = 0, 1, 2, 3, 4
F = TypeVar("F", bound=Callable[..., Any])


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
    from a11ypress.components import load_vocabulary

    try:
        return load_vocabulary(path)
    except InputError as exc:
        raise click.UsageError(exc.diagnostic.format()) from exc


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
      a11ypress build content/ --title "User guide" --to epub,pdf
      a11ypress inspect --outline post.md
      a11ypress check out/post.epub out/post.pdf
      a11ypress report out
      a11ypress COMMAND --help            # each command's options and examples
    """


@main.command()
# FILE is read by load(): a missing file is exit 1 with a diagnostic, as in build.
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--outline", is_flag=True, help="Print only the heading tree.")
@click.option("--positions", is_flag=True, help="Include source line numbers.")
@click.option(
    "--raw",
    is_flag=True,
    help="Print the parse before the component vocabulary is applied "
    "(components with their names and props as written).",
)
@_components_opt
@_lang_opt
@_quiet_opt
def inspect(
    file: Path,
    outline: bool,
    positions: bool,
    raw: bool,
    components: Path | None,
    lang: str,
    quiet: bool,
) -> None:
    """Print the document model of FILE as JSON on stdout.

    \b
    Examples:
      a11ypress inspect post.md
      a11ypress inspect --outline post.md
      a11ypress inspect --positions --components site.yaml post.md
    """
    from a11ypress.document import load
    from a11ypress.serialize import to_json

    rep = Reporter(quiet)
    if raw:
        if outline:
            raise click.UsageError("--raw and --outline cannot be combined")
        _inspect_raw(file, positions, rep)
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


def _inspect_raw(file: Path, positions: bool, rep: Reporter) -> NoReturn:
    """``inspect --raw``: the parser's output as JSON, then exit."""
    from a11ypress.document import read_article
    from a11ypress.mdc import parse_mdc
    from a11ypress.serialize import to_json

    try:
        parsed = parse_mdc(read_article(file), str(file))
    except InputError as exc:
        rep.report([exc.diagnostic])
        sys.exit(EXIT_FAILED)
    rep.report(parsed.diagnostics)
    view = {
        "front_matter": parsed.front_matter,
        "children": parsed.children,
        "footnotes": parsed.footnotes,
    }
    click.echo(to_json(view, positions=positions))
    failed = any(d.severity is Severity.ERROR for d in parsed.diagnostics)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def _outline(blocks: Sequence[Block]) -> list[dict[str, object]]:
    """Nested heading tree: [{"level", "text", "id", "children"}], with the
    headings inside components, callouts and lists too (in document order)."""
    from a11ypress.model import Heading
    from a11ypress.transforms.text import plain_text
    from a11ypress.transforms.walk import iter_nodes

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


def _click_option(name: str, spec: Any) -> Callable[[F], F]:
    """The ``build`` flag of one :class:`BuildOptions` field."""
    meta = spec.metadata
    kind = meta["kind"]
    kw: dict[str, Any] = {
        "help": meta["help"],
        "metavar": meta["metavar"] or ("DIR" if kind == "dir" else None),
        "envvar": meta["envvar"],
        "show_envvar": meta["envvar"] is not None,
    }
    default = spec.default
    if kind == "bool":
        kw.update(is_flag=True, default=False)
    elif kind == "int":
        bounds = meta["bounds"]
        kw.update(type=click.IntRange(*bounds) if bounds else int, default=default)
    elif kind == "file":
        kw["type"] = click.Path(dir_okay=False, exists=True, path_type=Path)
    elif kind == "dir":
        kw["type"] = click.Path(file_okay=False, exists=meta["must_exist"], path_type=Path)
        kw["default"] = default
    elif kind == "list":
        kw["multiple"] = True
    elif kind == "formats":
        kw["default"] = ",".join(default)
    elif kind == "choice":
        kw.update(type=click.Choice(list(meta["choices"]), case_sensitive=False), default=default)
    else:
        kw["default"] = default
    kw["show_default"] = kind not in ("bool", "list") and kw.get("default") is not None
    flags = meta["flags"] or ("--" + name.replace("_", "-"),)
    return click.option(*flags, name, **kw)


def build_options(command: F) -> F:
    """Add a flag for every build option (in the order they are declared)."""
    for name, spec in reversed(option_fields().items()):
        command = _click_option(name, spec)(command)
    return command


def _options(
    ctx: click.Context, paths: Sequence[Path], config: Path | None, values: dict[str, Any]
) -> BuildOptions:
    """Defaults, then the project config, then the flags given on the command line."""
    from a11ypress.config import find_config, load_config

    options = BuildOptions()
    found = config or find_config(paths)
    try:
        if found is not None:
            options = load_config(found, chosen=config is not None).apply(options)
    except InputError as exc:
        raise click.UsageError(exc.diagnostic.format()) from exc
    given = {
        k: v
        for k, v in values.items()
        if ctx.get_parameter_source(k) not in (ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)
    }
    try:
        return options.merged(given)
    except OptionsError as exc:
        raise click.BadParameter(str(exc), param_hint=exc.key) from exc


def _cli_events(rep: Reporter) -> Events:
    """Events that print outputs on stdout, diagnostics and progress on stderr
    (the class is made here: the pipeline is imported only by ``build``)."""
    from a11ypress.pipeline import Events

    class _CliEvents(Events):
        def diagnostics(self, items: Sequence[Diagnostic]) -> None:
            rep.report(items)

        def output(self, path: Path) -> None:
            click.echo(os.fsencode(path))  # the real name, whatever its bytes

        def progress(self, items: Sequence[Article], label: str) -> Iterator[Article]:
            with click.progressbar(
                items,
                label=label,
                file=sys.stderr,
                item_show_func=lambda a: printable(str(a.path)) if a else None,
                hidden=rep.quiet,
            ) as bar:
                yield from bar

    return _CliEvents()


@main.command()
# PATHS are checked one by one (a missing file fails alone, not the batch).
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Project config file (default: a11ypress.toml, or [tool.a11ypress] in "
    "pyproject.toml, in the first folder given or the current folder).",
)
@build_options
@click.pass_context
def build(
    ctx: click.Context, /, paths: tuple[Path, ...], config: Path | None, **values: Any
) -> None:
    """Convert PATHS (article files, or folders: a Nuxt Content site root or any
    folder of .md files) into accessible outputs in the output folder.

    One broken article does not stop the others; every output is written
    atomically, and an input file is never overwritten. The audio format also
    writes NAME.vtt and NAME.timings.json (the time of every sentence).

    \b
    Examples:
      a11ypress build post.md                      # out/post.epub
      a11ypress build posts/*.md --to epub,pdf,audio -o books --assets public
      a11ypress build content/ --title "User guide" --sort date --to pdf
    """
    from a11ypress.pipeline import DependencyMissing, build_result_summary, run

    options = _options(ctx, paths, config, values)
    _check_out_dir(options.out)
    rep = Reporter(options.quiet)
    try:
        result = run(paths, options, _cli_events(rep))
    except InputError as exc:
        raise click.UsageError(exc.diagnostic.format()) from exc
    except DependencyMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DEPENDENCY)
    if options.report:
        _write_report(
            options.out, options.out / "report.html", judges=True, ace=True, quiet=options.quiet
        )
    summary = build_result_summary(result)
    if summary:
        click.echo(summary, err=True)
    sys.exit(rep.exit_code(len(result.failed), options.strict))


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
    from a11ypress.judges import JudgeMissing, run_ace, run_epubcheck, run_pdfua

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


def _write_report(out_dir: Path, target: Path, *, judges: bool, ace: bool, quiet: bool) -> None:
    """Write the accessibility report of ``out_dir`` (HTML at ``target``, JSON beside it)."""
    from a11ypress.report import write_report

    if not quiet:
        click.echo(
            "Writing the accessibility report" + (" (running the judges)" if judges else ""),
            err=True,
        )
    try:
        page, twin, data = write_report(out_dir, target, judges=judges, ace=ace)
    except InputError as exc:
        click.echo(exc.diagnostic.format(), err=True)
        sys.exit(EXIT_USAGE)
    for note in data["notes"]:
        click.echo(f"note: {note}", err=True)
    click.echo(str(page))
    click.echo(str(twin))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML page to write (default: OUT_DIR/report.html); the JSON goes beside it.",
)
@click.option("--no-judges", is_flag=True, help="Do not run EPUBCheck, Ace or the PDF/UA checker.")
@click.option("--no-ace", is_flag=True, help="Run EPUBCheck and the PDF/UA checker, not Ace.")
@_quiet_opt
def report(out_dir: Path, target: Path | None, no_judges: bool, no_ace: bool, quiet: bool) -> None:
    """Write an accessibility report of the build in OUT_DIR: one offline HTML page.

    It shows each book in every format with the judges' verdicts and the
    conformance claims, the findings linked to their source lines, heading
    outlines, reading and listening time, every image with its alt text and
    where it appears, the audio chapters with a player, and the links left
    unresolved.  report.json beside it holds the same data.

    \b
    Examples:
      a11ypress report out
      a11ypress report --no-judges out -o review/report.html
    """
    _write_report(
        out_dir,
        target or out_dir / "report.html",
        judges=not no_judges,
        ace=not no_ace,
        quiet=quiet,
    )


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
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

    \b
    Examples:
      a11ypress speech post.md
      a11ypress speech --lexicon names.yaml --read-code post.md
    """
    from a11ypress.document import load
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

    \b
    Examples:
      a11ypress voices
      a11ypress voices --lang fr
      a11ypress voices --engine piper
    """
    from a11ypress.tts.engine import espeak_missing
    from a11ypress.tts.pool import list_voices

    if engine == "piper":
        _piper_voices(lang)
        return
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
