"""The audio edition: the speech script synthesised into MP3, M4B or WAV.

The script (:mod:`a11ypress.render.speech`) is cut into utterances; those not
in the cache are synthesised in worker processes; then the book is assembled
by streaming each cached segment, in order, into the output file, so memory
stays flat however long the book is.  MP3 gets ID3 tags with one chapter per
article and per section heading; M4B gets the same chapters through ffmpeg.
Next to the audio, ``<name>.vtt`` and ``<name>.timings.json`` give the start
and end of every sentence.
"""

from __future__ import annotations

import contextlib
import os
import sys
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import click

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic, DiagnosticSink, InputError, Severity
from a11ypress.export import ExportOptions
from a11ypress.export.images import find_image
from a11ypress.fsutil import atomic_file, atomic_path, atomic_write
from a11ypress.render.speech import Script, SpeechOptions, speech_script
from a11ypress.render.speech_normalize import load_lexicon
from a11ypress.tts.cache import SpeechCache, default_cache_dir, segment_key
from a11ypress.tts.engine import (
    SAMPLE_RATE,
    SynthesisError,
    VoiceInfo,
    voice_for,
)
from a11ypress.tts.engines import neural_voices, piper_languages, spoken_with
from a11ypress.tts.m4b import FFMPEG_HINT, FfmpegMissing, ffmetadata, ffmpeg_path, write_m4b
from a11ypress.tts.options import AudioOptions
from a11ypress.tts.pool import BATCH, Job, cached_voices, shared_pool
from a11ypress.tts.sidecar import timings_json, webvtt
from a11ypress.tts.tags import id3_tag
from a11ypress.tts.timeline import ChapterTime, Timed, timeline

#: Silence LAME puts before the first sample of each segment (encoder delay).
MP3_LEAD_SAMPLES = 1105


@dataclass(frozen=True, slots=True)
class AudioResult:
    """What a build did."""

    utterances: int
    """Utterances in the script."""
    synthesised: int
    """Distinct utterances synthesised in this build (the rest came from the cache)."""
    duration_ms: int
    """Length of the audio."""
    files: tuple[Path, ...]
    """Files written: the audio, then the WebVTT and JSON sidecars."""


def sidecar_paths(out: Path) -> tuple[Path, Path]:
    """The WebVTT and JSON timing files written next to ``out``."""
    return out.with_suffix(".vtt"), out.with_suffix(".timings.json")


def export_audio(doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink) -> None:
    """Write the audio edition of ``doc`` at ``out`` (plus its timing sidecars)."""
    build_audio(doc, out, options, sink)


def _pick_voices(
    script: Script, ao: AudioOptions, voices: list[VoiceInfo], sink: DiagnosticSink
) -> dict[str, str | None]:
    """Voice id for each language in the script."""
    main_lang = script.lang
    main: str | None
    if ao.voice:
        wanted = ao.voice.lower()
        match = next(
            (v.id for v in voices if wanted in (v.id.lower(), v.name.lower(), *v.languages)),
            None,
        )
        if match is None:
            match = voice_for(wanted, voices)
        if match is None:
            raise InputError(
                Diagnostic(
                    "unknown-voice",
                    f"no voice {ao.voice!r}; `a11ypress voices` lists them",
                    Severity.ERROR,
                    sink.file,
                )
            )
        main = match
    else:
        main = voice_for(main_lang, voices)
    chosen: dict[str, str | None] = {main_lang: main}
    for u in script.utterances:
        if u.lang in chosen:
            continue
        found = voice_for(u.lang, voices)
        if found is None:
            sink.add(
                "no-voice",
                f"no voice for language {u.lang!r}; read with the main voice",
                None,
                Severity.INFO,
            )
            found = main
        chosen[u.lang] = found
    return chosen


def _cover(doc: m.Document, options: ExportOptions) -> tuple[str, bytes] | None:
    """The article's local cover image (media type, bytes), when it has one."""
    cover = doc.metadata.cover
    if cover is None:
        return None
    source = options.sources[0] if len(options.sources) == 1 else None
    found = find_image(cover.src, source, options.assets)
    if isinstance(found, str):
        return None
    return found.media_type, found.data


@dataclass(frozen=True, slots=True)
class _Plan:
    """What an audio build needs: the script, the cache keys of its utterances
    in order, and the jobs for those not in the cache yet."""

    script: Script
    ao: AudioOptions
    kind: str
    cache: SpeechCache
    keys: list[str]
    jobs: list[Job]
    workers: int
    lengths: dict[str, tuple[int, int]]
    """(samples, speech samples) of the utterances found in the cache, by key."""


