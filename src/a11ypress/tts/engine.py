"""pyttsx3 (espeak-ng driver) wrapped so that it is dependable.

pyttsx3 2.99 on Linux has sharp edges: ``runAndWait()`` returns before the
WAV file is written (espeak synthesises on its own thread), ``save_to_file``
crashes on texts of about 2,000 words, the driver prints "Audio saved to" on
stdout, and every ``runAndWait()`` sleeps 10 ms.  This wrapper synthesises one
short text at a time, waits for the driver's ``finished-utterance``
notification, checks the WAV it wrote (mono, 16-bit, 22,050 Hz, not empty) and
retries a failure.  It is meant to run in a worker process whose stdout has
been pointed at ``/dev/null`` (see :func:`silence_stdout`); a crash there does
not take the build down (see :mod:`a11ypress.tts.pool`).
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

#: What espeak-ng produces through pyttsx3.
SAMPLE_RATE = 22050
#: Words per minute when none is asked for (espeak-ng's own default).
DEFAULT_RATE = 175


class SynthesisError(Exception):
    """The engine could not produce audio for a text."""


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """A voice the engine offers."""

    id: str
    """Identifier to pass as ``--voice`` (e.g. ``gmw/en-us``)."""
    name: str
    """Human-readable name."""
    languages: tuple[str, ...]
    """BCP 47-ish language codes it speaks (e.g. ``en-us``)."""
    gender: str | None = None
    """``Male``/``Female`` when the engine says."""


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null (the driver prints on stdout)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)


@functools.cache
def engine_version() -> str:
    """pyttsx3 and espeak-ng versions: part of every cache key."""
    try:
        out = subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = "espeak-ng unknown"
    espeak = " ".join(out.split()[:6])
    return f"pyttsx3 {version('pyttsx3')}; {espeak}"


def voice_for(lang: str, voices: list[VoiceInfo]) -> str | None:
    """The voice id to use for language ``lang``, or None when there is none.

    Exact language first (``en-us``), then the language's main voice (id ending
    in ``/en``), then any voice of that language.
    """
    want = lang.lower()
    base = want.split("-")[0]
    for v in voices:
        if want in v.languages or v.id.split("/")[-1] == want:
            return v.id
    for v in voices:
        if v.id.split("/")[-1] == base:
            return v.id
    for v in voices:
        if any(code.split("-")[0] == base for code in v.languages):
            return v.id
    return None


class SpeechEngine:
    """One pyttsx3 engine, reused for many texts (one per worker process)."""

    def __init__(self, workdir: Path | None = None) -> None:
        import pyttsx3

        self._engine: Any = pyttsx3.init("espeak")
        self._driver: Any = getattr(self._engine.proxy, "_driver", None)
        self._done = threading.Event()
        self._engine.connect("finished-utterance", self._finished)
        self._dir = Path(workdir or tempfile.mkdtemp(prefix="a11ypress-tts-"))
        self._count = 0
        self._voice: str | None = None
        self._rate: int | None = None
        # The very first utterance after start-up comes out a few samples
        # longer than later ones; say something once so every text has the
        # same duration in every worker.
        self.synthesize("Ready.", None, DEFAULT_RATE)

    def _finished(self, name: object = None, completed: object = True) -> None:
        self._done.set()

    def voices(self) -> list[VoiceInfo]:
        """Every voice the engine offers."""
        out = []
        for v in self._engine.getProperty("voices"):
            langs = tuple(str(code).lower() for code in (v.languages or ()))
            out.append(VoiceInfo(str(v.id), str(v.name), langs, v.gender))
        return out

    def _configure(self, voice: str | None, rate: int) -> None:
        if voice != self._voice:
            self._set("voice", voice or "en")
            self._voice = voice
        if rate != self._rate:
            self._set("rate", rate)
            self._rate = rate

    def _set(self, name: str, value: object) -> None:
        if self._driver is not None:
            self._driver.setProperty(name, value)
        else:  # pragma: no cover - other pyttsx3 versions
            self._engine.setProperty(name, value)

    def _speak_to(self, text: str, path: Path) -> None:
        """Ask the driver for ``path``; returns once it says the utterance ended."""
        self._done.clear()
        if self._driver is not None and hasattr(self._driver, "_start_synthesis"):
            # Drive the espeak driver directly: runAndWait() would return at
            # once anyway and costs a 10 ms sleep per call.
            self._driver.save_to_file(text, str(path))
            self._driver._start_synthesis(text)
        else:  # pragma: no cover - other pyttsx3 versions
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
        timeout = 30.0 + len(text) / 10
        if not self._done.wait(timeout):
            raise SynthesisError(f"no end of utterance after {timeout:.0f} s")

    def synthesize(self, text: str, voice: str | None, rate: int, attempts: int = 3) -> bytes:
        """16-bit mono PCM at :data:`SAMPLE_RATE` for ``text``.

        Raises :class:`SynthesisError` when every attempt failed.
        """
        self._configure(voice, rate)
        problem = "no attempt"
        for _ in range(attempts):
            self._count += 1
            path = self._dir / f"u{os.getpid()}-{self._count}.wav"
            try:
                self._speak_to(text, path)
                with wave.open(str(path), "rb") as w:
                    ok = (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (
                        1,
                        2,
                        SAMPLE_RATE,
                    )
                    frames = w.readframes(w.getnframes())
                if not ok:
                    problem = "unexpected audio format"
                elif not frames:
                    problem = "empty audio"
                else:
                    return frames
            except (OSError, EOFError, wave.Error, SynthesisError) as exc:
                problem = str(exc) or type(exc).__name__
            finally:
                path.unlink(missing_ok=True)
        raise SynthesisError(f"could not synthesise {text[:60]!r}: {problem}")
