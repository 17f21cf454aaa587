"""The read-aloud book: the EPUB with its narration inside, in sync (EPUB 3
Media Overlays).

The chapters are the plain EPUB's XHTML; every element the speech script
speaks for (a heading, a paragraph, a list item, a table row, a figure, a
callout's label, a note) is marked by the renderer, and a paragraph of several
sentences has each sentence wrapped in a ``span`` (what is shown does not
change).  The narration is the audio edition's: the same script, the same
cache (nothing is synthesised twice) and the same timeline, so every clip
starts at its utterance's ``start_ms`` in the ``.timings.json`` and ends at
the next one's (the last of a chapter where its speech ends), less the start
of its chapter's audio.  Each chapter gets the MP3 segments of its utterances, concatenated as
the audio edition does, and one SMIL overlay with a ``<par>`` per utterance.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path

from ebooklib import epub
from lxml import etree

from a11ypress import model as m
from a11ypress.diagnostics import DiagnosticSink, Severity
from a11ypress.export import ExportOptions
from a11ypress.export.audio import Narration, narrate
from a11ypress.export.epub import Narrated, build_epub
from a11ypress.fsutil import atomic_write
from a11ypress.render.dom import EPUB_TYPE, XHTML, append_text
from a11ypress.render.smil import Clip, duration, overlay
from a11ypress.transforms.resolve import unique_id
from a11ypress.transforms.walk import iter_nodes
from a11ypress.tts.options import AudioOptions

#: File name ending of the read-aloud book.
EXTENSION = ".read-aloud.epub"
#: Class a reading system puts on the element being read (``media:active-class``).
ACTIVE_CLASS = "ra-active"
#: The highlight: the system's own "marked text" colours (which follow a dark
#: theme), plus an underline and an outline, so it never relies on colour alone.
HIGHLIGHT_CSS = f"""
/* Read-aloud: the sentence, heading, row or figure being read. */
.{ACTIVE_CLASS} {{
  background-color: Mark;
  color: MarkText;
  text-decoration: underline;
  text-decoration-thickness: 0.12em;
  outline: 2px solid currentColor;
  outline-offset: 1px;
}}
figure.{ACTIVE_CLASS}, img.{ACTIVE_CLASS}, tr.{ACTIVE_CLASS}, table.{ACTIVE_CLASS} {{
  outline: 4px double currentColor;
  outline-offset: 3px;
}}
"""
#: The speech engines, as the narrator metadata names them.
ENGINE_NAMES = {"espeak": "eSpeak NG", "piper": "Piper"}
#: Elements a sentence ``span`` may hold (phrasing content).
_PHRASING = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "br",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
_WORD = re.compile(r"\w+")
#: Roles said from the text of their element, sentence by sentence.
_SENTENCES = frozenset({"sentence", "caption", "code"})


@dataclass(frozen=True, slots=True)
class ReadAloudResult:
    """What a read-aloud build did."""

    utterances: int
    """Utterances in the script (one ``<par>`` each)."""
    synthesised: int
    """Distinct utterances synthesised in this build (the rest came from the cache)."""
    duration_ms: int
    """Length of the narration."""
    overlays: int
    """Chapters with an overlay and audio."""


def export_readaloud(
    doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink
) -> None:
    """Write the read-aloud book of ``doc`` at ``out``."""
    build_readaloud(doc, out, options, sink)


def build_readaloud(
    doc: m.Document, out: Path, options: ExportOptions, sink: DiagnosticSink
) -> ReadAloudResult:
    """Narrate ``doc`` (from the speech cache where it can) and write the book."""
    ao = replace(options.audio or AudioOptions(), format="mp3")
    narration = narrate(doc, replace(options, audio=ao), sink, out.name)
    sync = _Sync(doc, narration)
    atomic_write(out, build_epub(doc, options, sink, sync))
    n = len(narration.script.utterances)
    sink.add(
        "audio-built",
        f"{out.name}: {n} utterances, {narration.synthesised} synthesised, "
        f"{n - narration.synthesised} from the cache; {narration.total_ms / 1000:.1f} s, "
        f"{sync.overlays} overlays",
        None,
        Severity.INFO,
    )
    return ReadAloudResult(n, narration.synthesised, narration.total_ms, sync.overlays)


@dataclass
class _Target:
    """Where an utterance is shown."""

    chapter: int
    """Chapter number (from 1)."""
    fragment: str
    """Id of its element."""
    group: tuple[str, str] | None
    """(epub:type, id) of the table, note, callout or code sample holding it."""


class _Sync:
    """The read-aloud additions to the EPUB (see :class:`BookExtras`)."""

    css = HIGHLIGHT_CSS

    def __init__(self, doc: m.Document, narration: Narration) -> None:
        self.doc = doc
        self.narration = narration
        self.marks: dict[int, dict[tuple[int, str], etree._Element]] = {}
        self.targets: list[_Target | None] = [None] * len(narration.script.utterances)
        self.overlays = 0
        self.said: dict[tuple[int, str], list[int]] = {}
        """The utterances said for each node key, in order."""
        for u, src in enumerate(narration.script.sources):
            self.said.setdefault(src.key, []).append(u)

    def mark(self, number: int) -> Callable[[object, str, etree._Element], None]:
        """Collect the elements drawn for spoken nodes in chapter ``number``."""
        marks = self.marks.setdefault(number, {})

        def mark(node: object, part: str, e: etree._Element) -> None:
            marks.setdefault((id(node), part), e)

        return mark

    def finish_chapter(self, number: int, file_name: str, root: etree._Element) -> None:
        """Give every spoken element of the chapter an id (sentences a span)."""
        marks = self.marks.pop(number, {})
        if not marks:
            return
        marked = {id(e) for e in marks.values()}
        taken = {i for x in root.iter() if isinstance(x.tag, str) and (i := x.get("id"))}
        script = self.narration.script
        per_element: dict[int, tuple[etree._Element, list[int]]] = {}
        for key, e in marks.items():
            todo = [u for u in self.said.get(key, ()) if self.targets[u] is None]
            if todo:
                per_element.setdefault(id(e), (e, []))[1].extend(todo)
        shown: dict[int, etree._Element] = {}
        for e, said in per_element.values():
            said.sort()
            pieces: dict[int, str] = {}
            for u in said:
                if script.utterances[u].role in _SENTENCES:
                    pieces.setdefault(script.sources[u].piece, script.sources[u].raw)
            spans = _wrap(e, list(pieces.items()), marked) if len(pieces) > 1 else {}
            for u in said:
                shown[u] = spans.get(script.sources[u].piece, e)
        previous: etree._Element | None = None
        for u in sorted(shown):
            node = shown[u]
            if previous is not None and _encloses(node, previous):
                node = previous  # "End of quote.": stay on what was read last, in reading order
            fragment = _ensure_id(node, f"u{u + 1}", taken)
            self.targets[u] = _Target(number, fragment, _group(node, taken))
            previous = node

    def finish_book(self, book: epub.EpubBook, chapters: list[epub.EpubItem]) -> Narrated:
        """Add each chapter's audio and overlay, and the overlay metadata."""
        targets = _settled(self.targets)
        n = self.narration
        first = 0
        while first < len(targets):
            number = targets[first].chapter
            stop = first
            while stop < len(targets) and targets[stop].chapter == number:
                stop += 1
            self._chapter(book, chapters[number - 1], number, targets, first, stop)
            first = stop

        def meta(prop: str, value: str, refines: str | None = None) -> None:
            attrs = {"property": prop} | ({"refines": refines} if refines else {})
            book.add_metadata(None, "meta", value, attrs)

        meta("media:duration", duration(n.total_ms))
        engine = ENGINE_NAMES.get(n.ao.engine, n.ao.engine)
        voice = f", voice {n.ao.voice}" if n.ao.voice else ""
        meta("media:narrator", f"{engine} (synthetic speech{voice})")
        meta("media:active-class", ACTIVE_CLASS)
        old = str(book.uid).removeprefix("urn:uuid:")
        book.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.UUID(old), 'read-aloud')}")
        code = sum(isinstance(x, m.CodeBlock) for x in iter_nodes(self.doc))
        skipped = 0 if n.ao.read_code else code
        return Narrated(engine, skipped)

    def _chapter(
        self,
        book: epub.EpubBook,
        item: epub.EpubItem,
        number: int,
        targets: Sequence[_Target],
        first: int,
        stop: int,
    ) -> None:
        """The audio and overlay of chapter ``number``: utterances ``first`` to
        ``stop``.  Each clip runs from its utterance's start to the next one's
        (so the pause between them is played, not skipped); the chapter's last
        ends where its speech ends."""
        timed = self.narration.timed
        start = timed[first].start_ms
        ends = [t.start_ms for t in timed[first + 1 : stop]] + [timed[stop - 1].end_ms]
        clips = [
            Clip(
                u + 1,
                targets[u].fragment,
                timed[u].start_ms - start,
                end - start,
                targets[u].group,
            )
            for u, end in zip(range(first, stop), ends, strict=True)
        ]
        name = f"ch{number:03d}"
        audio = b"".join(self.narration.payloads(first, stop))
        book.add_item(
            epub.EpubItem(
                uid=f"audio-{name}",
                file_name=f"audio/{name}.mp3",
                media_type="audio/mpeg",
                content=audio,
            )
        )
        smil = overlay(f"../{item.file_name}", f"../audio/{name}.mp3", clips)
        uid = f"mo-{name}"
        book.add_item(
            epub.EpubItem(
                uid=uid,
                file_name=f"smil/{name}.smil",
                media_type="application/smil+xml",
                content=smil,
            )
        )
        item.media_overlay = uid
        length = timed[stop - 1].segment_end_ms - start
        book.add_metadata(
            None, "meta", duration(length), {"property": "media:duration", "refines": f"#{uid}"}
        )
        self.overlays += 1