#: Lengths of the cache entries :func:`prefetch_audio` found, by cache folder
#: and key, for the builds that follow it: each takes (and forgets) those of its
#: utterances, which are then read and checked once less.
_prefetched: dict[tuple[str, str], tuple[int, int]] = {}
#: Most lengths kept in :data:`_prefetched` (a few MB).
_MAX_PREFETCHED = 50_000


def _plan(doc: m.Document, options: ExportOptions, sink: DiagnosticSink) -> _Plan:
    """The speech script of ``doc`` and the utterances still to synthesise."""
    ao = options.audio or AudioOptions()
    neural = neural_voices(ao.engine, ao.voice, sink.file)
    lexicon = load_lexicon(ao.lexicon).for_engine(ao.engine, piper_languages(neural))
    script = speech_script(doc, SpeechOptions(ao.read_code, lexicon))
    if not script.utterances:
        raise InputError(Diagnostic("nothing-to-say", "the article has no text", Severity.ERROR))
    if ao.format == "m4b" and ffmpeg_path() is None:
        raise InputError(Diagnostic("missing-ffmpeg", FFMPEG_HINT, Severity.ERROR, sink.file))
    kind = "mp3" if ao.format == "mp3" else "pcm"
    cache = SpeechCache(ao.cache_dir or default_cache_dir())
    try:
        cache.check_writable()
    except OSError as exc:
        raise InputError(
            Diagnostic(
                "cache-unwritable",
                f"cannot write the speech cache folder {cache.root}: "
                f"{exc.strerror or exc} (pass a writable folder with --cache-dir)",
                Severity.ERROR,
                sink.file,
            )
        ) from exc
    keys: list[str] = []
    workers = ao.jobs or os.cpu_count() or 1
    # A neural build still picks espeak-ng voices, for the languages it has no neural voice for.
    espeak_ao = replace(ao, voice=None) if neural else ao
    voices = _pick_voices(script, espeak_ao, cached_voices(cache.root), sink)
    spoken = spoken_with([script.lang, *(u.lang for u in script.utterances)], voices, neural, sink)
    todo: dict[str, Job] = {}
    lengths: dict[str, tuple[int, int]] = {}
    root = str(cache.root)
    for u in script.utterances:
        w = spoken[u.lang]
        key = segment_key(u.text, w.key_voice, ao.rate, u.pause_ms, kind, w.version)
        keys.append(key)
        if key in todo or key in lengths:
            continue
        head = _prefetched.pop((root, key), None) or cache.header(key)
        if head is None:
            todo[key] = Job(key, u.text, w.voice, ao.rate, u.pause_ms, kind, w.engine)
        else:
            lengths[key] = head
    return _Plan(script, ao, kind, cache, keys, list(todo.values()), workers, lengths)


def prefetch_audio(docs: Sequence[tuple[m.Document, ExportOptions]]) -> None:
    """Synthesise into the cache, in one run of the worker pool, every utterance
    the audio editions of ``docs`` need (they share one set of audio options).
    Errors are left for each article's own build to report."""
    todo: dict[str, Job] = {}
    first: _Plan | None = None
    _prefetched.clear()
    for doc, options in docs:
        try:
            plan = _plan(doc, options, DiagnosticSink(doc.source))
        except InputError:
            continue
        first = first or plan
        for job in plan.jobs:
            todo.setdefault(job.key, job)
        if len(_prefetched) < _MAX_PREFETCHED:
            root = str(plan.cache.root)
            _prefetched.update(((root, k), v) for k, v in plan.lengths.items())
    if first is None or not todo:
        return
    with contextlib.suppress(SynthesisError):
        _run(
            first.workers,
            first.cache,
            list(todo.values()),
            f"{len(docs)} articles",
            first.ao.progress,
        )


