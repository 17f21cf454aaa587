"""A build: inputs -> articles -> outputs, with every diagnostic collected.

This is what ``a11ypress build`` and :func:`a11ypress.build` run.  Progress and
diagnostics are reported through :class:`Events` as they happen (the CLI
prints them; the API only collects them into the :class:`BuildResult`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from a11ypress.components import Vocabulary, load_vocabulary
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity, printable
from a11ypress.document import Loaded, load, outside_warning, read_article_bytes
from a11ypress.export import ExportOptions, formats, output_extension, output_paths
from a11ypress.fsutil import atomic_write, real_path
from a11ypress.inputs import Article, assets_for, expand, routes_of, settle
from a11ypress.model import Document
from a11ypress.options import BuildOptions
from a11ypress.report.manifest import MANIFEST_NAME, book_entry, entry_of, write_manifest
from a11ypress.tasks import (
    SPEECH_FORMATS,
    ArticleOutcome,
    ArticleTask,
    FormatOutcome,
    internal_error,
    run_exporter,
    run_tasks,
)
from a11ypress.transforms.resolve import slugify, unique_id

if TYPE_CHECKING:  # a digest's modules are imported when one is made
    from a11ypress.export.images import ImageFile
    from a11ypress.transforms.digest import Placed
    from a11ypress.tts.options import AudioOptions


class DependencyMissing(RuntimeError):
    """A system program a chosen format needs is not installed."""


@dataclass
class BuildResult:
    """What a build made and found."""

    outputs: list[Path] = field(default_factory=list)
    """Files written (audio sidecars not listed)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    """Every problem reported, in order."""
    failed: list[str] = field(default_factory=list)
    """Inputs (or digests) that could not be converted."""
    articles: int = 0
    """Articles converted (or put in the digest)."""
    inputs: int = 0
    """Articles found in the inputs (drafts and hidden ones excluded)."""
    internal_links: int = 0
    """Links that became links to another chapter of the book."""

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    @property
    def ok(self) -> bool:
        """True when every input was converted."""
        return not self.failed


class Events:
    """Hooks a caller can override to follow a build; the defaults do nothing."""

    def diagnostics(self, items: Sequence[Diagnostic]) -> None:
        """Problems just found."""

    def output(self, path: Path) -> None:
        """A file was written."""

    def progress(self, items: Sequence[Article], label: str) -> Iterable[Article]:
        """Wrap the iteration over the articles (e.g. with a progress bar)."""
        return items


