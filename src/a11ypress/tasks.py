"""One article's conversion as a task that runs in any process.

A build of several articles (without ``--digest``) is cut into one
:class:`ArticleTask` per article: everything needed to parse the article and
render it to every format that needs no speech synthesis (EPUB, PDF, JSON),
the article's bytes included, so that the process running it needs no shared
file system for the text (images are still read by that process, through
:func:`a11ypress.export.images.find_image`).  :func:`run_article` turns a task
into an :class:`ArticleOutcome`: the bytes of every file the build would
write, the diagnostics in the order a serial build reports them, and the
model's part of the build manifest entry.  It writes nothing outside a private
temporary folder and keeps nothing between calls.

The client (:func:`a11ypress.pipeline.run`) reads the articles, submits the
tasks to the :class:`~concurrent.futures.Executor` that :func:`executor_for`
returns (only ``submit`` and futures are used, and every argument and result
pickles), and then, in input order, refuses outputs that would overwrite an
input or another output, writes the files atomically, reports the
diagnostics and builds the manifest.  Formats that need speech synthesis
(:data:`SPEECH_FORMATS`) stay in the client.
"""

from __future__ import annotations

import atexit
import os
import signal
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from a11ypress.components import Vocabulary
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity
from a11ypress.export import ExportOptions, formats, output_extension, output_paths
from a11ypress.fsutil import scratch
from a11ypress.model import Document
from a11ypress.options import BuildOptions
from a11ypress.site import SiteArticle

if TYPE_CHECKING:  # multiprocessing and Dask are imported only when used
    from concurrent.futures import ProcessPoolExecutor

    from a11ypress.cluster import Cluster
    from a11ypress.export.images import ImageFile
    from a11ypress.export.pagebreaks import PrintPages

#: Formats made in the client, never in a task: they need speech synthesis,
#: which has its own pool of workers and cache (see :mod:`a11ypress.tts.pool`).
SPEECH_FORMATS = frozenset({"audio", "read-aloud"})

#: Test hook: a worker process (never the client) converting an article whose
#: file name is this variable's value dies of SIGSEGV, as a crashing library would.
CRASH_ARTICLE_ENV = "A11YPRESS_TEST_CRASH_ARTICLE"


@dataclass(frozen=True, slots=True)
class ArticleTask:
    """Everything a worker needs to parse and render one article (picklable)."""

    path: Path
    """The article's file, as given: its name in diagnostics, and where its
    relative images are looked for."""
    source: bytes
    """The file's bytes, read by the client."""
    stem: str
    """Base name of its outputs (unique in the build)."""
    formats: tuple[str, ...]
    """Formats to render, in order (none of :data:`SPEECH_FORMATS`)."""
    export: ExportOptions
    """The exporters' options (assets folder, styles, paper, ...)."""
    options: BuildOptions
    """The build's options (language, site URL, drafts...: see
    :func:`a11ypress.inputs.settle`)."""
    vocab: Vocabulary
    """The component vocabulary, loaded by the client."""
    entry: SiteArticle | None = None
    """Where the article sits in its folder input (None: a file given by name)."""
    notes: tuple[Diagnostic, ...] = ()
    """Diagnostics found by the client while reading (reported first)."""
    keep_document: bool = False
    """Send the parsed document back (the client renders the speech formats)."""
    images: tuple[tuple[str, ImageFile | str], ...] | None = None
    """``--cluster``: what the client found for each string of the article that
    may name an image (see :mod:`a11ypress.shipped`); None: read from disk."""
    files: tuple[tuple[str, bytes], ...] = ()
    """``--cluster``: the user's stylesheets, read by the client (path, bytes)."""


