"""Shared test helpers."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import load
from a11ypress.export import Exporter, ExportOptions
from a11ypress.transforms.digest import digest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.md") if p.name != "README.md")


#: The real article from shared/seeds, copied into the repository.
SEED = ROOT / "tests" / "data" / "seed-secure-by-design.md"
#: Where the samples' site-absolute images are (``--assets``).
ASSETS = ROOT / "samples" / "assets"


def export_all(exporter: Exporter, out: Path, ext: str, inputs: list[Path]) -> dict[str, Path]:
    """Each input, and a digest of them all ("digest"), exported into ``out``:
    stem -> output file."""
    made: dict[str, Path] = {}
    docs = []
    for path in inputs:
        doc = load(path).document
        docs.append(doc)
        made[path.stem] = out / f"{path.stem}{ext}"
        exporter(
            doc, made[path.stem], ExportOptions(assets=ASSETS, sources=(path,)), DiagnosticSink()
        )
    made["digest"] = out / f"digest{ext}"
    options = ExportOptions(assets=ASSETS, sources=tuple(inputs))
    exporter(digest(docs, "All samples"), made["digest"], options, DiagnosticSink())
    return made


# Audio built with the default options caches sentences under XDG_CACHE_HOME:
# keep that inside the checkout (.cache/ is ignored by git), not in ~/.cache.
os.environ["XDG_CACHE_HOME"] = str(ROOT / ".cache" / "pytest")

# CI runs the property tests derandomized, so a red run is reproducible and a
# green main stays green; locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