@dataclass(frozen=True, slots=True)
class Narration:
    """A document's narration, synthesised into the cache: the script, each
    utterance's cache key, and where everything falls in the audio."""

    script: Script
    """What is said."""
    ao: AudioOptions
    """The audio options it was made with."""
    cache: SpeechCache
    """Where each utterance's segment is."""
    keys: list[str]
    """Cache key of each utterance, in order."""
    synthesised: int
    """Distinct utterances synthesised for it (the rest came from the cache)."""
    timed: list[Timed]
    """Each utterance's span in the audio."""
    chapters: list[ChapterTime]
    """Each chapter's span in the audio."""
    total_ms: int
    """Length of the audio."""

    def payloads(self, first: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """The encoded segments of utterances ``first`` to ``stop`` (excluded), in order."""
        return _payloads(self.cache, self.keys[first:stop])


def narrate(doc: m.Document, options: ExportOptions, sink: DiagnosticSink, name: str) -> Narration:
    """Synthesise (or take from the cache) every utterance of ``doc`` and time
    them (``name`` labels the progress bar)."""
    plan = _plan(doc, options, sink)
    try:
        _run(plan.workers, plan.cache, plan.jobs, name, plan.ao.progress)
    except SynthesisError as exc:
        raise InputError(Diagnostic("speech-failed", str(exc), Severity.ERROR, sink.file)) from exc
    lengths: list[tuple[int, int]] = []
    for key in plan.keys:
        head = plan.lengths.get(key) or plan.cache.header(key)
        if head is None:  # removed from under us: a bug or a cleaned cache
            raise _cache_lost(key)
        lengths.append(head)
    lead = MP3_LEAD_SAMPLES if plan.kind == "mp3" else 0
    timed, chapters, total = timeline(plan.script, lengths, lead)
    return Narration(
        plan.script, plan.ao, plan.cache, plan.keys, len(plan.jobs), timed, chapters, total
    )


def build_audio(
    doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink
) -> AudioResult:
    """Synthesise (or take from the cache) every utterance and write the book."""
    n = narrate(doc, options, sink, out.name)
    script, ao, timed, chapters, total = n.script, n.ao, n.timed, n.chapters, n.total_ms
    payloads = n.payloads
    meta = doc.metadata
    authors = [a.name for a in meta.authors]
    album = meta.title or "Untitled"
    cover = _cover(doc, options)
    if ao.format == "mp3":
        tag = id3_tag(
            title=meta.title or "Untitled",
            authors=authors,
            album=album,
            chapters=chapters,
            language=script.lang,
            date=meta.date,
            cover=cover,
        )
        with atomic_file(out) as fh:
            fh.write(tag)
            for data in payloads():
                fh.write(data)
    elif ao.format == "wav":
        with atomic_file(out) as fh, wave.open(fh, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            for data in payloads():
                w.writeframesraw(data)
    else:
        metadata = ffmetadata(meta.title or "Untitled", authors, album, chapters)
        try:
            with atomic_path(out) as tmp:
                write_m4b(tmp, payloads(), metadata, cover)
        except FfmpegMissing as exc:
            raise InputError(
                Diagnostic("missing-ffmpeg", str(exc), Severity.ERROR, sink.file)
            ) from exc
    vtt, js = sidecar_paths(out)
    atomic_write(vtt, webvtt(script, timed).encode("utf-8"))
    atomic_write(js, timings_json(script, timed, chapters, total, out.name).encode("utf-8"))
    sink.add(
        "audio-built",
        f"{out.name}: {len(script.utterances)} utterances, {n.synthesised} synthesised, "
        f"{len(script.utterances) - n.synthesised} from the cache; {total / 1000:.1f} s, "
        f"{len(chapters)} chapters",
        None,
        Severity.INFO,
    )
    return AudioResult(len(script.utterances), n.synthesised, total, (out, vtt, js))


def _payloads(cache: SpeechCache, keys: list[str]) -> Iterator[bytes]:
    """The cached audio of each utterance, in order (read and checked again)."""
    for key in keys:
        try:
            yield cache.read(key).payload
        except KeyError:  # damaged or removed since its lengths were read
            raise _cache_lost(key) from None


def _cache_lost(key: str) -> InputError:
    """The error for a cache entry that vanished (or was damaged) mid-build."""
    return InputError(Diagnostic("cache-lost", f"cache entry {key} vanished", Severity.ERROR))


def _run(
    workers: int,
    cache: SpeechCache,
    jobs: list[Job],
    name: str,
    progress: bool,
) -> None:
    """Run the jobs, each voice in its own pool, with a progress bar and ETA on
    stderr when asked."""
    if not jobs:
        return
    groups: dict[tuple[str | None, int, str], list[Job]] = {}
    for job in jobs:
        groups.setdefault((job.voice, job.rate, job.engine), []).append(job)

    def run_all(update: Callable[[int], None] | None) -> None:
        from a11ypress.cluster import active

        cluster = active()
        if cluster is not None:  # --cluster: batches go to its workers
            from a11ypress.tts.remote import run_remote

            run_remote(cluster, groups, cache, update)
            return
        for (voice, rate, engine), group in groups.items():
            # No more workers than batches: a rebuild that changed one sentence
            # starts one worker, not one per core.
            n = min(workers, -(-len(group) // BATCH))
            shared_pool(n, voice, rate, engine).run(group, cache, update)

    if not progress:
        run_all(None)
        return
    with click.progressbar(
        length=len(jobs),
        label=f"Speaking {name}",
        file=sys.stderr,
        show_eta=True,
        show_percent=True,
    ) as bar:
        run_all(bar.update)
