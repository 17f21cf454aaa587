"""pyttsx3 2.99's internals that the speech engine relies on, in one place.

pyttsx3 offers no way to choose espeak-ng's synchronous mode, to take the
audio of one text as samples, or to reach its driver; so this module:

- initialises espeak-ng through pyttsx3's own binding (``pyttsx3.drivers._espeak``)
  in synchronous mode, and marks the espeak driver class as initialised
  (``EspeakDriver._moduleInitialized``, ``EspeakDriver._defaultVoice``);
- reaches the driver of an engine (``engine.proxy._driver``);
- says one text into the driver's buffer, as the driver's own
  ``save_to_file`` path does (``_save_file``, ``_text_to_say``,
  ``_start_synthesis``, ``_data_buffer``, ``_speaking``).
"""

from __future__ import annotations

import os
from typing import Any

from . import Private, check_version

PIN = "pyttsx3==2.99"
"""The pin in pyproject.toml."""
VERSION = check_version("pyttsx3", lambda v: v == "2.99", PIN)
"""The installed version (checked)."""

#: Every private name used, for the canary test.
PRIVATE: tuple[Private, ...] = (
    Private("pyttsx3.drivers._espeak", "Initialize", ("output", "buflength", "path", "options")),
    Private("pyttsx3.drivers._espeak", "AUDIO_OUTPUT_SYNCHRONOUS"),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._moduleInitialized"),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._defaultVoice"),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._start_synthesis", ("self", "text")),
    Private("pyttsx3.driver", "DriverProxy._driver", on_instance=True),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._save_file", on_instance=True),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._text_to_say", on_instance=True),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._data_buffer", on_instance=True),
    Private("pyttsx3.drivers.espeak", "EspeakDriver._speaking", on_instance=True),
)


class EngineStartError(RuntimeError):
    """espeak-ng could not be initialised."""


def espeak_loads() -> bool:
    """True when pyttsx3's espeak binding loads libespeak-ng (importing it
    loads the library; nothing is started)."""
    try:
        from pyttsx3.drivers import _espeak  # noqa: F401
    except (ImportError, OSError, RuntimeError):  # "you probably do not have eSpeak"
        return False
    return True


def synchronous_engine() -> Any:
    """A pyttsx3 espeak engine over espeak-ng initialised in synchronous mode."""
    import pyttsx3
    from pyttsx3.drivers import _espeak
    from pyttsx3.drivers import espeak as espeak_driver

    if not espeak_driver.EspeakDriver._moduleInitialized:
        if _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000) == -1:
            raise EngineStartError("could not initialise espeak-ng")
        espeak_driver.EspeakDriver._moduleInitialized = True
        espeak_driver.EspeakDriver._defaultVoice = "en"
    return pyttsx3.init("espeak")


def driver_of(engine: Any) -> Any:
    """The espeak driver behind a pyttsx3 engine."""
    return engine.proxy._driver


def say_to_buffer(driver: Any, text: str) -> bytes:
    """Synthesise ``text`` with ``driver`` (synchronous mode: returns when done)
    and return the samples it collected, leaving the driver ready for the next.

    A file name keeps the driver from playing the audio if it ever sees the
    end-of-message event; in synchronous mode it collects the samples in its
    buffer and the call returns when all are there."""
    driver._save_file = os.devnull
    driver._text_to_say = text
    driver._start_synthesis(text)
    pcm = bytes(driver._data_buffer)
    driver._data_buffer = b""
    driver._speaking = False
    return pcm
