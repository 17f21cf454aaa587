"""Exporters: each takes the model (and options) and writes one file atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from a11ypress.diagnostics import DiagnosticSink
from a11ypress.fsutil import atomic_write
from a11ypress.model import Document
from a11ypress.serialize import to_json
from a11ypress.tts.options import AudioOptions

if TYPE_CHECKING:
    from a11ypress.export.pagebreaks import PrintPages


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Options shared by exporters."""

    assets: Path | None = None
    """Folder that site-absolute image paths (``/x.webp``) resolve against."""
    style: Path | None = None
    """User stylesheet replacing the built-in one."""
    sources: tuple[Path, ...] = field(default=())
    """Source files of the document (for resolving relative image paths)."""
    paper: str = "a4"
    """Paper size of the PDF: ``a4`` or ``letter``."""
    print_style: Path | None = None
    """User print stylesheet replacing the built-in ``css/print.css`` (PDF)."""
    audio: AudioOptions | None = None
    """Options of the ``audio`` format (None: defaults)."""
    image_dpi: int = 200
    """PDF: largest resolution of images at their printed size (photos become JPEG)."""
    pages: PrintPages | None = None
    """The PDF edition whose page numbers the EPUBs carry (one per document
    and run, shared by its exports), or None for no page numbers."""


Exporter = Callable[[Document, Path, ExportOptions, DiagnosticSink], None]
"""Writes ``Document`` to the given path; problems go to the sink."""


def export_json(doc: Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
    """The model as JSON (what ``a11ypress inspect`` prints)."""
    atomic_write(out, (to_json(doc) + "\n").encode("utf-8"))


def _lazy(module: str, name: str) -> Exporter:
    """The exporter ``name`` of ``module``, imported on its first call (so that
    a build imports WeasyPrint only for a PDF, the speech stack only for audio)."""

    def export(doc: Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
        exporter: Exporter = getattr(import_module(module), name)
        exporter(doc, out, options, sink)

    export.__name__ = export.__qualname__ = name
    export.__doc__ = f"{module}.{name}, imported when first called."
    return export


_FORMATS: dict[str, tuple[str, Exporter]] = {
    "epub": (".epub", _lazy("a11ypress.export.epub", "export_epub")),
    "json": (".json", export_json),
    "pdf": (".pdf", _lazy("a11ypress.export.pdf", "export_pdf")),
    "audio": (".mp3", _lazy("a11ypress.export.audio", "export_audio")),
    "read-aloud": (".read-aloud.epub", _lazy("a11ypress.export.readaloud", "export_readaloud")),
}


def formats() -> dict[str, tuple[str, Exporter]]:
    """Available output formats: name -> (file extension, exporter)."""
    return dict(_FORMATS)


def output_extension(name: str, default: str, options: ExportOptions) -> str:
    """File extension for format ``name``: the audio format's for ``audio``."""
    if name == "audio" and options.audio is not None:
        return options.audio.extension
    return default


def output_paths(name: str, target: Path) -> list[Path]:
    """Every file format ``name`` writes for the output ``target`` (the audio
    format also writes its timing sidecars)."""
    if name == "audio":
        from a11ypress.export.audio import sidecar_paths

        return [target, *sidecar_paths(target)]
    return [target]
