"""Output: unwritable folders, a full disk, existing files, outputs that
would overwrite an input, interrupted writes.  Clear errors, no partial or
temporary files left, no input ever modified.  Run over every format."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest
from hostile import all_formats, bounded, build, outputs, produced

from a11ypress import fsutil
from a11ypress.diagnostics import DiagnosticSink
from a11ypress.document import parse_text
from a11ypress.export import ExportOptions, formats
from a11ypress.fsutil import atomic_write

ARTICLE = (
    "---\ntitle: Output\ndate: 2024-01-02\n---\n# Output\n\n"
    + ("A paragraph long enough to make every output larger than a few kilobytes. " * 8 + "\n\n")
    * 40
)


def _article(folder: Path, name: str = "post.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(ARTICLE)
    return path


def _files(folder: Path) -> list[str]:
    return produced(folder)


@pytest.mark.parametrize("fmt", all_formats())
def test_output_folder_is_a_file(tmp_path: Path, fmt: str) -> None:
    src = _article(tmp_path / "in")
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    res = build(src, "--to", fmt, "-o", blocker)
    assert res.exit_code == 2  # a usage error, before anything is converted
    assert f"Directory '{blocker}' is a file" in res.stderr
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("fmt", all_formats())
def test_output_folder_below_a_file(tmp_path: Path, fmt: str) -> None:
    src = _article(tmp_path / "in")
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    res = build(src, "--to", fmt, "-o", blocker / "sub")
    assert res.exit_code == 1
    assert f"{src}: error: cannot write {blocker}/sub/post" in res.stderr
    assert blocker.read_text() == "not a folder"
    assert f"1 failed (of 1 input(s)): {src}" in res.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
@pytest.mark.parametrize("fmt", all_formats())
def test_read_only_output_folder(tmp_path: Path, fmt: str) -> None:
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        res = build(src, "--to", fmt, "-o", out)
    finally:
        out.chmod(0o755)
    assert res.exit_code == 1
    assert "cannot write" in res.stderr
    assert _files(out) == []


class _FullDisk(io.RawIOBase):
    """A file that accepts 1000 bytes, then fails like a full disk."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.room = 1000

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(data) > self.room:
            self.real.write(bytes(data[: self.room]))
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return int(self.real.write(data))

    def fileno(self) -> int:
        return int(self.real.fileno())

    def close(self) -> None:
        self.real.close()
        super().close()


def test_disk_full_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(fsutil.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "post.epub").write_bytes(b"previous build")
    src = _article(tmp_path / "in")
    res = build(src, "--to", ",".join(f for f in formats() if f in ("epub", "json")), "-o", out)
    assert res.exit_code == 1
    assert f"error: cannot write {out / 'post.epub'}: No space left on device" in res.stderr
    assert _files(out) == ["post.epub"]  # no temporary file, no partial json
    assert (out / "post.epub").read_bytes() == b"previous build"


@pytest.mark.parametrize("fmt", all_formats())
def test_file_size_limit_leaves_nothing(tmp_path: Path, fmt: str) -> None:
    """A real write failure from the kernel (RLIMIT_FSIZE, like a full disk),
    for every exporter and whatever it runs."""
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    code = f"""
import resource, signal, sys, contextlib, io
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
from a11ypress.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    try:
        main(["build", "-q", {str(src)!r}, "--to", {fmt!r}, "-o", {str(out)!r}])
    except SystemExit as exc:
        result["code"] = exc.code
result["stderr"] = err.getvalue()
"""
    r = bounded(code)
    assert r["code"] == 1, r
    assert f"cannot write {out}/post" in str(r["stderr"]), r["stderr"]
    assert _files(out) == []


@pytest.mark.parametrize("fmt", all_formats())
def test_existing_output_is_replaced_whole(tmp_path: Path, fmt: str) -> None:
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    ext = formats()[fmt][0]
    old = out / f"post{ext}"
    old.write_bytes(b"old output " * 100_000)
    res = build(src, "--to", fmt, "-o", out)
    assert res.exit_code == 0, res.stderr
    assert b"old output" not in old.read_bytes()
    assert _files(out) == outputs("post", fmt)


@pytest.mark.parametrize("fmt", all_formats())
def test_existing_folder_in_the_way(tmp_path: Path, fmt: str) -> None:
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    ext = formats()[fmt][0]
    (out / f"post{ext}").mkdir(parents=True)
    (out / f"post{ext}" / "keep").write_text("keep")
    res = build(src, "--to", fmt, "-o", out)
    assert res.exit_code == 1
    assert f"cannot write {out / f'post{ext}'}" in res.stderr
    assert (out / f"post{ext}" / "keep").read_text() == "keep"
    assert _files(out) == [f"post{ext}"]


