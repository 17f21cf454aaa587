"""Diagnostics: problems found in an article, reported with file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

#: Control characters (C0, DEL, C1): shown escaped so that a file name or a
#: message cannot move the cursor, clear the terminal or fake another line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters written as ``\\xNN`` (and a file name
    that is not valid UTF-8 shown with its bytes escaped)."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


class Severity(StrEnum):
    """How bad a diagnostic is."""

    ERROR = "error"
    """The input (or part of it) could not be used."""
    WARNING = "warning"
    """Output is produced but may be wrong or less accessible; ``--strict`` fails."""
    INFO = "info"
    """Worth knowing; never fails a build."""


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a diagnostic code means."""

    severities: tuple[Severity, ...]
    """Severities it is reported with; the first is the default."""
    meaning: str
    """One line: what happened and what the reader of the output gets."""

    @property
    def severity(self) -> Severity:
        """The default severity."""
        return self.severities[0]


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every diagnostic code a11ypress reports, with its severity and meaning (the
#: README lists this table).  Codes ending in ``-*`` are families: ``image-*``
#: is ``image-`` followed by the reason an image file could not be had
#: (``remote``, ``missing``, ``outside``, ``no-assets``, ``unsupported``,
#: ``too-large``, ``too-complex``, ``bad-path``).
CATALOGUE: dict[str, CodeInfo] = {
    # reading the article
    "unreadable": CodeInfo((_E,), "the file cannot be read"),
    "not-utf8": CodeInfo((_E,), "the file is not UTF-8 text"),
    "not-a-file": CodeInfo((_E,), "the path is a FIFO, a device, a folder or a socket; not read"),
    "input-outside": CodeInfo((_W,), "the article is a symbolic link to a file outside its folder"),
    "too-large": CodeInfo((_E,), "the article is larger than the limit (20 MiB)"),
    "control-characters": CodeInfo((_W,), "characters that XML forbids were removed"),
    "bad-front-matter": CodeInfo((_E,), "the YAML front matter cannot be read"),
    "too-deep": CodeInfo((_W, _E), "nesting deeper than the limit; the rest is kept as text"),
    "too-complex": CodeInfo((_E,), "the article is too complex to parse"),
    "bad-props-yaml": CodeInfo((_W,), "a component's YAML props block cannot be read"),
    "unclosed-component": CodeInfo((_I,), "a component is not closed; it ends with its parent"),
    "unresolved-binding": CodeInfo((_I,), "a bound prop (:key) names no front matter field"),
    # what the article means
    "unknown-component": CodeInfo(
        (_I,), "a component the vocabulary does not know; kept as a container"
    ),
    "image-without-src": CodeInfo((_W,), "an image component has no source; its text is kept"),
    "empty-heading": CodeInfo((_I,), "a heading with no text; left out of every output"),
    "missing-alt": CodeInfo((_W,), "an informative image has no alt text, nor one to borrow"),
    # the alt-text lint (transforms/altlint.py)
    "alt-empty-informative": CodeInfo(
        (_W,), 'an image with a caption, or alone in a link, has alt="" (decorative)'
    ),
    "alt-file-name": CodeInfo((_W,), "the alt text is a file name or a URL"),
    "alt-redundant-prefix": CodeInfo((_W,), 'the alt text starts with "image of" or "picture of"'),
    "alt-too-long": CodeInfo(
        (_W,), "the alt text is over 250 characters and there is no long description"
    ),
    "alt-duplicate": CodeInfo((_W,), "the same alt text on different images of the article"),
    "alt-repeats-caption": CodeInfo((_W,), "the alt text repeats the caption word for word"),
    "image-*": CodeInfo(
        (_W, _I), "an image file could not be had; a placeholder with its alt is shown"
    ),
    "image-unavailable": CodeInfo((_W,), "an image could not be shown; a placeholder is shown"),
    "relative-link": CodeInfo((_I,), "a site-relative link and no site address; shown as text"),
    "dangling-link": CodeInfo((_W,), "a link to an id that nothing has; shown as text"),
    "refused-url": CodeInfo(
        (_W,), "a link or image to a javascript:, vbscript:, data: or file: URL; shown as text"
    ),
    # options and resources
    "bad-vocabulary": CodeInfo((_E,), "the --components file cannot be used"),
    "bad-lexicon": CodeInfo((_E,), "the --lexicon file cannot be used"),
    "missing-stylesheet": CodeInfo((_E,), "a stylesheet given with --style cannot be read"),
    "style-url-removed": CodeInfo((_W,), "an @import or url() of a --style sheet was not packed"),
    # EPUB and PDF
    "cover-*": CodeInfo((_I,), "the cover image is not embedded (the reason follows the dash)"),
    "missing-glyphs": CodeInfo(
        (_W, _E), "no installed font draws some characters; their names are printed"
    ),
    "pdf-fetch-refused": CodeInfo((_W,), "the PDF layout asked for a resource that is not served"),
    "weasyprint": CodeInfo((_W, _E), "a warning or error from WeasyPrint's layout"),
    # audio
    "unknown-voice": CodeInfo((_E,), "the --voice matches no installed voice"),
    "no-voice": CodeInfo((_I,), "no voice for a passage's language; the main voice reads it"),
    "missing-voice": CodeInfo(
        (_E,), "--engine piper: the neural engine or the voice is not installed (pip command given)"
    ),
    "no-neural-voice": CodeInfo(
        (_I,), "--engine piper: no neural voice for a passage's language; espeak-ng reads it"
    ),
    "nothing-to-say": CodeInfo((_E,), "the article has no text to narrate"),
    "missing-ffmpeg": CodeInfo((_E,), "the m4b format needs ffmpeg, which is not installed"),
    "speech-failed": CodeInfo((_E,), "the speech engine failed"),
    "cache-lost": CodeInfo((_E,), "a speech cache entry vanished while the audio was built"),
    "cache-unwritable": CodeInfo((_E,), "the speech cache folder (--cache-dir) cannot be written"),
    "audio-built": CodeInfo(
        (_I,), "the audio's length and chapter count (overlay count for a read-aloud book)"
    ),
    # writing outputs
    "would-overwrite-input": CodeInfo((_E,), "an output would overwrite an input; not written"),
    "would-overwrite-output": CodeInfo(
        (_E,), "another input of the run already wrote this output; not written"
    ),
    "write-failed": CodeInfo((_E,), "an output could not be written"),
    "internal-error": CodeInfo((_E,), "a bug in a11ypress; the other articles are still built"),
    "worker-crashed": CodeInfo(
        (_E,), "the worker process converting an article died twice; the others are built"
    ),
    # --cluster
    "cluster": CodeInfo((_I,), "the Dask scheduler the build runs on and its workers used"),
    "cluster-worker-refused": CodeInfo(
        (_W,), "a Dask worker's versions, fonts or voice data differ from ours; it gets no work"
    ),
    # folder inputs and the project config
    "skipped": CodeInfo(
        (_I,), "a folder input's article or folder is left out (partial, draft, hidden, --exclude)"
    ),
    "no-articles": CodeInfo((_E,), "a folder input holds no article to convert"),
    "outside-site": CodeInfo((_W,), "a symbolic link leads outside the site root; not read"),
    "folder-meta": CodeInfo((_W,), "a folder's .navigation.yml or _dir.yml cannot be used"),
    "anchor-not-found": CodeInfo(
        (_I,), "a link to another article names no heading of it; it leads to its start"
    ),
    "internal-links": CodeInfo(
        (_I,), "how many links between articles became links inside the book"
    ),
    "base-path": CodeInfo((_I,), "the path prefix the site's own links use, guessed from them"),
    "config-syntax": CodeInfo((_E,), "the project config file is not valid TOML"),
    "config-unreadable": CodeInfo((_E,), "the project config file cannot be read"),
    "config-unknown-key": CodeInfo((_E,), "the project config names an option that does not exist"),
    "config-bad-value": CodeInfo((_E,), "a project config value is of the wrong kind"),
    "config-outside": CodeInfo((_E,), "the project config names a file outside its folder"),
    "config-not-chosen": CodeInfo(
        (_E,), "a config found in an input folder names a cluster (only --config may)"
    ),
}


def code_info(code: str) -> CodeInfo | None:
    """The catalogue entry of ``code`` (a family's for ``image-remote``), or None."""
    info = CATALOGUE.get(code)
    if info is None:
        family = code.split("-", 1)[0] + "-*"
        info = CATALOGUE.get(family)
    return info


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, with a stable code users can search for."""

    code: str
    """Stable kebab-case identifier, e.g. ``unknown-component`` (see :data:`CATALOGUE`)."""
    message: str
    """Human-readable explanation, with what to do about it where possible."""
    severity: Severity = Severity.WARNING
    """How bad it is."""
    file: str | None = None
    """Source file, when known."""
    line: int | None = None
    """1-based source line, when known."""

    def format(self) -> str:
        """Render as ``file:line: severity: message [code]`` (compiler style)."""
        where = printable(self.file) if self.file else "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity.value}: {printable(self.message)} [{self.code}]"


@dataclass(slots=True)
class DiagnosticSink:
    """Collects diagnostics for one source file."""

    file: str | None = None
    """File every diagnostic is reported against."""
    items: list[Diagnostic] = field(default_factory=list)
    """Collected diagnostics in the order found."""

    def add(
        self,
        code: str,
        message: str,
        line: int | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record a diagnostic for this sink's file (with the code's default
        severity from :data:`CATALOGUE` unless ``severity`` is given)."""
        if severity is None:
            info = code_info(code)
            severity = info.severity if info is not None else Severity.WARNING
        self.items.append(Diagnostic(code, message, severity, self.file, line))


class InputError(Exception):
    """Unusable input: the article cannot be converted at all."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic
        """The diagnostic that explains why."""