class _Run:
    """One build's state."""

    def __init__(self, options: BuildOptions, events: Events) -> None:
        self.options = options
        self.events = events
        self.result = BuildResult()
        self.vocab: Vocabulary = load_vocabulary(options.components)
        self.inputs: set[Path] = set()
        self.claims: dict[Path, str] = {}
        """Each output (sidecars included) already written in this run, and
        the input it came from: another input may not write it again."""
        self.books: list[dict[str, object]] = []
        """The build manifest's entries, one per book written."""
        self.written: list[Path] = []
        """Files (sidecars included) written for the book being exported."""

    def report(self, items: Sequence[Diagnostic]) -> None:
        self.result.diagnostics.extend(items)
        self.events.diagnostics(items)

    def load(self, article: Article) -> Document | None:
        """The article's document, or None when it failed or is skipped."""
        if article.problem is not None:
            self.report([article.problem])
            self.result.failed.append(str(article.path))
            return None
        try:
            loaded: Loaded = load(article.path, vocab=self.vocab, lang=self.options.lang)
        except InputError as exc:
            self.report([exc.diagnostic])
            self.result.failed.append(str(article.path))
            return None
        except Exception as exc:  # a bug must not stop the other articles
            self.report([internal_error(str(article.path), exc)])
            self.result.failed.append(str(article.path))
            return None
        doc, why = settle(article, loaded.document, self.options)
        if why is not None:
            self.report([Diagnostic("skipped", f"skipped: {why}", Severity.INFO, doc.source)])
            self.result.inputs -= 1
            return None
        self.report(loaded.diagnostics)
        if loaded.failed:
            self.result.failed.append(str(article.path))
            return None
        return doc

    def export_options(self, sources: tuple[Path, ...], article: Article | None) -> ExportOptions:
        o = self.options
        return ExportOptions(
            assets=assets_for(article, o) if article is not None else o.assets,
            style=o.style,
            sources=sources,
            paper=o.paper,
            print_style=o.print_style,
            audio=o.audio(),
            image_dpi=o.image_dpi,
        )

    def with_pages(self, options: ExportOptions, stem: str) -> ExportOptions:
        """``options`` with a fresh :class:`PrintPages` for one document's exports,
        when its EPUBs carry the PDF edition's page numbers."""
        o = self.options
        wanted = o.page_source == "pdf" or (o.page_source == "auto" and "pdf" in o.formats)
        if not wanted or not {"epub", "read-aloud"} & set(o.formats):
            return options
        from a11ypress.export.pagebreaks import PrintPages

        return replace(options, pages=PrintPages(f"{stem}.pdf", o.paper))

    def export(
        self,
        doc: Document,
        stem: str,
        options: ExportOptions,
        names: Sequence[str] | None = None,
    ) -> bool:
        """Run each chosen exporter (or those of ``names``) on one document;
        True when all succeeded.  The files written are left in :attr:`written`."""
        ok = True
        self.written = []
        if options.pages is None:
            options = self.with_pages(options, stem)
        for name in self.options.formats if names is None else names:
            ext = formats()[name][0]
            target = self.options.out / (stem + output_extension(name, ext, options))
            sink = DiagnosticSink(doc.source or str(target))  # a digest: name its output
            owner = doc.source or stem  # a digest: its name
            if _export_one(doc, name, target, options, sink, self.inputs, (self.claims, owner)):
                self.result.outputs.append(target)
                self.written += output_paths(name, target)
                self.events.output(target)
            else:
                ok = False
            self.report(sink.items)
        return ok


def _export_one(
    doc: Document,
    name: str,
    target: Path,
    options: ExportOptions,
    sink: DiagnosticSink,
    inputs: set[Path],
    claims: tuple[dict[Path, str], str] | None = None,
) -> bool:
    """One exporter on one document; problems go to ``sink``.

    ``claims`` is the map of each output already written in this run to the
    input it came from, and the name of this document's input: an output (or
    sidecar) another input already wrote is refused, naming both, instead of
    being overwritten."""
    owned = claims if claims is not None else ({}, doc.source or str(target))
    if not _claim(output_paths(name, target), inputs, owned, sink):
        return False
    return run_exporter(doc, name, target, options, sink)


def _claim(
    paths: Sequence[Path],
    inputs: set[Path],
    claims: tuple[dict[Path, str], str],
    sink: DiagnosticSink,
) -> bool:
    """Claim ``paths`` for the input named in ``claims`` (with the map of each
    output already written in this run to its input); False, with an error in
    ``sink``, when one is an input or another input's output."""
    taken_by, owner = claims
    clash = next((p for p in paths if real_path(p) in inputs), None)
    if clash is not None:
        sink.add(
            "would-overwrite-input", f"refusing to overwrite input {clash}", None, Severity.ERROR
        )
        return False
    taken = next((p for p in paths if taken_by.get(real_path(p), owner) != owner), None)
    if taken is not None:
        sink.add(
            "would-overwrite-output",
            f"refusing to write {taken}: it is also an output of "
            f"{taken_by[real_path(taken)]} in this run (rename one of the two inputs)",
            None,
            Severity.ERROR,
        )
        return False
    taken_by.update((real_path(p), owner) for p in paths)
    return True