@pytest.mark.parametrize("fmt", all_formats())
def test_output_equal_to_an_input_is_refused(tmp_path: Path, fmt: str) -> None:
    ext = formats()[fmt][0]
    if Path(f"post{ext}").stem != "post":
        pytest.skip(f"no input's output is named *{ext}: an input's name loses only one suffix")
    src = _article(tmp_path, f"post{ext}")  # an article whose name ends like an output
    res = build(src, "--to", fmt, "-o", tmp_path)
    assert res.exit_code == 1
    assert f"error: refusing to overwrite input {tmp_path / f'post{ext}'}" in res.stderr
    assert src.read_text() == ARTICLE


@pytest.mark.skipif("audio" not in formats(), reason="audio export not merged yet")
def test_audio_sidecar_equal_to_an_input_is_refused(tmp_path: Path) -> None:
    """``post.vtt`` given as an input is not overwritten by post.md's timings."""
    src = _article(tmp_path)
    vtt = tmp_path / "post.vtt"
    vtt.write_text("# Notes\n\nAn article that happens to end in .vtt.\n")
    res = build(src, vtt, "--to", "audio", "-o", tmp_path)
    assert res.exit_code == 1
    assert f"refusing to overwrite input {vtt}" in res.stderr
    assert vtt.read_text().startswith("# Notes")


@pytest.mark.parametrize("fmt", all_formats())
def test_output_symlinked_to_an_input_is_refused(tmp_path: Path, fmt: str) -> None:
    ext = formats()[fmt][0]
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / f"post{ext}").symlink_to(src)
    res = build(src, "--to", fmt, "-o", out)
    assert res.exit_code == 1
    assert "refusing to overwrite input" in res.stderr
    assert src.read_text() == ARTICLE


@pytest.mark.parametrize("fmt", all_formats())
def test_output_hard_linked_to_an_input_leaves_the_input_alone(tmp_path: Path, fmt: str) -> None:
    ext = formats()[fmt][0]
    src = _article(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    os.link(src, out / f"post{ext}")
    build(src, "--to", fmt, "-o", out)
    assert src.read_text() == ARTICLE  # the name was replaced, the input's inode untouched


def test_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "book.epub"
    target.write_bytes(b"old")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new" * 1000)
    assert _files(tmp_path) == ["book.epub"]
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("fmt", all_formats())
def test_every_exporter_writes_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Interrupted just before the final rename: no output, no temporary file.
    (Fails if an exporter writes its file other than through atomic_write.)"""

    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "replace", interrupt)
    ext, exporter = formats()[fmt]
    doc = parse_text(ARTICLE, "post.md").document
    with pytest.raises(KeyboardInterrupt):
        exporter(doc, tmp_path / f"post{ext}", ExportOptions(), DiagnosticSink("post.md"))
    assert _files(tmp_path) == []


@pytest.mark.skipif("audio" not in formats(), reason="audio export not merged yet")
def test_interrupted_audio_build_keeps_a_consistent_cache(tmp_path: Path) -> None:
    """Ctrl-C in the middle of synthesis: no output and no temporary file in the
    output folder, every cache entry complete, and a rebuild reuses them."""
    import signal
    import subprocess
    import sys
    import time

    from a11ypress.tts.cache import SpeechCache

    src = tmp_path / "in" / "post.md"
    src.parent.mkdir()
    words = ["river", "lamp", "harbour", "garden", "signal", "window", "market", "story"]
    src.write_text(
        "# Interrupted\n\n"
        + "\n\n".join(
            f"Sentence {i} is about the {words[i % 8]} and the {words[(i * 3 + 1) % 8]}."
            for i in range(400)
        )
    )
    out, cache = tmp_path / "out", tmp_path / "cache"
    cmd = [sys.executable, "-m", "a11ypress", "build", str(src), "--to", "audio"]
    cmd += ["-o", str(out), "--cache-dir", str(cache), "--jobs", "1", "-q"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(cache.rglob("*.seg"))) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert _files(out) == []
    entries = list(cache.rglob("*.seg"))
    assert entries
    store = SpeechCache(cache)
    for entry in entries:
        key = entry.parent.name + entry.stem
        assert store.header(key) is not None, entry
    done = subprocess.run([*cmd[:-1]], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert _files(out) == ["post.mp3", "post.timings.json", "post.vtt"]
    reused = int(done.stderr.split(" from the cache")[0].rsplit(" ", 1)[-1])
    assert reused >= len(entries)