@dataclass(frozen=True, slots=True)
class FormatOutcome:
    """One format of one article, rendered."""

    name: str
    """The format (``epub``, ``pdf``, ``json``)."""
    target: str
    """The main output's file name, relative to the output folder."""
    files: tuple[tuple[str, bytes], ...]
    """Every file it writes (name relative to the output folder, bytes), in order;
    empty when it failed."""
    diagnostics: tuple[Diagnostic, ...]
    """What its exporter reported, in order."""
    ok: bool
    """True when the exporter succeeded."""


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """What converting one article gave (picklable)."""

    path: Path
    """The article's file, as in its task."""
    diagnostics: tuple[Diagnostic, ...]
    """Reading and parsing problems (or why it was skipped), in order."""
    formats: tuple[FormatOutcome, ...] = ()
    """Each format rendered, in the task's order (empty when the article failed
    or was skipped)."""
    failed: bool = False
    """The article could not be read or parsed: nothing was rendered."""
    skipped: bool = False
    """The article is left out (a draft, hidden): not an input of the build."""
    model: dict[str, Any] | None = None
    """The model's part of its build manifest entry
    (:func:`a11ypress.report.manifest.book_model`)."""
    document: Document | None = None
    """The parsed document, when the task asked for it."""
    pages: PrintPages | None = None
    """The PDF edition's page breaks, when the task laid it out for its EPUB
    (the client's read-aloud book takes them instead of laying it out again)."""


def run_article(task: ArticleTask) -> ArticleOutcome:
    """Parse and render one article (in any process); never raises for a
    problem of the article, which becomes a diagnostic."""
    _maybe_crash(task.path)
    if task.images is None:
        return _run_article(task)
    from a11ypress import shipped

    with shipped.using(dict(task.images), dict(task.files)):
        return _run_article(task)


def _run_article(task: ArticleTask) -> ArticleOutcome:
    from a11ypress.document import decode_article, parse_text
    from a11ypress.inputs import Article, settle

    name = str(task.path)
    try:
        text = decode_article(task.source, name)
        loaded = parse_text(text, name, vocab=task.vocab, lang=task.options.lang)
    except InputError as exc:  # not UTF-8
        return ArticleOutcome(task.path, (exc.diagnostic,), failed=True)
    except Exception as exc:  # a bug must not stop the other articles
        return ArticleOutcome(task.path, (internal_error(name, exc),), failed=True)
    doc, why = settle(Article(task.path, None, task.entry), loaded.document, task.options)
    if why is not None:
        skipped = Diagnostic("skipped", f"skipped: {why}", Severity.INFO, doc.source)
        return ArticleOutcome(task.path, (skipped,), skipped=True)
    diags = (*task.notes, *loaded.diagnostics)
    if loaded.failed:
        return ArticleOutcome(task.path, diags, failed=True)
    with tempfile.TemporaryDirectory(prefix="a11ypress-task-") as tmp, scratch():
        rendered = tuple(_render(doc, task, fmt, Path(tmp)) for fmt in task.formats)
    from a11ypress.report.manifest import book_model

    model = book_model(doc, [task.path], task.export.assets)
    kept = doc if task.keep_document else None
    pages = task.export.pages.settled() if kept and task.export.pages is not None else None
    return ArticleOutcome(task.path, diags, rendered, model=model, document=kept, pages=pages)


def _render(doc: Document, task: ArticleTask, name: str, folder: Path) -> FormatOutcome:
    """One exporter on the document, writing into ``folder``; the bytes read back."""
    ext = formats()[name][0]
    target = folder / (task.stem + output_extension(name, ext, task.export))
    sink = DiagnosticSink(doc.source or target.name)
    # a write failure (a full disk, say) is named as the output it is written as
    ok = run_exporter(doc, name, target, task.export, sink, task.options.out / target.name)
    files = tuple((p.name, p.read_bytes()) for p in output_paths(name, target)) if ok else ()
    return FormatOutcome(name, target.name, files, tuple(sink.items), ok)


def run_exporter(
    doc: Document,
    name: str,
    target: Path,
    options: ExportOptions,
    sink: DiagnosticSink,
    shown: Path | None = None,
) -> bool:
    """Run format ``name``'s exporter on ``doc`` into ``target``; True when it
    succeeded.  Every problem, a bug included, becomes a diagnostic in
    ``sink`` (a write failure names ``shown``, the output as the user knows
    it, by default ``target``)."""
    try:
        formats()[name][1](doc, target, options, sink)
    except InputError as exc:
        sink.items.append(exc.diagnostic)
    except OSError as exc:
        where = shown or target
        sink.add(
            "write-failed", f"cannot write {where}: {exc.strerror or exc}", None, Severity.ERROR
        )
    except Exception as exc:  # a bug must not stop the other outputs
        sink.items.append(internal_error(doc.source, exc))
    else:
        return True
    return False