def _settled(targets: Sequence[_Target | None]) -> list[_Target]:
    """Every utterance's target, in reading order: one with no element of its
    own (the book's title before the first chapter) is shown by the next
    utterance's element (else the previous one's), and chapters never go back."""
    found = [t for t in targets if t is not None]
    if not found:
        raise ValueError("no utterance is shown in the book")
    out: list[_Target] = []
    for t in targets:
        if t is None:
            t = out[-1] if out else found[0]
        if out and t.chapter < out[-1].chapter:
            t = out[-1]
        out.append(t)
    return out


def _encloses(outer: etree._Element, inner: etree._Element) -> bool:
    """True when ``inner`` is inside ``outer``."""
    return any(a is outer for a in inner.iterancestors())


def _ensure_id(e: etree._Element, wanted: str, taken: set[str]) -> str:
    """The element's id, giving it ``wanted`` (made unique) when it has none."""
    ident = e.get("id")
    if not ident:
        ident = unique_id(wanted, taken)
        e.set("id", ident)
    return ident


def _local(e: etree._Element) -> str:
    return e.tag.split("}")[-1] if isinstance(e.tag, str) else ""


def _kind(e: etree._Element) -> str | None:
    """The ``<seq epub:type>`` of a table, note, callout or code sample.

    ``table`` and ``aside`` go on the overlay only: on the XHTML, the elements
    say it already (EPUBCheck: not allowed on content documents).  ``code`` is
    no term of the structural semantics vocabulary (none is): a reading system
    that knows it can still skip code."""
    name = _local(e)
    if name == "table":
        return "table"
    if name == "aside":
        kind = e.get(EPUB_TYPE)
        return kind if kind in ("footnote", "tip") else "aside"
    if name == "pre" or (name == "figure" and "code" in (e.get("class") or "").split()):
        return "code"
    return None


