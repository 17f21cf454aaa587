"""The file system as an input (issue #18): files that are not files, links
that loop or lead elsewhere, NUL in paths, long and strange names.

Every broken input fails alone, quickly, with a diagnostic that names it; the
other articles of the batch are still converted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hostile import SRC, bounded, build, png, record

from a11ypress.export.images import find_image
from a11ypress.report.manifest import MANIFEST_NAME

GOOD = "# Good\n\nFine text.\n"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.fixture
def strange(tmp_path: Path) -> dict[str, Path]:
    """Inputs that are not regular files, next to a good article."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD)
    zero = folder / "zero.md"
    zero.symlink_to("/dev/zero")
    loop = folder / "loop.md"
    loop.symlink_to(folder / "loop2.md")
    (folder / "loop2.md").symlink_to(loop)
    return {
        "fifo": _fifo(folder / "fifo.md"),
        "zero": zero,
        "loop": loop,
        "good": folder / "good.md",
    }


def test_non_regular_inputs_fail_alone_without_hanging(
    strange: dict[str, Path], tmp_path: Path
) -> None:
    """A FIFO hung the batch forever and /dev/zero ate memory until the size
    check (it has none); now each fails at once, and the good article is built."""
    out = tmp_path / "out"
    order = [strange["fifo"], strange["zero"], strange["good"], strange["loop"]]
    code = f"""
import contextlib, io
from a11ypress.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    try:
        main(["build", "-q", *{list(map(str, order))!r}, "-o", {str(out)!r}])
    except SystemExit as exc:
        result["code"] = exc.code
result["stderr"] = err.getvalue()
"""
    r = bounded(code, timeout=60)
    record("non-regular-inputs", r)
    assert r["code"] == 1, r
    stderr = str(r["stderr"])
    assert f"{strange['fifo']}: error: cannot read: not a regular file" in stderr
    assert f"{strange['zero']}: error: cannot read: not a regular file" in stderr
    assert f"{strange['loop']}: error: cannot read: Too many levels of symbolic links" in stderr
    assert (out / "good.epub").is_file()
    assert r["seconds"] < 10 and r["rss_mb"] < 200, r


def test_inspect_and_speech_refuse_a_fifo(strange: dict[str, Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for command in ("inspect", "speech"):
        proc = subprocess.run(
            [sys.executable, "-m", "a11ypress", command, str(strange["fifo"])],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,  # reading the FIFO blocked forever
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        assert "not a regular file (a FIFO, device, folder or socket) [not-a-file]" in proc.stderr


def test_input_linked_outside_its_folder_is_warned_about(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.md").write_text(GOOD)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "post.md").symlink_to(tmp_path / "elsewhere.md")
    (folder / "inside.md").symlink_to(folder / "post.md")
    (folder / "real.md").write_text(GOOD)
    (folder / "near.md").symlink_to("real.md")  # stays in its folder: fine
    res = build(folder / "post.md", folder / "inside.md", folder / "near.md", "-o", tmp_path)
    assert res.exit_code == 0, res.stderr
    assert f"{folder / 'post.md'}: warning: is a symbolic link to " in res.stderr
    warned = [line for line in res.stderr.splitlines() if "[input-outside]" in line]
    # inside.md links to post.md, in its own folder: what it finally leads to
    # is outside too, so it is warned about as well (its target is named).
    assert all(str(tmp_path / "elsewhere.md") in line for line in warned), warned
    assert len(warned) == 2, warned


def test_image_symlink_loop_and_fifo_are_missing(tmp_path: Path) -> None:
    (tmp_path / "a.png").symlink_to(tmp_path / "b.png")
    (tmp_path / "b.png").symlink_to(tmp_path / "a.png")
    os.mkfifo(tmp_path / "pipe.png")
    article = tmp_path / "a.md"
    assert find_image("a.png", article, None) in ("missing", "outside")
    done: list[object] = []
    t = threading.Thread(
        target=lambda: done.append(find_image("pipe.png", article, None)), daemon=True
    )
    t.start()
    t.join(10)
    assert done == ["missing"]


@pytest.mark.parametrize("where", ["image", "cover", "component"])
@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_nul_in_an_image_path_is_a_diagnostic(tmp_path: Path, where: str, fmt: str) -> None:
    (tmp_path / "x.png").write_bytes(png())
    body = {
        "image": "---\ntitle: T\n---\n\n![alt text](x%00.png)\n",
        "cover": "---\ntitle: T\ncover: x%00.png\n---\n\nText.\n",
        "component": "::element-img\n---\nsrc: x%00.png\nalt: alt text\n---\n::\n",
    }[where]
    article = tmp_path / "nul.md"
    article.write_text(body)
    res = build(article, "--to", fmt, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    assert "internal-error" not in res.stderr
    if where != "cover" and fmt != "json":
        assert "image path contains a NUL character" in res.stderr, res.stderr


def test_output_folder_symlink_loop_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    loop = tmp_path / "out"
    loop.symlink_to(tmp_path / "out2")
    (tmp_path / "out2").symlink_to(loop)
    res = build(tmp_path / "a.md", "-o", loop)
    assert res.exit_code == 2, res.output
    assert f"error: output folder {loop} is a symbolic link loop" in res.stderr
    (tmp_path / "file").write_text("x")
    res = build(tmp_path / "a.md", "-o", tmp_path / "file")
    assert res.exit_code == 2 and "is a file" in res.stderr


@pytest.mark.parametrize("fmt", ["epub", "json", "pdf"])
def test_long_file_names_keep_working(tmp_path: Path, fmt: str) -> None:
    """A 250-byte name: the temporary file (.NAME.XXXXXXXX.tmp) was 264
    bytes, over the limit of 255, so the write failed."""
    stem = "é" * 60 + "a" * 124  # 244 bytes, + ".epub" = 249
    article = tmp_path / f"{stem}.md"
    article.write_text(GOOD)
    res = build(article, "--to", fmt, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    made = [p.name for p in (tmp_path / "out").iterdir() if p.name != MANIFEST_NAME]
    assert made == [f"{stem}.{fmt}"]


def test_control_characters_are_escaped_in_diagnostics(tmp_path: Path) -> None:
    name = "bad\x1b[2Jname\x07.md"
    article = tmp_path / name
    article.write_text("# T\n\n![a chart](missing.png)\n")
    res = build(article, "--to", "epub", "-o", tmp_path / "out")
    assert res.exit_code == 0, res.stderr
    assert "\x1b" not in res.stderr and "\x07" not in res.stderr
    assert "bad\\x1b[2Jname\\x07.md:3: warning:" in res.stderr
    # stdout names the real file, byte for byte
    assert res.stdout_bytes.strip() == os.fsencode(tmp_path / "out" / "bad\x1b[2Jname\x07.epub")
