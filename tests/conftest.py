"""Shared test helpers."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from hypothesis import settings

from a11ypress.diagnostics import Diagnostic, DiagnosticSink, code_info
from a11ypress.document import load
from a11ypress.export import Exporter, ExportOptions
from a11ypress.transforms.digest import digest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")


#: The real article from shared/seeds, copied into the repository.
SEED = ROOT / "tests" / "data" / "seed-secure-by-design.md"
#: Where the samples' site-absolute images are (``--assets``).
ASSETS = ROOT / "samples" / "assets"


#: Diagnostics that building a test input is expected to report, by file stem
#: (every other input must build without any): what the article really holds.
EXPECTED_DIAGNOSTICS: dict[str, frozenset[str]] = {
    "callouts": frozenset({"unknown-component", "relative-link"}),
    "inline": frozenset({"relative-link"}),
    "images": frozenset({"image-remote"}),
    # the seed's images are not in the repository; its cover is remote
    "seed-secure-by-design": frozenset({"image-missing", "cover-remote"}),
    # no font of the test machine draws a few of its characters
    "symbols": frozenset({"missing-glyphs"}),
}


def assert_no_diagnostics(
    reported: DiagnosticSink | Iterable[Diagnostic], allow: Collection[str] = ()
) -> None:
    """Fail, naming them, when diagnostics other than the codes in ``allow`` were
    reported, or codes missing from the catalogue (as WeasyPrint's tests'
    ``assert_no_logs`` fails on any log record it was not told to expect)."""
    items = reported.items if isinstance(reported, DiagnosticSink) else list(reported)
    unexpected = [d for d in items if d.code not in allow or code_info(d.code) is None]
    assert not unexpected, "unexpected diagnostics:\n" + "\n".join(d.format() for d in unexpected)


def export_all(exporter: Exporter, out: Path, ext: str, inputs: list[Path]) -> dict[str, Path]:
    """Each input, and a digest of them all ("digest"), exported into ``out``:
    stem -> output file.  Loading and exporting must report nothing beyond
    :data:`EXPECTED_DIAGNOSTICS`."""
    made: dict[str, Path] = {}
    docs = []
    everything: set[str] = set()
    for path in inputs:
        loaded = load(path)
        allow = EXPECTED_DIAGNOSTICS.get(path.stem, frozenset())
        everything |= allow
        docs.append(loaded.document)
        made[path.stem] = out / f"{path.stem}{ext}"
        sink = DiagnosticSink(str(path), list(loaded.diagnostics))
        exporter(
            loaded.document, made[path.stem], ExportOptions(assets=ASSETS, sources=(path,)), sink
        )
        assert_no_diagnostics(sink, allow)
    made["digest"] = out / f"digest{ext}"
    options = ExportOptions(assets=ASSETS, sources=tuple(inputs))
    sink = DiagnosticSink()
    exporter(digest(docs, "All samples"), made["digest"], options, sink)
    assert_no_diagnostics(sink, everything)
    return made


# Audio built with the default options caches sentences under XDG_CACHE_HOME:
# keep that inside the checkout (.cache/ is ignored by git), not in ~/.cache.
os.environ["XDG_CACHE_HOME"] = str(ROOT / ".cache" / "pytest")

# CI runs the property tests derandomized, so a red run is reproducible and a
# green main stays green; locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