def run(paths: Sequence[Path], options: BuildOptions, events: Events | None = None) -> BuildResult:
    """Build ``paths`` with ``options``.  Raises :class:`InputError` for an
    unusable vocabulary file and :class:`DependencyMissing` when m4b audio is
    asked for without ffmpeg, audio without espeak-ng, or Piper audio without
    the neural engine or its voice; every other problem is a diagnostic."""
    events = events or Events()
    if _speaks(options):
        from a11ypress.tts.engine import espeak_missing

        problem = espeak_missing()
        if problem is not None:
            raise DependencyMissing(problem)
    if "audio" in options.formats and options.audio_format == "m4b":
        from a11ypress.tts.m4b import FFMPEG_HINT, ffmpeg_path

        if ffmpeg_path() is None:
            raise DependencyMissing(FFMPEG_HINT)
    if options.engine != "piper" and (options.voice or "").endswith(".onnx"):
        raise InputError(
            Diagnostic(
                "unknown-voice",
                "a .onnx voice is a Piper voice: add --engine piper",
                Severity.ERROR,
            )
        )
    if _speaks(options) and options.engine == "piper":
        from a11ypress.tts.piper_voices import PiperUnavailable, resolve_voices

        try:
            resolve_voices(options.voice)
        except PiperUnavailable as exc:
            raise DependencyMissing(str(exc)) from exc
    state = _Run(options, events)
    articles, skipped = expand(paths, options)
    state.report(skipped)
    state.inputs = {real_path(a.path) for a in articles}
    state.result.inputs = len(articles)
    with _cluster(state):
        if options.title is not None:
            _build_digest(state, articles, options.title)
        else:
            _build_each(state, articles)
    _write_manifest(state)
    return state.result


@contextlib.contextmanager
def _cluster(state: _Run) -> Iterator[None]:
    """Connect to the ``--cluster`` scheduler (if any) for the block, saying
    which workers are used and which refused."""
    if state.options.cluster is None:
        yield
        return
    from a11ypress.cluster import session

    piper = _speaks(state.options) and state.options.engine == "piper"
    with session(state.options.cluster, piper) as cluster:
        assert cluster is not None
        items = [
            Diagnostic(
                "cluster-worker-refused",
                f"Dask worker {w} refused: it would make different outputs ({'; '.join(why)})",
                Severity.WARNING,
            )
            for w, why in cluster.refused.items()
        ]
        items.append(
            Diagnostic(
                "cluster",
                f"building on {len(cluster.accepted)} Dask worker(s) at {cluster.address}",
                Severity.INFO,
            )
        )
        state.report(items)
        yield


def _speaks(options: BuildOptions) -> bool:
    """True when a chosen format is narrated (the audio edition, the read-aloud book)."""
    return "audio" in options.formats or "read-aloud" in options.formats


def _write_manifest(state: _Run) -> None:
    """Record the books written in the output folder's build manifest (read
    by ``a11ypress report``); never written over an input."""
    out = state.options.out
    if not state.books or not out.is_dir():
        return
    if real_path(out / MANIFEST_NAME) in state.inputs:
        refused = f"not writing {MANIFEST_NAME}: it is an input"
        state.report([Diagnostic("would-overwrite-input", refused, Severity.ERROR)])
        return
    write_manifest(out, state.books)


def _build_each(state: _Run, articles: list[Article]) -> None:
    """One output per article: parsed and rendered as tasks (in worker
    processes when there are several), then written here in input order."""
    speech = [f for f in state.options.formats if f in SPEECH_FORMATS]
    if speech and len(articles) > 1:
        _prefetch_audio(state, articles)
    used: set[str] = set()
    stems = [unique_id(a.stem, used) for a in articles]
    items = (_item(state, a, stem, bool(speech)) for a, stem in zip(articles, stems, strict=True))
    outcomes = run_tasks(items, state.options, len(articles))
    for article, stem, outcome in zip(
        state.events.progress(articles, "Converting"), stems, outcomes, strict=True
    ):
        _take(state, article, stem, outcome)


def _item(state: _Run, article: Article, stem: str, keep: bool) -> ArticleTask | ArticleOutcome:
    """The task converting ``article``, or its outcome when it cannot be read."""
    if article.problem is not None:
        return ArticleOutcome(article.path, (article.problem,), failed=True)
    try:
        source = read_article_bytes(article.path)
        warning = outside_warning(article.path)
    except InputError as exc:
        return ArticleOutcome(article.path, (exc.diagnostic,), failed=True)
    except Exception as exc:  # a bug must not stop the other articles
        return ArticleOutcome(article.path, (internal_error(str(article.path), exc),), failed=True)
    export = state.with_pages(state.export_options((article.path,), article), stem)
    images: tuple[tuple[str, ImageFile | str], ...] | None = None
    files: tuple[tuple[str, bytes], ...] = ()
    if state.options.cluster is not None:  # workers may not see our files
        from a11ypress.cluster import shipment

        images, files = shipment(article.path, source, export)
    return ArticleTask(
        path=article.path,
        source=source,
        stem=stem,
        formats=tuple(f for f in state.options.formats if f not in SPEECH_FORMATS),
        export=export,
        options=state.options,
        vocab=state.vocab,
        entry=article.entry,
        notes=(warning,) if warning is not None else (),
        keep_document=keep,
        images=images,
        files=files,
    )