def internal_error(file: str | None, exc: BaseException) -> Diagnostic:
    """A diagnostic for an unexpected exception (a bug in a11ypress)."""
    return Diagnostic(
        "internal-error",
        f"internal error, please report it: {type(exc).__name__}: {exc}",
        Severity.ERROR,
        file,
    )


def crashed(path: Path) -> ArticleOutcome:
    """The outcome of an article whose worker process died (twice)."""
    problem = Diagnostic(
        "worker-crashed",
        "the worker process converting this article died (a crash in a library); "
        "the other articles were built",
        Severity.ERROR,
        str(path),
    )
    return ArticleOutcome(path, (problem,), failed=True)


def _maybe_crash(path: Path) -> None:
    """The test hook of :data:`CRASH_ARTICLE_ENV` (only in a worker process)."""
    wanted = os.environ.get(CRASH_ARTICLE_ENV)
    if not wanted or path.name != wanted:
        return
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGSEGV)


# ---------------------------------------------------------------- executors


class InlineExecutor(Executor):
    """Runs each task at once in the calling process (one job, or one article)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Run ``fn(*args, **kwargs)`` now; its result (or exception) in a done future."""
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the future carries it, as a pool's would
            fut.set_exception(exc)
        return fut


_pools: dict[int, ProcessPoolExecutor] = {}


def _cluster(options: BuildOptions) -> Cluster | None:
    """The ``--cluster`` this build runs on (None: this machine)."""
    if options.cluster is None:
        return None
    from a11ypress.cluster import active

    return active()


def workers_for(options: BuildOptions) -> int:
    """Processes converting articles: ``jobs``, else one per core (on a
    ``--cluster``: the threads of the workers it may use)."""
    cluster = _cluster(options)
    if cluster is not None:
        return cluster.threads
    return options.jobs or len(os.sched_getaffinity(0)) or 1


#: Formats that take a few milliseconds per article: a batch of only these
#: formats uses worker processes from :data:`LIGHT_BATCH` articles on (below,
#: starting a worker, about 0.3 s of imports, costs more than it saves).
LIGHT_FORMATS = frozenset({"epub", "json"})
LIGHT_BATCH = 64


def executor_for(options: BuildOptions, tasks: int | None = None) -> Executor:
    """Where a build's article tasks run.  ``tasks`` is how many there are,
    when known: one task, one job, a small batch of light formats
    (:data:`LIGHT_BATCH`), or tasks that only parse (a build of speech
    formats alone, made in this process anyway) run inline in this process; more run on the
    process-wide pool of :func:`workers_for` spawned workers, kept for the
    next build in this process (stopped at exit).  With ``--cluster``, the
    tasks go to the Dask workers that passed the handshake
    (:meth:`a11ypress.cluster.Cluster.executor`)."""
    cluster = _cluster(options)
    if cluster is not None:
        return cluster.executor()
    workers = workers_for(options)
    rendered = set(options.formats) - SPEECH_FORMATS  # what a task renders
    light = rendered <= LIGHT_FORMATS and tasks is not None and tasks < LIGHT_BATCH
    if workers == 1 or (tasks is not None and tasks <= 1) or light or not rendered:
        return InlineExecutor()
    pool = _pools.get(workers)
    if pool is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")  # never fork a threaded client
        pool = _pools[workers] = ProcessPoolExecutor(workers, mp_context=context)
        atexit.register(pool.shutdown, wait=True, cancel_futures=True)
    return pool


def discard_executor(executor: Executor) -> None:
    """Forget a broken executor (a worker died): the next build starts a new one."""
    for key, pool in list(_pools.items()):
        if pool is executor:
            del _pools[key]
    executor.shutdown(wait=False, cancel_futures=True)


