"""Determinism: the same inputs built twice (in fresh interpreters with
different hash seeds, into different folders) give byte-identical files, for
every format, single articles and a digest alike."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import DATA, SRC, all_formats, nested, outputs

from conftest import ROOT, SAMPLES, SEED

ASSETS_DIR = ROOT / "samples" / "assets"
HOSTILE = {
    "deep.md": nested("components", 200),
    "control.md": "# Control\x01\n\ntext\x00 here\n",
    "bidi.md": "---\nlang: ar\n---\n# مرحبا\n\nنص \u202etext\u202c e\u0301\n",
    "dups.md": "# A\n\n## A\n\n## A\n\n[^1]\n\n[^1]: n\n",
}


def _build(folder: Path, inputs: list[Path], seed: str, *extra: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    cmd = [
        sys.executable,
        "-m",
        "a11ypress",
        "build",
        "-q",
        *map(str, inputs),
        "--to",
        ",".join(all_formats()),
        "--assets",
        str(ASSETS_DIR),
        "-o",
        str(folder),
        *extra,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("digest", [False, True], ids=["articles", "digest"])
def test_builds_are_byte_identical(tmp_path: Path, digest: bool) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, text in HOSTILE.items():
        (src / name).write_text(text)
    inputs = [*SAMPLES, SEED, DATA / "hostile-html.md", *sorted(src.iterdir())]
    extra = ("--digest", "Everything") if digest else ()
    first = _build(tmp_path / "one", inputs, "1", *extra)
    second = _build(tmp_path / "two", inputs, "2", *extra)
    per_input = sum(len(outputs("x", f)) for f in all_formats())
    assert len(first) == per_input * (1 if digest else len(inputs)) + 1, sorted(first)  # manifest
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, differ