def _take(state: _Run, article: Article, stem: str, outcome: ArticleOutcome) -> None:
    """Report one article's outcome, write its files and record its book."""
    if outcome.skipped:
        state.result.inputs -= 1
    state.report(outcome.diagnostics)
    if outcome.failed:
        state.result.failed.append(str(article.path))
    if outcome.failed or outcome.skipped or outcome.model is None:
        return
    mark = len(state.result.diagnostics) - len(outcome.diagnostics)
    options = state.export_options((article.path,), article)
    if outcome.pages is not None:
        options = replace(options, pages=outcome.pages)
    rendered = {f.name: f for f in outcome.formats}
    ok = True
    written: list[Path] = []
    for name in state.options.formats:
        done = rendered.get(name)
        if done is None:  # a speech format: made here, from the cache
            assert outcome.document is not None
            ok = state.export(outcome.document, stem, options, (name,)) and ok
            written += state.written
        elif _write(state, str(article.path), done):
            written += [state.options.out / n for n, _ in done.files]
        else:
            ok = False
    if ok:
        state.result.articles += 1
    else:
        state.result.failed.append(str(article.path))
    diags = state.result.diagnostics[mark:]
    state.books.append(entry_of(stem, outcome.model, written, diags, False))


def _write(state: _Run, owner: str, done: FormatOutcome) -> bool:
    """Write one rendered format's files (unless they would overwrite an
    input, or another input's output); True when written."""
    out = state.options.out
    target = out / done.target
    sink = DiagnosticSink(owner)
    paths = [out / n for n, _ in done.files] or [target]
    if _claim(paths, state.inputs, (state.claims, owner), sink):
        sink.items.extend(done.diagnostics)
        ok = done.ok
        try:
            for name, data in done.files:
                atomic_write(out / name, data)
        except OSError as exc:
            sink.add(
                "write-failed", f"cannot write {target}: {exc.strerror or exc}", None,
                Severity.ERROR,
            )  # fmt: skip
            ok = False
        if ok:
            state.result.outputs.append(target)
            state.events.output(target)
    else:
        ok = False
    state.report(sink.items)
    return ok


def _build_digest(state: _Run, articles: list[Article], title: str) -> None:
    """One book of all articles: folders as parts, links between them internal."""
    from a11ypress.transforms.digest import digest as make_digest

    collected: list[tuple[Article, Document]] = []
    for article in state.events.progress(articles, "Reading"):
        doc = state.load(article)
        if doc is not None:
            collected.append((article, doc))
    if not collected:
        return
    placed = list(_placed(state, collected))
    first, count = collected[0][0], len(collected)
    sources = tuple(a.path for a, _ in collected)
    del collected  # the book keeps what it needs (the linked articles)
    left_out = [
        a.entry.rel if a.entry else str(a.path)
        for a in articles
        if str(a.path) in state.result.failed
    ]
    book = make_digest(
        placed,
        title,
        sort=None if state.options.sort == "input" else state.options.sort,
        authors=state.options.authors,
        left_out=left_out,
    )
    del placed
    options = state.export_options(sources, first)
    mark = len(state.result.diagnostics)
    if state.export(book, slugify(title), options):
        state.result.articles += count
    else:
        state.result.failed.append(f"digest {title!r}")
    names = {str(p) for p in sources}
    log = state.result.diagnostics
    diags = [d for d in log[:mark] if d.file in names] + log[mark:]
    state.books.append(
        book_entry(
            slugify(title),
            book,
            sources,
            state.written,
            diags,
            options.assets,
            True,
            state.options.out,
        )
    )