def _group(e: etree._Element, taken: set[str]) -> tuple[str, str] | None:
    """(epub:type, id) of the table, note, callout or code sample ``e`` is in
    (the outermost, when they nest)."""
    found: tuple[str, etree._Element] | None = None
    node: etree._Element | None = e
    while node is not None:
        kind = _kind(node)
        if kind is not None:
            found = (kind, node)
        node = node.getparent()
    if found is None:
        return None
    kind, holder = found
    return kind, _ensure_id(holder, f"{kind}-{len(taken)}", taken)


def _wrap(
    e: etree._Element, pieces: list[tuple[int, str]], marked: set[int]
) -> dict[int, etree._Element]:
    """Wrap each sentence of ``e`` (``pieces``: number and text as written) in a
    ``span``, without changing the text: the spans cover ``e``'s content end
    to end, each starting at its sentence's first word (moved to the start of
    an inline element it falls in).  Nothing is wrapped when ``e`` holds
    anything but phrasing content, or elements that are spoken on their own."""
    if any(
        isinstance(d.tag, str) and (_local(d) not in _PHRASING or id(d) in marked)
        for d in e.iterdescendants()
    ):
        return {}
    items: list[str | etree._Element] = []
    if e.text:
        items.append(e.text)
    for child in e:
        items.append(child)
        if child.tail:
            items.append(child.tail)
    bounds: list[tuple[int, int]] = []
    texts: list[str] = []
    pos = 0
    for it in items:
        t = it if isinstance(it, str) else _text(it)
        bounds.append((pos, pos + len(t)))
        texts.append(t)
        pos += len(t)
    flat = "".join(texts)
    cuts = _cuts(flat, pieces, items, bounds)
    if len(cuts) < 2:
        return {}
    return _rebuild(e, items, bounds, cuts, len(flat))