def close_executors() -> None:
    """Stop every shared pool of article workers."""
    for pool in _pools.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _pools.clear()


Item = ArticleTask | ArticleOutcome
"""A task to run, or an outcome the client already knows (an unreadable file)."""


@dataclass
class _Flight:
    """Tasks submitted and not yet collected, in input order."""

    executor: Executor
    """Where the tasks run (replaced when a local pool breaks)."""
    queue: deque[tuple[Item, Future[ArticleOutcome] | None]] = field(default_factory=deque)
    """Each item and its future (None: an outcome already known), in input order."""


def run_tasks(
    items: Iterable[Item],
    options: BuildOptions,
    count: int | None = None,
    run: Callable[[ArticleTask], ArticleOutcome] = run_article,
) -> Iterator[ArticleOutcome]:
    """The outcome of each item, in input order, run on :func:`executor_for`.

    A few tasks per worker are in flight at a time (the next ones are read
    only as outcomes are collected).  A task whose worker died is run again
    alone on a fresh pool; if its worker dies again, it is reported as
    ``worker-crashed`` and the build goes on."""
    flight = _Flight(executor_for(options, count))
    window = 2 * workers_for(options) + 2
    source = iter(items)
    while True:
        _refill(flight, source, window, run)
        if not flight.queue:
            return
        item, fut = flight.queue.popleft()
        if fut is None:
            assert isinstance(item, ArticleOutcome)
            yield item
            continue
        assert isinstance(item, ArticleTask)
        yield _collect(flight, item, fut, options, count, run)


def _refill(
    flight: _Flight,
    source: Iterator[Item],
    window: int,
    run: Callable[[ArticleTask], ArticleOutcome],
) -> None:
    """Submit the next items until ``window`` are in flight (or none are left)."""
    while len(flight.queue) < window:
        item = next(source, None)
        if item is None:
            return
        if isinstance(item, ArticleOutcome):
            flight.queue.append((item, None))
        else:
            flight.queue.append((item, _submit(flight.executor, run, item)))


def _submit(
    executor: Executor, run: Callable[[ArticleTask], ArticleOutcome], task: ArticleTask
) -> Future[ArticleOutcome]:
    """``executor.submit(run, task)``; a pool that broke before it could take
    the task gives a future holding that error, collected like the others."""
    try:
        return executor.submit(run, task)
    except BrokenExecutor as exc:
        fut: Future[ArticleOutcome] = Future()
        fut.set_exception(exc)
        return fut


def _collect(
    flight: _Flight,
    task: ArticleTask,
    fut: Future[ArticleOutcome],
    options: BuildOptions,
    count: int | None,
    run: Callable[[ArticleTask], ArticleOutcome],
) -> ArticleOutcome:
    """One task's outcome; a dead worker's task tried once more, alone."""
    try:
        return fut.result()
    except BrokenExecutor:
        pass
    except Exception as exc:  # a bug (or an unpicklable result): this article fails alone
        if type(exc).__name__ == "KilledWorker":  # Dask: it killed every worker it ran on
            return crashed(task.path)
        return ArticleOutcome(task.path, (internal_error(str(task.path), exc),), failed=True)
    discard_executor(flight.executor)
    flight.executor = executor_for(options, count)
    try:
        outcome = _submit(flight.executor, run, task).result()
    except BrokenExecutor:
        discard_executor(flight.executor)
        outcome = crashed(task.path)
    except Exception as exc:
        outcome = ArticleOutcome(task.path, (internal_error(str(task.path), exc),), failed=True)
    flight.executor = executor_for(options, count)
    rest = list(flight.queue)  # those lost with the broken pool: submit them again
    flight.queue.clear()
    for item, old in rest:
        if isinstance(item, ArticleTask) and (old is None or _lost(old)):
            old = _submit(flight.executor, run, item)
        flight.queue.append((item, old))
    return outcome


def _lost(fut: Future[ArticleOutcome]) -> bool:
    """True when ``fut`` will never give its outcome (its pool broke)."""
    if fut.cancelled() or not fut.done():
        return True
    return isinstance(fut.exception(), BrokenExecutor)
