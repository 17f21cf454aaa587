"""M4B (AAC in MP4 with chapters), made by ffmpeg from streamed PCM."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from a11ypress.tts.engine import SAMPLE_RATE
from a11ypress.tts.timeline import ChapterTime

#: What to tell a user who asks for m4b without ffmpeg.
FFMPEG_HINT = "m4b output needs ffmpeg (Debian/Ubuntu: apt-get install ffmpeg); mp3 and wav do not"


class FfmpegMissing(Exception):
    """ffmpeg is not installed."""


def ffmpeg_path() -> str | None:
    """The ffmpeg executable, when installed."""
    return shutil.which("ffmpeg")


def _meta_escape(text: str) -> str:
    out = text
    for ch in ("\\", "=", ";", "#", "\n"):
        out = out.replace(ch, "\\" + ch)
    return out


def ffmetadata(
    title: str, authors: Sequence[str], album: str, chapters: Sequence[ChapterTime]
) -> str:
    """An FFMETADATA1 file with tags and chapters (times in ms)."""
    lines = [
        ";FFMETADATA1",
        f"title={_meta_escape(title)}",
        f"album={_meta_escape(album)}",
        "genre=Audiobook",
    ]
    if authors:
        lines.append(f"artist={_meta_escape(', '.join(authors))}")
    for ch in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={ch.start_ms}",
            f"END={ch.end_ms}",
            f"title={_meta_escape(ch.title)}",
        ]
    return "\n".join(lines) + "\n"


def write_m4b(
    target: Path,
    pcm: Iterable[bytes],
    metadata: str,
    cover: tuple[str, bytes] | None = None,
) -> None:
    """Encode PCM chunks (16-bit mono, streamed to ffmpeg's stdin) into ``target``.

    Raises :class:`FfmpegMissing` without ffmpeg and ``OSError`` when it fails.
    """
    exe = ffmpeg_path()
    if exe is None:
        raise FfmpegMissing(FFMPEG_HINT)
    with tempfile.TemporaryDirectory(prefix="a11ypress-m4b-") as tmp:
        meta = Path(tmp) / "meta.txt"
        meta.write_text(metadata, encoding="utf-8")
        cmd = [exe, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
        cmd += ["-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0"]
        cmd += ["-i", str(meta)]
        maps = ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
        if cover is not None and cover[0] in ("image/jpeg", "image/png"):
            pic = Path(tmp) / ("cover.jpg" if cover[0] == "image/jpeg" else "cover.png")
            pic.write_bytes(cover[1])
            cmd += ["-i", str(pic)]
            maps += ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
        cmd += [*maps, "-c:a", "aac", "-b:a", "64k", "-f", "ipod", str(target)]
        errors = Path(tmp) / "stderr.txt"
        with errors.open("wb") as err:
            proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err
            )
            assert proc.stdin is not None
            try:
                for chunk in pcm:
                    proc.stdin.write(chunk)
            except BrokenPipeError:
                pass
            finally:
                proc.stdin.close()
            code = proc.wait()
        if code != 0:
            message = errors.read_text(encoding="utf-8", errors="replace").strip()
            raise OSError(f"ffmpeg failed ({code}): {message[-500:]}")
