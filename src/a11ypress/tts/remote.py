"""Synthesis on a Dask cluster: batches of utterances go out, segments come back.

Each task runs on a worker the handshake accepted (:mod:`a11ypress.cluster`):
it runs the local pool's worker code (the same engine, forking and encoding
as a local build) in a child forked for the batch, with a throw-away cache
folder, and returns the segments' bytes.
The client writes them into its own cache.  So the worker needs no shared
file system and keeps nothing, and the bytes are those of a local build.
A worker that dies mid-batch is replaced by Dask, which runs the batch
again elsewhere.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from a11ypress.tts import pool
from a11ypress.tts.cache import Segment, SpeechCache
from a11ypress.tts.engine import SynthesisError
from a11ypress.tts.pool import BATCH, MAX_TRIES, Job

#: Tests set this to a file name in the workers' environment: the worker that
#: finds the file deletes it and kills itself (SIGKILL) in the middle of a
#: batch, to prove that the build still finishes with the same bytes.
KILL_FILE_ENV = "A11YPRESS_TEST_KILL_WORKER_FILE"

_lock = threading.Lock()

#: One segment sent back: cache key, samples, speech samples, payload.
Returned = tuple[str, int, int, bytes]


def _maybe_die() -> None:
    name = os.environ.get(KILL_FILE_ENV)
    if name:
        try:
            os.unlink(name)
        except FileNotFoundError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def synthesise_batch(jobs: Sequence[Job]) -> list[Returned]:
    """On a worker: synthesise and encode ``jobs`` (one voice, rate and
    engine) and return their segments.

    The work is done by the local pool's own worker code (:func:`pool._work`),
    in a child forked for the batch that opens a fresh engine (a Dask worker
    may not start processes of its own); a child that dies is replaced, up to
    :data:`~a11ypress.tts.pool.MAX_TRIES` times, for the jobs it left undone.
    Raises :class:`SynthesisError` when they still are not done."""
    _maybe_die()
    with _lock, tempfile.TemporaryDirectory(prefix="a11ypress-remote-") as tmp:
        cache = SpeechCache(Path(tmp))
        left = list(jobs)
        for _ in range(MAX_TRIES):
            _in_child(left, tmp)
            left = [j for j in left if cache.header(j.key) is None]
            if not left:
                break
        else:
            raise SynthesisError(f"speech engine failed {MAX_TRIES} times on {left[0].text!r}")
        out: list[Returned] = []
        for job in jobs:
            seg = cache.read(job.key)
            out.append((job.key, seg.samples, seg.speech, seg.payload))
    return out


def _in_child(jobs: Sequence[Job], root: str) -> None:
    """Run the pool's worker code on ``jobs`` in a forked child; wait for it."""
    first = jobs[0]
    pid = os.fork()
    if pid == 0:  # child: a fresh engine, the batch, then leave without cleanup
        code = 0
        try:
            pool._init_worker(first.voice, first.rate, first.engine)
            pool._work(jobs, root)
        except BaseException:
            code = 2
        os._exit(code)
    os.waitpid(pid, 0)


def run_remote(
    cluster: Any,
    groups: dict[tuple[str | None, int, str], list[Job]],
    cache: SpeechCache,
    update: Callable[[int], None] | None,
) -> int:
    """Synthesise every job on ``cluster`` (a :class:`a11ypress.cluster.Cluster`)
    into ``cache``, batch by batch as results arrive; returns the bytes received.

    Raises :class:`~a11ypress.tts.engine.SynthesisError` when a batch failed
    on its worker."""
    from distributed import as_completed

    futures = [
        cluster.submit(synthesise_batch, group[i : i + BATCH])
        for group in groups.values()
        for i in range(0, len(group), BATCH)
    ]
    received = 0
    try:
        for fut in as_completed(futures, loop=cluster.client.loop):
            segments: list[Returned] = fut.result()
            for key, samples, speech, payload in segments:
                cache.write(key, Segment(samples, speech, payload))
                received += len(payload)
            if update is not None:
                update(len(segments))
            fut.release()
    finally:
        for fut in futures:
            fut.cancel()
    return received
