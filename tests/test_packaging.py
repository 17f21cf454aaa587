"""Packaging (issue #18): a wheel, installed into a fresh virtual
environment, builds every format.  The editable install the other tests use
reads the checkout, so it could not see that ``styles/`` was left out of
the package (a non-editable install built no EPUB and no PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from conftest import ASSETS, ROOT

ARTICLE = """---
title: From the wheel
lang: en
---

# From the wheel

A paragraph, and an image: ![a lighthouse at dusk](/img/lighthouse.webp)
"""


def _run(*args: str | Path, **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, timeout=300, **kw
    )  # type: ignore[call-overload]
    assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-3000:])
    return proc  # type: ignore[no-any-return]


def test_a_wheel_in_a_fresh_venv_builds_every_format(tmp_path: Path) -> None:
    # Build the wheel from a copy, so that the checkout gets no build/ folder.
    src = tmp_path / "src-copy"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", src, "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", wheels)
    (wheel,) = wheels.glob("a11ypress-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert {"a11ypress/css/epub.css", "a11ypress/css/print.css"} <= set(z.namelist())

    # A fresh venv with only the wheel; the dependencies come from this
    # environment's site-packages through a .pth line (no network, and no
    # editable a11ypress: .pth files in that folder are not read from there).
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
         "--no-index", "-q", wheel)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "work"
    work.mkdir()
    (work / "post.md").write_text(ARTICLE)
    (work / "assets" / "img").mkdir(parents=True)
    shutil.copy(ASSETS / "images" / "lighthouse.webp", work / "assets" / "img")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "A11YPRESS_STYLES")}
    where = _run(python, "-c", "import a11ypress; print(a11ypress.__file__)", cwd=work, env=env)
    assert where.stdout.strip().startswith(str(venv)), where.stdout
    res = _run(
        venv / "bin" / "a11ypress", "build", "-q", "post.md", "--to", "epub,pdf,json,audio",
        "--assets", "assets", "-o", "out", cwd=work, env=env,
    )
    made = sorted(p.name for p in (work / "out").iterdir())
    assert made == [
        "a11ypress-build.json", "post.epub", "post.json", "post.mp3", "post.pdf",
        "post.timings.json", "post.vtt",
    ], (made, res.stderr)
    assert "missing-stylesheet" not in res.stderr
    # The report's stylesheet and script are package data too (data/).
    _run(venv / "bin" / "a11ypress", "report", "-q", "--no-judges", "out", cwd=work, env=env)
    page = (work / "out" / "report.html").read_text("utf-8")
    assert "<style>" in page and "<script" in page