def _text(e: etree._Element) -> str:
    """The text shown inside an inline element (none for a comment)."""
    return "".join(str(t) for t in e.itertext()) if isinstance(e.tag, str) else ""


def _cuts(
    flat: str,
    pieces: list[tuple[int, str]],
    items: list[str | etree._Element],
    bounds: list[tuple[int, int]],
) -> list[tuple[int, int]]:
    """(piece, offset in ``flat``) where each sentence found starts."""
    dom = [(w.start(), w.group().casefold()) for w in _WORD.finditer(flat)]
    said: list[str] = []
    owner: list[int] = []
    for k, (_, raw) in enumerate(pieces):
        for w in _WORD.findall(raw):
            said.append(w.casefold())
            owner.append(k)
    matcher = SequenceMatcher(None, [w for _, w in dom], said, autojunk=False)
    first: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for j in range(size):
            first.setdefault(owner[b + j], a + j)
    cuts: list[tuple[int, int]] = []
    for k, (number, _) in enumerate(pieces):
        if k not in first:
            continue
        at = 0 if not cuts else dom[first[k]][0]
        for it, (lo, hi) in zip(items, bounds, strict=True):
            if not isinstance(it, str) and lo < at < hi:
                at = lo  # not inside an inline element: before it
        if not cuts or at > cuts[-1][1]:
            cuts.append((number, at))
    return cuts


def _rebuild(
    e: etree._Element,
    items: list[str | etree._Element],
    bounds: list[tuple[int, int]],
    cuts: list[tuple[int, int]],
    end: int,
) -> dict[int, etree._Element]:
    """Move ``e``'s content into one span per cut."""
    e.text = None
    for child in list(e):
        e.remove(child)
    spans: dict[int, etree._Element] = {}
    edges = [at for _, at in cuts[1:]] + [end + 1]
    lo = 0
    for (number, _), hi in zip(cuts, edges, strict=True):
        span = etree.SubElement(e, f"{{{XHTML}}}span")
        spans[number] = span
        for it, (s0, s1) in zip(items, bounds, strict=True):
            if isinstance(it, str):
                a, b = max(lo, s0), min(hi, s1)
                if a < b:
                    append_text(span, it[a - s0 : b - s0])
            elif lo <= s0 < hi:
                it.tail = None
                span.append(it)
        lo = hi
    return spans
