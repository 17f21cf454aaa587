"""Piper (a neural voice in ONNX Runtime) wrapped so that it is dependable and exact.

Measured here with piper-tts 1.8 and ONNX Runtime 1.32: Piper's voices draw
random noise inside the model (for natural pitch and timing), from a
generator that ONNX Runtime seeds when the session is built (from the clock
unless :func:`onnxruntime.set_seed` was called first) and that advances with
every run.  The same sentence said twice in one session has different
samples and a different length.  So each worker:

- seeds ONNX Runtime with :data:`SEED` before loading the voice, with one
  thread (``intra_op_num_threads = inter_op_num_threads = 1``; the pool runs
  one worker per core instead), sequential execution, CPU only;
- says a fixed warm-up text, then says every text in a **forked child** of
  that ready process (:mod:`a11ypress.tts.forked`): every text starts from the
  same generator state, so the same text gives the same samples in any worker,
  in any order, in any build on the same machine and versions (measured: one
  and two threads give the same samples too).

The seed, the warm-up text, the thread count and the versions of piper-tts,
ONNX Runtime and the voice file are all in :func:`piper_engine_version`, part
of every cache key.  Audio is converted to 16-bit mono PCM at
:data:`~a11ypress.tts.engine.SAMPLE_RATE` (voices at other rates are
resampled), like espeak-ng's.  Nothing is downloaded: the voice is a file on
disk (see :mod:`a11ypress.tts.piper_voices`).
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from a11ypress.tts.engine import DEFAULT_RATE, SAMPLE_RATE, WARM_UP, SynthesisError
from a11ypress.tts.forked import run_forked
from a11ypress.tts.piper_voices import PiperVoiceFile, config_for, voice_digest

#: ONNX Runtime's random seed in every worker (fixes the voice's noise).
SEED = 17
#: Threads ONNX Runtime uses in a worker (the pool gives each core a worker).
THREADS = 1
#: Peak level of each sentence (Piper scales every sentence to its peak; a
#: little headroom keeps the MP3 encoder from clipping).
VOLUME = 0.9


def _dist_version(*names: str) -> str:
    for name in names:
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"


@functools.cache
def _voice_version(model: str, digest: str) -> str:
    return (
        f"piper-tts {_dist_version('piper-tts')}; "
        f"onnxruntime {_dist_version('onnxruntime', 'onnxruntime-gpu')}; "
        f"voice sha256 {digest}; seed {SEED}; {THREADS} thread; "
        f"warm-up {WARM_UP!r}; volume {VOLUME}; forked"
    )


def piper_engine_version(voice: PiperVoiceFile) -> str:
    """What makes Piper's audio what it is, for the cache key: versions, the
    voice file's hash, seed, threads and warm-up."""
    return _voice_version(str(voice.model), voice_digest(voice))


def length_scale(config_scale: float, rate: int) -> float:
    """Piper's phoneme length scale for ``rate`` words per minute: the voice's
    own pace at the default rate (175), proportionally faster or slower."""
    return float(config_scale) * DEFAULT_RATE / max(rate, 1)


def resample(samples: Any, src_rate: int, dst_rate: int = SAMPLE_RATE) -> Any:
    """``samples`` (a float array) at ``dst_rate``, by FFT (band-limited, exact
    length ``round(n * dst / src)``; deterministic)."""
    import numpy as np

    if src_rate == dst_rate or len(samples) == 0:
        return samples
    n = len(samples)
    m = round(n * dst_rate / src_rate)
    spectrum = np.fft.rfft(samples)
    keep = min(len(spectrum), m // 2 + 1)
    out = np.zeros(m // 2 + 1, dtype=complex)
    out[:keep] = spectrum[:keep]
    return np.fft.irfft(out, m) * (m / n)


class PiperEngine:
    """One Piper voice in ONNX Runtime, with a fixed rate (one per worker process)."""

    def __init__(self, model: str, rate: int = DEFAULT_RATE) -> None:
        import onnxruntime
        from piper import PiperConfig, PiperVoice, SynthesisConfig

        path = Path(model)
        config_path = config_for(path)
        if config_path is None:
            raise SynthesisError(f"{model} has no voice configuration beside it")
        config = PiperConfig.from_dict(json.loads(config_path.read_text("utf-8")))
        onnxruntime.set_seed(SEED)
        opts = onnxruntime.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = THREADS
        opts.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        opts.log_severity_level = 3  # errors only, and on stderr
        session = onnxruntime.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self._voice = PiperVoice(session=session, config=config)
        self._syn = SynthesisConfig(
            length_scale=length_scale(config.length_scale, rate), volume=VOLUME
        )
        self.sample_rate = int(config.sample_rate)
        """The voice's own sample rate (resampled to SAMPLE_RATE when different)."""
        self.rate = rate
        """Words per minute."""
        self._say(WARM_UP)

    def _say(self, text: str) -> bytes:
        """16-bit mono PCM at SAMPLE_RATE for ``text``, in this process."""
        import numpy as np

        chunks = [c.audio_float_array for c in self._voice.synthesize(text, self._syn)]
        if not chunks:
            return b""
        audio = resample(np.concatenate(chunks), self.sample_rate)
        return bytes(np.clip(audio * 32767.0, -32767.0, 32767.0).astype("<i2").tobytes())

    def synthesize(self, text: str) -> bytes:
        """PCM for ``text``, said in a forked child (what a build would store)."""
        with tempfile.TemporaryDirectory(prefix="a11ypress-piper-") as tmp:
            path = Path(tmp) / "pcm"
            self.run_in_child(text, path.write_bytes)
            return path.read_bytes()

    def run_in_child(self, text: str, handle: Callable[[bytes], object], attempts: int = 3) -> None:
        """Say ``text`` in a child forked from this ready engine and call
        ``handle(pcm)`` there; see :func:`~a11ypress.tts.forked.run_forked`."""
        run_forked(self._say, text, handle, attempts)
