"""Synthesis on a Dask cluster: batches of utterances go out, segments come back.

Each task runs on a worker the handshake accepted (:mod:`a11ypress.cluster`):
it hands the batch to the worker's helper process, a plain single-threaded
Python process that runs the local pool's worker code (the same engine,
forking and encoding as a local build) in a child forked for the batch, with
a throw-away cache folder, and returns the segments' bytes.
The client writes them into its own cache.  So the worker needs no shared
file system and keeps nothing, and the bytes are those of a local build.
A worker that dies mid-batch is replaced by Dask, which runs the batch
again elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from a11ypress.tts import pool
from a11ypress.tts.cache import Segment, SpeechCache
from a11ypress.tts.engine import SynthesisError
from a11ypress.tts.pool import BATCH, MAX_TRIES, Job

#: Tests set this to a file name in the workers' environment: the worker that
#: finds the file deletes it and kills itself (SIGKILL) in the middle of a
#: batch, to prove that the build still finishes with the same bytes.
KILL_FILE_ENV = "A11YPRESS_TEST_KILL_WORKER_FILE"

_lock = threading.Lock()
_LENGTH = struct.Struct("<Q")

#: One segment sent back: cache key, samples, speech samples, payload.
Returned = tuple[str, int, int, bytes]
#: Jobs by (voice, rate, engine).
Groups = dict[tuple[str | None, int, str], list[Job]]


def synthesise_batch(jobs: Sequence[Job]) -> list[Returned]:
    """On a worker: synthesise and encode ``jobs`` (one voice, rate and
    engine) and return their segments.

    The work is done by this worker's helper process (:func:`serve`), started
    on first use: a Dask worker may not start a process pool, and forking the
    worker itself (threaded, and grown by the articles it rendered) would be
    unsafe and slow.  A helper that died is started again, once per batch.
    Raises :class:`SynthesisError` when the batch cannot be said."""
    pool.die_if_asked(KILL_FILE_ENV, signal.SIGKILL)
    data = pickle.dumps(list(jobs), pickle.HIGHEST_PROTOCOL)
    with _lock:
        for attempt in range(2):
            helper = _helper()
            try:
                assert helper.stdin is not None and helper.stdout is not None
                _send(helper.stdin, data)
                reply = _receive(helper.stdout)
            except (OSError, EOFError):
                _stop_helper()
                if attempt:
                    raise SynthesisError("the synthesis helper process died twice") from None
                continue
            break
    result = pickle.loads(reply)
    if isinstance(result, str):
        raise SynthesisError(result)
    return cast(list[Returned], result)


_process: subprocess.Popen[bytes] | None = None


def _helper() -> subprocess.Popen[bytes]:
    """This worker's helper process (started if needed)."""
    global _process
    if _process is None or _process.poll() is not None:
        _process = subprocess.Popen(
            [sys.executable, "-m", "a11ypress.tts.remote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
    return _process


def _stop_helper() -> None:
    global _process
    if _process is not None:
        _process.kill()
        _process.wait()
        _process = None


def _send(out: IO[bytes], data: bytes) -> None:
    out.write(_LENGTH.pack(len(data)))
    out.write(data)
    out.flush()


def _receive(src: IO[bytes]) -> bytes:
    head = src.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        raise EOFError("the other end closed the pipe")
    (size,) = _LENGTH.unpack(head)
    data = src.read(size)
    if len(data) < size:
        raise EOFError("the other end closed the pipe")
    return data


def serve() -> None:
    """The helper process: batches of jobs (pickled) on stdin, their segments
    (or a message saying why not) on stdout, until stdin closes (its worker
    is gone).  Stray prints go to stderr, never into the replies."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    while True:
        try:
            jobs: list[Job] = pickle.loads(_receive(requests))
        except EOFError:
            return
        try:
            reply: list[Returned] | str = _batch(jobs)
        except SynthesisError as exc:
            reply = str(exc)
        _send(replies, pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))


def _batch(jobs: Sequence[Job]) -> list[Returned]:
    """In the helper: the batch in forked children (see :func:`_in_child`),
    each dead child replaced up to :data:`~a11ypress.tts.pool.MAX_TRIES`
    times for the jobs it left undone; the segments read back."""
    with tempfile.TemporaryDirectory(prefix="a11ypress-remote-") as tmp:
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
    """Run the local pool's worker code (:func:`pool._work`: a fresh engine,
    each text said in a child forked from it, encoded and stored) on ``jobs``
    in a forked child of the helper; wait for it."""
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


@dataclass
class _Stream:
    """Synthesis submitted and not yet written into the cache (see :func:`streaming`)."""

    cluster: Any
    """The :class:`a11ypress.cluster.Cluster`."""
    pending: list[tuple[Any, SpeechCache]] = field(default_factory=list)
    """Futures not written yet, and the cache each goes to."""
    keys: set[str] = field(default_factory=set)
    """Keys already sent (a sentence several articles share is sent once)."""
    written: int = 0
    """Sentences written into the cache so far."""

    def submit(self, groups: Groups, cache: SpeechCache) -> None:
        """Send the batches of the jobs not sent yet; write what has arrived."""
        for group in groups.values():
            fresh = [j for j in group if j.key not in self.keys]
            self.keys.update(j.key for j in fresh)
            for i in range(0, len(fresh), BATCH):
                fut = self.cluster.submit(synthesise_batch, fresh[i : i + BATCH])
                self.pending.append((fut, cache))
        self.collect(wait=False)

    def collect(self, wait: bool, update: Callable[[int], None] | None = None) -> None:
        """Write the segments that have arrived (``wait``: all of them);
        ``update(n)`` after each batch of n sentences written."""
        from distributed import as_completed

        where = {fut.key: cache for fut, cache in self.pending}
        written: set[str] = set()
        done: Iterable[Any] = [f for f, _ in self.pending if f.done()]
        if wait:
            done = as_completed([f for f, _ in self.pending], loop=self.cluster.client.loop)
        for fut in done:
            written.add(fut.key)
            try:
                segments: list[Returned] = fut.result()
            except Exception:  # left for the article's own build to retry and report
                segments = []
            for key, samples, speech, payload in segments:
                where[fut.key].write(key, Segment(samples, speech, payload))
            self.written += len(segments)
            fut.release()
            if update is not None:
                update(len(segments))
        self.pending = [(f, c) for f, c in self.pending if f.key not in written]


_stream: _Stream | None = None


@contextlib.contextmanager
def streaming(cluster: Any, progress: bool = False) -> Iterator[None]:
    """Inside the block, :func:`run_remote` on ``cluster`` sends its batches and
    returns at once, so the client goes on reading the next articles while the
    workers synthesise; segments are written into the cache as they arrive,
    and all of them by the end of the block.  A batch that failed is left for
    the article's own build (which tries again and reports it); on an error
    (or Ctrl-C) inside the block, the rest is cancelled.  ``progress``: a
    progress bar on stderr while the last sentences are awaited."""
    global _stream
    stream = _Stream(cluster)
    _stream = stream
    try:
        yield
        if not progress or not stream.pending:
            stream.collect(wait=True)
        else:
            import click

            left = len(stream.keys) - stream.written
            with click.progressbar(
                length=left, label="Speaking", file=sys.stderr, show_eta=True
            ) as bar:
                stream.collect(wait=True, update=bar.update)
    finally:
        _stream = None
        cluster.client.cancel([f for f, _ in stream.pending if not f.done()])


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

    if _stream is not None and _stream.cluster is cluster:
        _stream.submit(groups, cache)
        return 0
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
    finally:  # interrupted (Ctrl-C) or failed: the rest is not wanted
        cluster.client.cancel([f for f in futures if not f.done()])
    return received


if __name__ == "__main__":
    serve()
