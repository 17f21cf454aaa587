"""pyttsx3 (espeak-ng driver) wrapped so that it is dependable and exact.

pyttsx3 2.99 on Linux has sharp edges, all measured here: ``runAndWait()``
returns before the WAV file is written (espeak-ng synthesises on a thread of
its own), ``save_to_file`` reads past its buffer and crashes on texts of about
2,000 words, the driver prints "Audio saved to" on stdout, every
``runAndWait()`` sleeps 10 ms, and the same text does not always last the same
time: espeak-ng keeps state from one utterance to the next (pitch flutter and
more), so a sentence's length depends on everything said before it in the
process.

So this wrapper:

- initialises espeak-ng through pyttsx3's own binding in *synchronous* mode
  (no synthesis thread, no race) before building the pyttsx3 espeak driver
  (every private pyttsx3 name is in :mod:`a11ypress.seams.pyttsx3_internals`);
  the driver's callback collects the audio as usual;
- sets the voice and rate once, says a warm-up text, and then says every text
  in a **forked child** of that ready process: each text starts from the very
  same engine state (so it always has the same length, whichever worker says
  it and whatever came before), and a crash of the engine kills only the
  child, which is retried;
- checks the audio (16-bit mono at 22,050 Hz, not empty), and keeps texts short
  (the speech script never hands over more than a sentence).

It is meant to run in a worker process whose stdout has been pointed at
``/dev/null`` (see :func:`silence_stdout`): see :mod:`a11ypress.tts.pool`.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from a11ypress.seams import pyttsx3_internals

#: What espeak-ng produces through pyttsx3.
SAMPLE_RATE = 22050
#: Words per minute when none is asked for (espeak-ng's own default).
DEFAULT_RATE = 175
#: Said once after start-up, so the first real text is not special.
WARM_UP = "Ready."


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
    """Language codes it speaks (e.g. ``en-us``)."""
    gender: str | None = None
    """``Male``/``Female`` when the engine says."""


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null (the driver prints on stdout)."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.close(null)


#: What to install when espeak-ng is missing.
ESPEAK_HINT = (
    "the audio format needs espeak-ng, which is not installed "
    "(Debian/Ubuntu: apt-get install espeak-ng libespeak-ng1; "
    "Fedora: dnf install espeak-ng; macOS: brew install espeak-ng)"
)


def espeak_missing() -> str | None:
    """:data:`ESPEAK_HINT` when pyttsx3 cannot load the espeak-ng library,
    else None (loading it does not start the engine)."""
    from a11ypress.seams.pyttsx3_internals import espeak_loads

    return None if espeak_loads() else ESPEAK_HINT


@functools.cache
def engine_version() -> str:
    """pyttsx3 and espeak-ng versions: part of every cache key."""
    try:
        out = subprocess.run(
            ["espeak-ng", "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        out = "espeak-ng unknown"
    espeak = " ".join(out.split("Data at:")[0].split())
    return f"pyttsx3 {version('pyttsx3')}; {espeak}; synchronous, forked"


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


def _pyttsx3_engine() -> Any:
    """A pyttsx3 espeak engine over espeak-ng initialised in synchronous mode."""
    try:
        return pyttsx3_internals.synchronous_engine()
    except pyttsx3_internals.EngineStartError as exc:
        raise SynthesisError(str(exc)) from exc


def engine_voices() -> list[VoiceInfo]:
    """Every voice the engine offers (listing synthesises nothing and prints
    nothing, so it is safe in the main process)."""
    engine = _pyttsx3_engine()
    out = []
    for v in engine.getProperty("voices"):
        langs = tuple(str(code).lower() for code in (v.languages or ()))
        out.append(VoiceInfo(str(v.id), str(v.name), langs, v.gender))
    return out


class SpeechEngine:
    """One pyttsx3 engine with a fixed voice and rate (one per worker process)."""

    def __init__(self, voice: str | None = None, rate: int = DEFAULT_RATE) -> None:
        self._engine = _pyttsx3_engine()
        self._driver: Any = pyttsx3_internals.driver_of(self._engine)
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda **_: self._finished.set())
        self.voice = voice
        """Voice every text is said with (None: espeak-ng's default)."""
        self.rate = rate
        """Words per minute."""
        if voice:
            self._driver.setProperty("voice", voice)
        self._driver.setProperty("rate", rate)
        self._say(WARM_UP)

    def _say(self, text: str) -> bytes:
        """PCM for ``text``, in this process (synchronous: returns when done)."""
        self._finished.clear()
        pcm = pyttsx3_internals.say_to_buffer(self._driver, text)
        if self._finished.is_set():  # the driver flushed its buffer to the file
            raise SynthesisError("the driver ended the utterance early")
        return pcm

    def synthesize(self, text: str, attempts: int = 3) -> bytes:
        """16-bit mono PCM at :data:`SAMPLE_RATE` for ``text`` (said in a child).

        Raises :class:`SynthesisError` when every attempt failed.
        """
        with tempfile.TemporaryDirectory(prefix="a11ypress-tts-") as tmp:
            path = Path(tmp) / "pcm"
            self.run_in_child(text, path.write_bytes, attempts)
            return path.read_bytes()

    def run_in_child(self, text: str, handle: Callable[[bytes], object], attempts: int = 3) -> None:
        """Say ``text`` in a child forked from this ready engine and call
        ``handle(pcm)`` there (to encode and store it); a child that crashes
        or fails is replaced, up to ``attempts`` times.

        Raises :class:`SynthesisError` when every attempt failed.
        """
        from a11ypress.tts.forked import run_forked

        run_forked(self._say, text, handle, attempts)
