"""Loading articles: file -> parsed, resolved :class:`~a11ypress.model.Document`."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from a11ypress.components import Vocabulary, builtin_vocabulary
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity
from a11ypress.fsutil import NotRegularFile, read_regular, real_path
from a11ypress.gctune import fewer_collections
from a11ypress.mdc import parse_mdc
from a11ypress.model import Document, Metadata
from a11ypress.transforms.altlint import lint_diagnostics
from a11ypress.transforms.resolve import resolve

#: Largest article accepted, in bytes.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024


#: The last articles parsed, by text: (file name, language, vocabulary as it
#: was, the result).  A build that reads an article twice (the audio prefetch,
#: then the article's own build) parses it once; the model is immutable.
_recent: OrderedDict[str, tuple[str | None, str, Vocabulary | None, Loaded]] = OrderedDict()
#: How many :data:`_recent` keeps, and the longest text it keeps.
_RECENT = 64
_RECENT_CHARS = 256 * 1024


def forget_parsed() -> None:
    """Empty the memory of recently parsed articles (benchmarks time real parses)."""
    _recent.clear()


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed article and what was found wrong with it."""

    document: Document
    """The resolved model."""
    diagnostics: tuple[Diagnostic, ...]
    """Problems, in source order of discovery."""

    @property
    def failed(self) -> bool:
        """True when an error-level diagnostic makes the article unusable."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def parse_text(
    text: str,
    path: str | None = None,
    *,
    vocab: Vocabulary | None = None,
    lang: str = "en",
) -> Loaded:
    """Parse MDC text into a resolved document. Never raises; a text longer
    than :data:`MAX_ARTICLE_BYTES` characters is refused with a ``too-large`` error."""
    if len(text) > MAX_ARTICLE_BYTES:
        problem = Diagnostic(
            "too-large",
            f"article is {len(text)} characters; the limit is {MAX_ARTICLE_BYTES}",
            Severity.ERROR,
            path,
        )
        return Loaded(Document(metadata=Metadata(language=lang), source=path), (problem,))
    hit = _recent.get(text)
    if hit is not None and hit[:3] == (path, lang, vocab):
        _recent.move_to_end(text)
        return hit[3]
    with fewer_collections():
        raw = parse_mdc(text, path)
        sink = DiagnosticSink(path, list(raw.diagnostics))
        doc = resolve(
            raw,
            vocab if vocab is not None else builtin_vocabulary(),
            path=path,
            default_lang=lang,
            sink=sink,
        )
        sink.items.extend(lint_diagnostics(doc))  # alt text, judged once for every format
    loaded = Loaded(doc, tuple(sink.items))
    if len(text) <= _RECENT_CHARS:
        _recent[text] = (path, lang, None if vocab is None else dict(vocab), loaded)
        if len(_recent) > _RECENT:
            _recent.popitem(last=False)
    return loaded


def read_article(path: Path) -> str:
    """The text of an article file.

    Raises :class:`InputError` when the file cannot be read, is too large or
    is not UTF-8 text.
    """
    return decode_article(read_article_bytes(path), str(path))


def read_article_bytes(path: Path) -> bytes:
    """The bytes of an article file (not yet decoded).

    Raises :class:`InputError` when the file cannot be read or is too large.
    """
    name = str(path)
    try:
        found = read_regular(path, MAX_ARTICLE_BYTES)
    except NotRegularFile as exc:
        raise InputError(
            Diagnostic("not-a-file", f"cannot read: {exc.strerror}", Severity.ERROR, name)
        ) from exc
    except OSError as exc:
        raise InputError(
            Diagnostic("unreadable", f"cannot read: {exc.strerror or exc}", Severity.ERROR, name)
        ) from exc
    if found is None:
        try:
            size = f"{path.stat().st_size} bytes"
        except OSError:
            size = f"over {MAX_ARTICLE_BYTES} bytes"
        raise InputError(
            Diagnostic(
                "too-large",
                f"article is {size}; the limit is {MAX_ARTICLE_BYTES}",
                Severity.ERROR,
                name,
            )
        )
    return found


def decode_article(data: bytes, name: str) -> str:
    """An article's bytes as text.  Raises :class:`InputError` (``not-utf8``,
    naming ``name`` and the line) when they are not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            Diagnostic("not-utf8", f"not UTF-8 text (byte {exc.start})", Severity.ERROR, name, line)
        ) from exc


def load(path: Path, *, vocab: Vocabulary | None = None, lang: str = "en") -> Loaded:
    """Read and parse an article file.

    Raises :class:`InputError` when the file cannot be read or is not UTF-8 text.
    """
    name = str(path)
    loaded = parse_text(read_article(path), name, vocab=vocab, lang=lang)
    warning = outside_warning(path)
    if warning is not None:
        loaded = Loaded(loaded.document, (warning, *loaded.diagnostics))
    return loaded


def outside_warning(path: Path) -> Diagnostic | None:
    """The ``input-outside`` warning when ``path`` is a symbolic link to a
    file outside its folder (its relative images are not looked for there)."""
    outside = _links_outside(path)
    if outside is None:
        return None
    return Diagnostic(
        "input-outside",
        f"is a symbolic link to {outside}, outside its folder; its relative "
        "images are looked for next to the link, not next to that file",
        Severity.WARNING,
        str(path),
    )


def _links_outside(path: Path) -> Path | None:
    """Where ``path`` leads when it is a symbolic link to a file outside the
    folder the link is in (as for images, the folder is the root), else None."""
    if not path.is_symlink():
        return None
    folder = real_path(path.absolute().parent)
    target = real_path(path)
    return None if target.is_relative_to(folder) else target
