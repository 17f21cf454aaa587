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
import hashlib
import os
import shutil
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
#: espeak-ng voice variant we add: the default voice without pitch "flutter".
#: Flutter makes the length of an utterance depend on everything said before
#: it in the process; without it the same text always lasts the same time.
STEADY_VARIANT = "a11ypress"
_VARIANT_TEXT = "language variant\nname a11ypress\nflutter 0\n"


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


def _espeak_data_dir() -> Path | None:
    """espeak-ng's data folder, as ``espeak-ng --version`` reports it."""
    try:
        out = subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    _, sep, where = out.partition("Data at:")
    path = Path(where.strip()) if sep else None
    return path if path is not None and path.is_dir() else None


def steady_data_path(root: Path) -> Path | None:
    """An espeak-ng data folder under ``root`` that adds the steady voice variant.

    It mirrors the system data with symbolic links and adds one variant file;
    pass it to the engine as ``ESPEAK_DATA_PATH``.  None when espeak-ng's data
    cannot be found (the engine then uses its own, with flutter).
    """
    system = _espeak_data_dir()
    if system is None:
        return None
    tag = segment_tag(str(system), engine_version(), _VARIANT_TEXT)
    home = root / f"espeak-{tag}"
    if (home / "espeak-ng-data" / "voices" / "!v" / STEADY_VARIANT).is_file():
        return home
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".espeak-", dir=root))
    data = tmp / "espeak-ng-data"
    variants = data / "voices" / "!v"
    variants.mkdir(parents=True)
    for entry in system.iterdir():
        if entry.name != "voices":
            (data / entry.name).symlink_to(entry)
    for entry in (system / "voices").iterdir():
        if entry.name != "!v":
            (data / "voices" / entry.name).symlink_to(entry)
    if (system / "voices" / "!v").is_dir():
        for entry in (system / "voices" / "!v").iterdir():
            (variants / entry.name).symlink_to(entry)
    (variants / STEADY_VARIANT).write_text(_VARIANT_TEXT, encoding="utf-8")
    try:
        os.replace(tmp, home)
    except OSError:  # another build made it first
        shutil.rmtree(tmp, ignore_errors=True)
    return home


def segment_tag(*parts: str) -> str:
    """A short hash of ``parts``."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


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
            name = voice or "en"
            if os.environ.get("ESPEAK_DATA_PATH") and "+" not in name:
                name += "+" + STEADY_VARIANT
            self._set("voice", name)
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
