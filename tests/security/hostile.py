"""Hostile inputs for the security suite, generated in code (large ones are
never stored), and helpers to build them and to bound time and memory."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from click.testing import CliRunner, Result

from a11ypress.cli import main
from a11ypress.export import formats, output_paths

DATA = Path(__file__).resolve().parent / "data"
#: Sources the bounded subprocesses run (``A11YPRESS_SRC`` points them at
#: another copy, to measure the same inputs before a fix).
SRC = Path(os.environ.get("A11YPRESS_SRC") or Path(__file__).resolve().parents[2] / "src")

#: Formats slow enough to leave out of loops over every format (none yet).
SLOW_FORMATS: frozenset[str] = frozenset()


def outputs(stem: str, fmt: str) -> list[str]:
    """Names of the files ``build --to fmt`` writes for an article called ``stem``."""
    target = Path(stem + formats()[fmt][0])
    return sorted(p.name for p in output_paths(fmt, target))


def produced(folder: Path) -> list[str]:
    """Names of the outputs in ``folder``, the build manifest (which every build
    that wrote a book keeps beside its outputs) left out."""
    from a11ypress.report.manifest import MANIFEST_NAME

    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name != MANIFEST_NAME)


def all_formats() -> list[str]:
    """Every output format the build knows (PDF and audio included once merged)."""
    return [f for f in formats() if f not in SLOW_FORMATS]


def build(*args: str | Path) -> Result:
    """``a11ypress build ARGS`` in process (so patches apply)."""
    return CliRunner().invoke(main, ["build", "-q", *map(str, args)])


def png(tag: bytes = b"") -> bytes:
    """A valid 1x1 PNG; ``tag`` goes into a text chunk so files can be told apart."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + (chunk(b"tEXt", b"Comment\x00" + tag) if tag else b"")
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def nested(kind: str, depth: int) -> str:
    """An article nesting ``kind`` ``depth`` times around the words ``deep text``,
    followed by a paragraph ``after``."""
    if kind == "components":
        body = "::box\n" * depth + "deep text\n" + "::\n" * depth
    elif kind == "components-colons":  # each level one colon more than its parent
        body = "".join(f"{':' * (2 + i)}box\n" for i in range(depth)) + "deep text\n"
    elif kind == "quotes":
        body = ">" * depth + " deep text\n"
    elif kind == "lists":
        body = "- " * depth + "deep text\n"
    elif kind == "ordered-lists":
        body = "1. " * depth + "deep text\n"
    elif kind == "emphasis":
        body = "*" * depth + "deep text" + "*" * depth + "\n"
    elif kind == "links":
        body = "[" * depth + "deep text" + "](https://example.org/)" * depth + "\n"
    elif kind == "spans":
        body = "[" * depth + "deep text" + "]{.x}" * depth + "\n"
    elif kind == "inline-components":
        body = ":badge[" * depth + "deep text" + "]" * depth + "\n"
    else:  # pragma: no cover
        raise ValueError(kind)
    return "# Deep\n\n" + body + "\nafter\n"


NESTED_KINDS = [
    "components",
    "components-colons",
    "quotes",
    "lists",
    "ordered-lists",
    "emphasis",
    "links",
    "spans",
    "inline-components",
]


def bounded(code: str, *, timeout: float = 120) -> dict[str, float]:
    """Run Python ``code`` in a fresh interpreter; returns its wall time
    (``seconds``, measured inside) and peak memory (``rss_mb``), plus whatever
    the code stored in the dict ``result``."""
    wrapper = (
        "import json, resource, sys, time\n"
        "result = {}\n"
        "t0 = time.perf_counter()\n"
        f"exec(compile({code!r}, 'bounded', 'exec'))\n"
        "result['seconds'] = time.perf_counter() - t0\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent
        # across fork + exec, so it would report pytest's own size.
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
        "result['rss_mb'] = (int(hwm[0].split()[1]) if hwm else\n"
        "    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024\n"
        "print(json.dumps(result))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-"],
        input=wrapper,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def record(name: str, figures: dict[str, float]) -> None:
    """Append a bounded run's time and peak memory to the file named by
    ``A11YPRESS_FIGURES`` (one JSON line each), for SECURITY.md's table."""
    target = os.environ.get("A11YPRESS_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            row = {"name": name, "seconds": figures.get("seconds"), "rss_mb": figures.get("rss_mb")}
            fh.write(json.dumps(row) + "\n")


def build_code(article: Path | str, fmt: str, out: Path, *extra: str) -> str:
    """Code for :func:`bounded`: ``build -q ARTICLE --to FMT -o OUT``, storing
    the exit code in ``result['code']`` and stderr in ``result['stderr']``."""
    args = ["build", "-q", str(article), "--to", fmt, "-o", str(out), *extra]
    return f"""
import contextlib, io
from a11ypress.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    try:
        main({args!r})
    except SystemExit as exc:
        result["code"] = exc.code
result["stderr"] = err.getvalue()[-5000:]
"""