def _placed(state: _Run, collected: list[tuple[Article, Document]]) -> Iterator[Placed]:
    """The articles placed in their folders, their links to each other rewritten."""
    from a11ypress.transforms.crosslinks import LinkTargets, internal_links
    from a11ypress.transforms.digest import Placed

    targets = LinkTargets()
    where = next((str(a.site.root) for a, _ in collected if a.site is not None), None)
    for article, doc in collected:
        if article.entry is not None and doc.source:
            targets.add(doc.source, routes_of(article, state.options), article.entry.rel, doc)
    if not state.options.base_path:
        prefix = targets.guess_prefix(doc for _, doc in collected)
        if prefix:
            note = (
                f"links to {prefix}/... are read as links to this site's pages "
                "(the prefix its own links use; set base_path to choose another)"
            )
            state.report([Diagnostic("base-path", note, Severity.INFO, where)])
    for article, doc in collected:
        entry = article.entry
        if entry is None:
            yield Placed(doc)
            continue
        sink = DiagnosticSink(doc.source)
        route = entry.route.rstrip("/") + "/" if entry.is_index else entry.route
        linked = internal_links(doc, route, entry.rel, targets, sink)
        state.report(sink.items)
        parts = tuple((f.rel, f.title) for f in entry.folders)
        yield Placed(linked, parts, entry.is_index)
    state.result.internal_links = targets.internal
    state.report(
        [
            Diagnostic(
                "internal-links",
                f"{len(collected)} articles; {targets.internal} link(s) between articles "
                "became links inside the book",
                Severity.INFO,
                where,
            )
        ]
    )


def _prefetch_audio(state: _Run, articles: list[Article]) -> None:
    """Synthesise the sentences of every article's audio edition in one run of
    the worker pool, so all cores stay busy across articles; each article's
    build then only assembles its book from the cache.  Problems are left for
    that build to report."""
    from a11ypress.export.audio import prefetch_audio

    if state.options.cluster is not None:  # stream: read on while the workers speak
        from a11ypress.cluster import active
        from a11ypress.tts.remote import streaming

        cluster = active()
        assert cluster is not None
        with streaming(cluster, progress=not state.options.quiet):
            for i in range(0, len(articles), STREAM_CHUNK):
                docs = _speakable(state, articles[i : i + STREAM_CHUNK])
                # no progress bar per chunk: each only sends its sentences
                prefetch_audio([(d, _no_progress(o)) for d, o in docs])
        return
    prefetch_audio(_speakable(state, articles))


def _no_progress(options: ExportOptions) -> ExportOptions:
    """``options`` without the audio's progress bar."""
    audio = options.audio
    return replace(options, audio=replace(audio, progress=False) if audio else None)


#: ``--cluster``: articles read before their sentences are sent to the workers.
STREAM_CHUNK = 8


def _speakable(state: _Run, articles: list[Article]) -> list[tuple[Document, ExportOptions]]:
    """The documents of ``articles`` that have an audio edition to make."""
    docs = []
    for article in articles:
        try:
            loaded = load(article.path, vocab=state.vocab, lang=state.options.lang)
        except (InputError, OSError):
            continue
        doc, why = settle(article, loaded.document, state.options)
        if not loaded.failed and why is None:
            options = state.export_options((article.path,), article)
            docs += [(doc, replace(options, audio=ao)) for ao in _narrations(state.options)]
    return docs


def _narrations(options: BuildOptions) -> list[AudioOptions]:
    """The audio options of each narrated format of the run: the audio edition's,
    and MP3 for the read-aloud book (the same when the audio edition is MP3)."""
    ao = options.audio()
    out = [ao] if "audio" in options.formats else []
    if ("read-aloud" in options.formats and ao.format != "mp3") or not out:
        out.append(replace(ao, format="mp3"))
    return out


def build_result_summary(result: BuildResult) -> str | None:
    """The last line the CLI prints when something failed."""
    if not result.failed:
        return None
    return f"a11ypress: {len(result.failed)} failed (of {result.inputs} input(s)): " + ", ".join(
        map(printable, result.failed)
    )
