"""Synthesis in worker processes: all cores, crash-proof, straight into the cache.

Each worker process keeps one :class:`~a11ypress.tts.engine.SpeechEngine`,
has its stdout pointed at /dev/null, and handles batches of utterances: it
synthesises each one, appends its pause, encodes it and writes it to the
cache.  A worker that dies (pyttsx3 can segfault) breaks the pool; the pool is
then started again and the unfinished batches are sent again, split into
single utterances, each tried a few times before the build gives up.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from a11ypress.fsutil import atomic_write
from a11ypress.tts.cache import Segment, SpeechCache, segment_key
from a11ypress.tts.encode import encode_mp3, silence
from a11ypress.tts.engine import (
    DEFAULT_RATE,
    SynthesisError,
    VoiceInfo,
    engine_version,
    engine_voices,
    silence_stdout,
)
from a11ypress.tts.engines import Synthesizer, open_engine

#: Utterances handed to a worker at once (amortises the hand-over cost).
BATCH = 12
#: Times a single utterance is tried in a fresh worker before the build fails.
MAX_TRIES = 3


@dataclass(frozen=True, slots=True)
class Job:
    """One utterance to synthesise into the cache."""

    key: str
    """Cache key."""
    text: str
    """What to say."""
    voice: str | None
    """Engine voice id (None: the engine's default)."""
    rate: int
    """Words per minute."""
    pause_ms: int
    """Silence appended after the speech."""
    kind: str
    """``mp3`` (an encoded segment) or ``pcm``."""
    engine: str = "espeak"
    """``espeak`` or ``piper`` (then ``voice`` is the model file)."""


_engine: Synthesizer | None = None
_voice: tuple[str | None, int, str] = (None, DEFAULT_RATE, "espeak")


def _init_worker(
    voice: str | None = None, rate: int = DEFAULT_RATE, engine: str = "espeak"
) -> None:
    """Worker start-up: keep the driver's prints off our stdout and remember
    the engine, voice and rate this worker speaks with."""
    global _voice
    silence_stdout()
    _voice = (voice, rate, engine)


def _get_engine() -> Synthesizer:
    global _engine
    if _engine is None:
        voice, rate, engine = _voice
        _engine = open_engine(engine, voice, rate)
    return _engine


#: Tests set this to a file name: a worker that finds the file deletes it and
#: dies by SIGSEGV, as pyttsx3 sometimes does, to prove the pool recovers.
CRASH_FILE_ENV = "A11YPRESS_TEST_CRASH_FILE"


def die_if_asked(env: str, sig: signal.Signals) -> None:
    """Test hook: when the environment variable ``env`` names a file that
    exists, delete it and kill this process with ``sig`` (so exactly one
    process dies, however many read the variable)."""
    name = os.environ.get(env)
    if name:
        try:
            os.unlink(name)
        except FileNotFoundError:
            return
        os.kill(os.getpid(), sig)


def _work(jobs: Sequence[Job], cache_root: str) -> int:
    """Synthesise, encode and cache ``jobs`` (in a worker); returns how many."""
    die_if_asked(CRASH_FILE_ENV, signal.SIGSEGV)
    engine = _get_engine()
    cache = SpeechCache(Path(cache_root))
    for job in jobs:

        def store(pcm: bytes, job: Job = job) -> None:
            speech = len(pcm) // 2
            pcm += silence(job.pause_ms)
            if job.kind == "mp3":
                payload, samples = encode_mp3(pcm)
            else:
                payload, samples = pcm, len(pcm) // 2
            cache.write(job.key, Segment(samples, speech, payload))

        engine.run_in_child(job.text, store)
    return len(jobs)


def _context() -> multiprocessing.context.BaseContext:
    # Workers are spawned, never forked: a fork would copy espeak's threads.
    return multiprocessing.get_context("spawn")


def list_voices() -> list[VoiceInfo]:
    """The engine's voices (asking does not synthesise, so it is done here)."""
    return engine_voices()


class SynthesisPool:
    """Runs jobs on ``workers`` processes until every job is in the cache.

    Workers start on first use and are kept for the next document (see
    :func:`shared_pool`), so building many articles pays their start once.
    A pool speaks with one engine, voice and rate: its workers set them once,
    before the warm-up text that every forked child starts from.
    """

    def __init__(
        self,
        workers: int,
        voice: str | None = None,
        rate: int = DEFAULT_RATE,
        engine: str = "espeak",
    ) -> None:
        self.workers = max(1, workers)
        self.voice = voice
        self.rate = rate
        self.engine = engine
        self._ex: ProcessPoolExecutor | None = None

    def __enter__(self) -> SynthesisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _executor(self) -> ProcessPoolExecutor:
        if self._ex is None:
            self._ex = ProcessPoolExecutor(
                self.workers,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(self.voice, self.rate, self.engine),
            )
        return self._ex

    def close(self) -> None:
        """Stop the workers."""
        if self._ex is not None:
            self._ex.shutdown(wait=True, cancel_futures=True)
            self._ex = None

    def run(
        self,
        jobs: Sequence[Job],
        cache: SpeechCache,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Synthesise every job into ``cache``; ``progress(n)`` after each n done.

        Raises :class:`SynthesisError` when an utterance fails in every try.
        """
        pending: list[tuple[list[Job], int]] = [
            (list(jobs[i : i + BATCH]), 0) for i in range(0, len(jobs), BATCH)
        ]
        root = str(cache.root)
        while pending:
            ex = self._executor()
            running: dict[Future[int], tuple[list[Job], int]] = {
                ex.submit(_work, batch, root): (batch, tries) for batch, tries in pending
            }
            pending = []
            broken = False
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    batch, tries = running.pop(fut)
                    try:
                        n = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        pending.extend(_retry(batch, tries, cache))
                        continue
                    except SynthesisError:
                        pending.extend(_retry(batch, tries, cache))
                        continue
                    if progress is not None:
                        progress(n)
            if broken:
                # A worker died: everything still queued was lost with the pool.
                self._ex = None
                ex.shutdown(wait=False, cancel_futures=True)


def _retry(batch: list[Job], tries: int, cache: SpeechCache) -> list[tuple[list[Job], int]]:
    """What to run again after ``batch`` failed: its unfinished jobs, one by one."""
    left = [j for j in batch if cache.header(j.key) is None]
    if len(left) == 1 and len(batch) == 1 and tries + 1 >= MAX_TRIES:
        raise SynthesisError(f"speech engine failed {MAX_TRIES} times on {left[0].text!r}")
    return [([j], tries + 1 if len(batch) == 1 else 0) for j in left]


_pools: dict[tuple[int, str | None, int, str], SynthesisPool] = {}


def shared_pool(
    workers: int,
    voice: str | None = None,
    rate: int = DEFAULT_RATE,
    engine: str = "espeak",
) -> SynthesisPool:
    """The process-wide pool of ``workers`` workers for one engine, voice and
    rate (stopped at exit)."""
    key = (workers, voice, rate, engine)
    pool = _pools.get(key)
    if pool is None:
        pool = _pools[key] = SynthesisPool(workers, voice, rate, engine)
        atexit.register(pool.close)
    return pool


def close_pools() -> None:
    """Stop every shared pool (the next build starts fresh workers)."""
    for pool in _pools.values():
        pool.close()
    _pools.clear()


#: Voice lists already read in this process, by file.
_voice_lists: dict[Path, list[VoiceInfo]] = {}


def cached_voices(root: Path) -> list[VoiceInfo]:
    """The engine's voices, remembered in the cache folder per engine version
    (and in this process, once read)."""
    path = root / f"voices-{segment_key('', None, 0, 0, 'voices', engine_version())[:16]}.json"
    known = _voice_lists.get(path)
    if known is not None:
        return list(known)
    try:
        data = json.loads(path.read_text("utf-8"))
        found = [
            VoiceInfo(v["id"], v["name"], tuple(v["languages"]), v.get("gender")) for v in data
        ]
    except (OSError, ValueError, KeyError, TypeError):
        found = list_voices()
        text = json.dumps([dataclasses.asdict(v) for v in found], ensure_ascii=False)
        atomic_write(path, text.encode("utf-8"))
    _voice_lists[path] = found
    return list(found)
