"""The accessibility report: one self-contained HTML page (and its JSON twin)
that shows what each book of a build holds and what the judges said.

:func:`write_report` gathers the data (:mod:`.collect`: the build manifest
written by ``build``, the outputs read back, the judges), writes
``report.json`` and renders the page (:mod:`.page`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from a11ypress.diagnostics import Diagnostic, InputError, Severity
from a11ypress.fsutil import atomic_write


def write_report(
    out_dir: Path, target: Path, *, judges: bool = True, ace: bool = True
) -> tuple[Path, Path, dict[str, Any]]:
    """Write the report of the build in ``out_dir`` at ``target`` (HTML) and
    beside it ``<target stem>.json``; returns both paths and the data."""
    # imported here: a build imports this package for its manifest only
    from a11ypress.report.collect import collect
    from a11ypress.report.manifest import read_manifest
    from a11ypress.report.page import render_page

    twin = target.with_suffix(".json")
    sources = {
        Path(a["source_path"]).resolve()
        for e in read_manifest(out_dir).values()
        for a in e["articles"]
        if a.get("source_path")
    }
    for p in (target, twin):
        if p.resolve() in sources or target.suffix.lower() not in (".html", ".htm"):
            raise InputError(
                Diagnostic(
                    "would-overwrite-input",
                    f"refusing to write the report at {p} (an input, or not .html)",
                    Severity.ERROR,
                    str(p),
                )
            )
    data = collect(out_dir, judges=judges, ace=ace)
    page = render_page(data, out_dir, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(twin, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    atomic_write(target, page.encode("utf-8"))
    return target, twin, data
