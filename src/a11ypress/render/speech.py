"""The speech script: the document model as a list of utterances to narrate.

Audio reads this script, never the XHTML.  Each utterance is one sentence (or
one announcement) with its role, language and chapter.  The script says what a
sighted reader gets: headings (followed by a pause), every informative image
("Image: <alt text>." and its caption), lists with their item count, tables
with their size and each row with its header names, code samples announced
(and read only on request), callouts with their label, quotations, footnotes.
Decorative images are skipped and links are read as their text (never URLs).

Image alt text and the heading outline are the model's
(:mod:`a11ypress.transforms.alt`, :mod:`a11ypress.transforms.outline`), so the
audio says what the EPUB and the PDF show: an image without alt borrows the alt
given for the same source elsewhere in the article, else its caption, else it
is announced as having no description; section chapters nest as the books'
navigation does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from string import Formatter
from typing import Literal, NamedTuple, assert_never

from lxml import etree

from a11ypress import model as m
from a11ypress.render.safehtml import raw_html
from a11ypress.render.speech_limits import bounded_pieces
from a11ypress.render.speech_normalize import (
    Lexicon,
    load_lexicon,
    normalize,
    protect,
    split_sentences,
    unprotect,
)
from a11ypress.transforms.alt import shown_alt
from a11ypress.transforms.outline import Outline, outline
from a11ypress.transforms.text import plain_text

UtteranceRole = Literal[
    "title", "heading", "sentence", "image", "caption", "announce", "code", "row", "label", "break"
]
"""What an utterance is (it sets the pause after it)."""

#: Silence after an utterance, in milliseconds, by role.
PAUSES_MS: dict[UtteranceRole, int] = {
    "title": 900,
    "heading": 700,
    "sentence": 250,
    "image": 400,
    "caption": 400,
    "announce": 350,
    "code": 200,
    "row": 300,
    "label": 300,
    "break": 900,
}

#: Spoken names of code languages from fence info strings.
CODE_LANGUAGES = {
    "ts": "TypeScript",
    "typescript": "TypeScript",
    "tsx": "TypeScript",
    "js": "JavaScript",
    "javascript": "JavaScript",
    "jsx": "JavaScript",
    "mjs": "JavaScript",
    "py": "Python",
    "python": "Python",
    "sh": "shell",
    "bash": "shell",
    "shell": "shell",
    "zsh": "shell",
    "console": "shell",
    "json": "JSON",
    "yaml": "YAML",
    "yml": "YAML",
    "html": "HTML",
    "vue": "Vue",
    "css": "CSS",
    "scss": "SCSS",
    "md": "Markdown",
    "mdc": "MDC",
    "markdown": "Markdown",
    "sql": "SQL",
    "go": "Go",
    "rs": "Rust",
    "rust": "Rust",
    "java": "Java",
    "c": "C",
    "cpp": "C++",
    "rb": "Ruby",
    "toml": "TOML",
    "xml": "XML",
    "diff": "diff",
}


@dataclass(frozen=True, slots=True)
class Utterance:
    """One thing to say: usually a sentence, or an announcement."""

    role: UtteranceRole
    """What it is (see :data:`PAUSES_MS`)."""
    text: str
    """What to say, normalised and with the lexicon applied."""
    lang: str
    """BCP 47 language of the text (chooses the voice)."""
    chapter: int
    """Index into :attr:`Script.chapters`."""
    pause_ms: int = 0
    """Silence after it, in milliseconds."""


@dataclass(frozen=True, slots=True)
class SpeechChapter:
    """A navigation point: an article or a section heading."""

    title: str
    """Title as shown in an audiobook player."""
    level: int
    """1 for an article, 2 and more for its section headings."""
    article: int
    """Index of the article (0 unless a digest)."""
    depth: int = 0
    """How many parts of a digest enclose it (a part's own chapter counts its
    ancestors only)."""
    part: bool = False
    """True for the chapter that opens a part (its title or its introduction)."""


class Spoken(NamedTuple):
    """Where an utterance comes from, for a read-aloud book that highlights it."""

    key: tuple[int, str]
    """The model node it is said for (its ``id()``, stable while the document
    lives) and which of its parts (``""``, ``"title"``, ``"label"``, ``"notes"``):
    the renderer marks the element it draws for the same key."""
    piece: int
    """Number of the sentence it was cut from (a long sentence is said as
    several utterances of the same piece)."""
    raw: str
    """That sentence as written, before normalisation (to find it in the text)."""


@dataclass(frozen=True, slots=True)
class Script:
    """A whole document's narration."""

    title: str
    """Title of the document (the digest title for a digest)."""
    lang: str
    """Main language."""
    utterances: tuple[Utterance, ...]
    """What to say, in reading order."""
    chapters: tuple[SpeechChapter, ...]
    """Chapters in order; every utterance belongs to one."""
    sources: tuple[Spoken, ...] = field(default=(), compare=False, repr=False)
    """Where each utterance comes from (one per utterance, in the same order)."""


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    """Choices that change the script."""

    read_code: bool = False
    """Read code samples line by line instead of only announcing them."""
    lexicon: Lexicon | None = None
    """Pronunciations; the built-in lexicon when None."""


@dataclass
class _State:
    """Mutable state while walking one document."""

    lexicon: Lexicon
    read_code: bool
    utterances: list[Utterance] = field(default_factory=list)
    chapters: list[SpeechChapter] = field(default_factory=list)
    article: int = 0
    outline: Outline = field(default_factory=lambda: outline(m.Document(m.Metadata())))
    notes: dict[str, int] = field(default_factory=dict)
    depth: int = 0
    opening_part: str | None = None
    sources: list[Spoken] = field(default_factory=list)
    at: tuple[int, str] = (0, "")
    pieces: int = 0


#: Announcements, per language; other languages use English (spoken in English).
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "by": "By {names}.",
        "digest": "A digest of {n} article{s}.",
        "part": "Part: {title}.",
        "list": "List of {n} item{s}.",
        "numbered": "Numbered list of {n} item{s}.",
        "done": "Done: ",
        "todo": "To do: ",
        "quote": "Quote.",
        "end-quote": "End of quote.",
        "code": "Code sample",
        "code-in": " in {language}",
        "code-file": ", file {name}",
        "code-lines": ", {n} line{s}.",
        "end-code": "End of code.",
        "code-group": "Code group with {n} sample{s}.",
        "table": "Table with {cols} column{cs} and {rows} row{rs}",
        "columns": "Columns: ",
        "row": "Row {n}: ",
        "blank": "blank",
        "image": "Image: {alt}.",
        "caption": "Caption: ",
        "notes": "Notes.",
        "note": "Note {n}.",
        "note-ref": " (note {n})",
        "read-more": "Read more: {title}.",
        "link": "link",
        "untitled": "Untitled section",
    },
    "fr": {
        "by": "Par {names}.",
        "digest": "Un recueil de {n} article{s}.",
        "part": "Partie : {title}.",
        "list": "Liste de {n} élément{s}.",
        "numbered": "Liste numérotée de {n} élément{s}.",
        "done": "Fait : ",
        "todo": "À faire : ",
        "quote": "Citation.",
        "end-quote": "Fin de la citation.",
        "code": "Exemple de code",
        "code-in": " en {language}",
        "code-file": ", fichier {name}",
        "code-lines": ", {n} ligne{s}.",
        "end-code": "Fin du code.",
        "code-group": "Groupe de {n} exemple{s} de code.",
        "table": "Tableau de {cols} colonne{cs} et {rows} ligne{rs}",
        "columns": "Colonnes : ",
        "row": "Ligne {n} : ",
        "blank": "vide",
        "image": "Image : {alt}.",
        "caption": "Légende : ",
        "notes": "Notes.",
        "note": "Note {n}.",
        "note-ref": " (note {n})",
        "read-more": "Pour en savoir plus : {title}.",
        "link": "lien",
        "untitled": "Section sans titre",
    },
}


def _phrase_lang(lang: str) -> str:
    """The language announcements are made in for a passage in ``lang``."""
    base = lang.split("-")[0].lower()
    return base if base in PHRASES else "en"


def _spoken_lang(lang: str) -> str:
    """``lang``, or ``en`` when announcements in ``lang`` fall back to English."""
    return lang if lang.split("-")[0].lower() == _phrase_lang(lang) else "en"


def phrase(lang: str, key: str, **values: object) -> str:
    """An announcement in ``lang`` (or English), with ``{s}``-style plurals filled."""
    n = values.get("n")
    if isinstance(n, int):
        values.setdefault("s", "" if n == 1 else "s")
    # The tool's own words are protected from the lexicon; the article's
    # (an alt text, a file or language name) are not.
    out: list[str] = []
    for literal, name, spec, _ in Formatter().parse(PHRASES[_phrase_lang(lang)][key]):
        out.append(protect(literal))
        if name is not None:
            value = format(values[name], spec or "")
            out.append(value if name in _ARTICLE_VALUES else protect(value))
    return "".join(out)


#: Values of a phrase that come from the article, read through the lexicon.
_ARTICLE_VALUES = frozenset({"alt", "name", "language"})


class _Walker:
    """Turns blocks into utterances."""

    def __init__(self, st: _State) -> None:
        self.st = st

    # ------------------------------------------------------------- emitting

    def say(self, role: UtteranceRole, text: str, lang: str, *, split: bool = True) -> None:
        """Add ``text`` as one or more utterances (one per sentence)."""
        pieces = split_sentences(text) if split else [" ".join(text.split())]
        for piece in pieces:
            self.st.pieces += 1
            source = Spoken(self.st.at, self.st.pieces, piece)
            if role == "code":
                spoken = unprotect(piece)
            else:
                spoken = unprotect(normalize(self.st.lexicon.apply(piece, lang), lang))
            if not any(ch.isalnum() for ch in spoken):
                continue
            chapter = max(len(self.st.chapters) - 1, 0)
            for part in bounded_pieces(spoken):  # cut again after every expansion
                self.st.utterances.append(
                    Utterance(role, part, lang, chapter, PAUSES_MS.get(role, 250))
                )
                self.st.sources.append(source)

    def announce(
        self, key: str, lang: str, role: UtteranceRole = "announce", **values: object
    ) -> None:
        """Say an announcement in ``lang`` (English when there is no translation)."""
        self.say(role, phrase(lang, key, **values), _spoken_lang(lang), split=False)

    def pause(self, ms: int) -> None:
        """Lengthen the silence after the last utterance to at least ``ms``."""
        if self.st.utterances:
            last = self.st.utterances[-1]
            if last.pause_ms < ms:
                self.st.utterances[-1] = Utterance(
                    last.role, last.text, last.lang, last.chapter, ms
                )

    def chapter(self, title: str, level: int) -> None:
        """Start a chapter (an article or a section)."""
        title = unprotect(title) or "Untitled"
        part, self.st.opening_part = self.st.opening_part, None
        self.st.chapters.append(
            SpeechChapter(
                unprotect(part) if part is not None else title,
                level,
                self.st.article,
                self.st.depth - (part is not None),
                part=part is not None,
            )
        )

    # ------------------------------------------------------------- inlines

    def runs(self, kids: Iterable[m.Inline], lang: str) -> list[tuple[str, str]]:
        """Inline content as (language, text) runs; images and notes spoken inline."""
        # Pieces are joined at the end: adding to one growing string made a
        # paragraph of tens of thousands of inline elements quadratic.
        out: list[tuple[str, list[str]]] = []

        def add(text: str, run_lang: str) -> None:
            if out and out[-1][0] == run_lang:
                out[-1][1].append(text)
            else:
                out.append((run_lang, [text]))

        def walk(nodes: Iterable[m.Inline], cur: str) -> None:
            for k in nodes:
                here = k.lang or cur
                match k:
                    case m.Text() | m.Code():
                        add(k.text, here)
                    case m.Link():
                        if plain_text(k.children).strip():
                            walk(k.children, here)
                        else:
                            add(phrase(here, "link"), here)
                    case m.Image():
                        alt = shown_alt(k)
                        if alt is not None:
                            add(" (" + phrase(here, "image", alt=alt.rstrip(".")) + ") ", here)
                    case m.LineBreak():
                        add(" ", here)
                    case m.FootnoteRef():
                        n = self.st.notes.setdefault(k.label, len(self.st.notes) + 1)
                        add(phrase(here, "note-ref", n=n), here)
                    case m.HtmlInline():
                        continue
                    case m.Emphasis() | m.Strong() | m.Strikethrough() | m.Span():
                        walk(k.children, here)
                    case m.InlineComponent():
                        walk(k.children, here)
                    case _:
                        assert_never(k)

        walk(kids, lang)
        return [(run_lang, "".join(parts)) for run_lang, parts in out]

    def inline_text(self, kids: Iterable[m.Inline], lang: str) -> str:
        """Inline content as one string (languages merged)."""
        return " ".join(" ".join(t for _, t in self.runs(kids, lang)).split())

    def paragraph(
        self, kids: Sequence[m.Inline], lang: str, role: UtteranceRole = "sentence"
    ) -> None:
        """Inline content read sentence by sentence, each run in its language."""
        for run_lang, text in self.runs(kids, lang):
            self.say(role, text, run_lang)

    # ------------------------------------------------------------- blocks

    def blocks(self, blocks: Iterable[m.Block], lang: str) -> None:
        """Read blocks in order."""
        for b in blocks:
            self.block(b, lang)

    def block(self, b: m.Block, lang: str) -> None:
        """Read one block."""
        outer, self.st.at = self.st.at, (id(b), "")
        self._block(b, lang)
        self.st.at = outer

    def _block(self, b: m.Block, lang: str) -> None:
        here = b.lang or lang
        match b:
            case m.Heading():
                self.heading(b, here)
            case m.Paragraph():
                self.paragraph(b.children, here)
            case m.ListBlock():
                self.list_block(b, here)
            case m.Quote():
                self.announce("quote", here)
                self.blocks(b.children, here)
                self.announce("end-quote", here)
            case m.CodeBlock():
                self.code(b, here)
            case m.Table():
                self.table(b, here)
            case m.Figure():
                self.figure(b, here)
            case m.ThematicBreak():
                self.pause(PAUSES_MS["break"])
            case m.Callout():
                self.callout(b, here)
            case m.CodeGroup():
                n = sum(isinstance(c, m.CodeBlock) for c in b.children)
                self.announce("code-group", here, n=n)
                self.blocks(b.children, here)
            case m.LinkCard():
                title = self.inline_text(b.title, here) or phrase(here, "link")
                self.announce("read-more", here, role="label", title=title.rstrip("."))
                self.blocks(b.children, here)
            case m.HtmlBlock():
                self.html(b.html, here)
            case m.Component():
                self.blocks(b.children, here)
                for s in b.slots:
                    self.blocks(s.children, s.lang or here)
            case m.Section():
                self.section(b, here)
            case _:
                assert_never(b)

    def heading(self, b: m.Heading, lang: str) -> None:
        """A section heading: a new chapter at the outline's level, then its text."""
        text = self.inline_text(b.children, lang) or phrase(lang, "untitled")
        level = max(self.st.outline.level(b), 2)
        self.chapter(plain_text(b) or phrase(lang, "untitled"), level)
        self.say("heading", text, lang, split=False)

    def callout(self, b: m.Callout, lang: str) -> None:
        """The label, then the body; the label starts the first sentence."""
        title = self.inline_text(b.title, lang)
        body = list(b.children)
        self.st.at = (id(b), "label")
        if title:
            self.say("label", f"{b.label}: {title}", lang, split=False)
        elif body and isinstance(first := body[0], m.Paragraph):
            body.pop(0)
            self.st.at = (id(first), "")
            runs = self.runs(first.children, first.lang or lang)
            if runs:
                runs[0] = (runs[0][0], f"{b.label}: " + runs[0][1].lstrip())
            for run_lang, text in runs:
                self.say("sentence", text, run_lang)
        else:
            self.say("label", f"{b.label}:", lang, split=False)
        self.st.at = (id(b), "")
        self.blocks(body, lang)

    def list_block(self, b: m.ListBlock, lang: str) -> None:
        n = len(b.items)
        self.announce("numbered" if b.ordered else "list", lang, n=n)
        number = b.start if b.start is not None else 1
        for it in b.items:
            here = it.lang or lang
            prefix = f"{number}. " if b.ordered else ""
            if it.checked is not None:
                prefix += phrase(here, "done" if it.checked else "todo")
            number += 1
            first, *rest = it.children or (m.Paragraph(),)
            self.st.at = (id(first) if it.children else id(it), "")
            if isinstance(first, m.Paragraph):
                runs = self.runs(first.children, first.lang or here)
                if prefix and runs:
                    runs[0] = (runs[0][0], prefix + runs[0][1])
                elif prefix:
                    runs = [(here, prefix)]
                for run_lang, text in runs:
                    self.say("sentence", text, run_lang)
            else:
                if prefix:
                    self.say("sentence", prefix, here)
                self.block(first, here)
            self.blocks(rest, here)
        self.st.at = (id(b), "")

    def code(self, b: m.CodeBlock, lang: str) -> None:
        lines = b.text.split("\n") if b.text else []
        what = phrase(lang, "code")
        if b.language:
            language = CODE_LANGUAGES.get(b.language.lower(), b.language)
            what += phrase(lang, "code-in", language=language)
        if b.filename:
            what += phrase(lang, "code-file", name=b.filename)
        what += phrase(lang, "code-lines", n=len(lines))
        self.say("announce", what, _spoken_lang(lang), split=False)
        if self.st.read_code:
            for line in lines:
                if line.strip():
                    self.say("code", line, lang, split=False)
            self.announce("end-code", lang)

    def table(self, b: m.Table, lang: str) -> None:
        rows = list(b.body)
        cols = max((len(r.cells) for r in (*b.head, *rows)), default=0)
        caption = self.inline_text(b.caption, lang)
        n_rows = len(rows)
        intro = phrase(
            lang,
            "table",
            cols=cols,
            rows=n_rows,
            cs="" if cols == 1 else "s",
            rs="" if n_rows == 1 else "s",
        )
        self.say("announce", intro + (f": {caption}" if caption else "") + ".", lang, split=False)
        blank = phrase(lang, "blank")
        names = [self.inline_text(c.children, lang) for c in b.head[-1].cells] if b.head else []
        if names:
            heads = ", ".join(n or blank for n in names)
            self.st.at = (id(b.head[-1]), "")
            self.say("row", phrase(lang, "columns") + heads + ".", lang, split=False)
        for i, row in enumerate(rows, 1):
            parts = []
            for j, cell in enumerate(row.cells):
                value = self.inline_text(cell.children, cell.lang or lang) or blank
                name = names[j] if j < len(names) else ""
                value = value.rstrip(".")
                parts.append(f"{name}: {value}" if name else value)
            self.st.at = (id(row), "")
            self.say("row", phrase(lang, "row", n=i) + "; ".join(parts) + ".", lang, split=False)
        self.st.at = (id(b), "")

    def figure(self, b: m.Figure, lang: str) -> None:
        caption = self.inline_text(b.caption, lang)
        alt = shown_alt(b.image)
        here = b.image.lang or lang
        if alt is not None:
            self.say("image", phrase(here, "image", alt=alt.rstrip(".")), here, split=False)
        borrowed = b.image.alt_missing and alt == plain_text(b.caption)
        if caption and caption != alt and not borrowed:
            self.say("caption", phrase(lang, "caption") + caption, lang)

    def html(self, raw: str, lang: str) -> None:
        """Raw HTML, sanitised like the EPUB's, read as text with image alts."""
        holder = etree.Element("div")
        raw_html(holder, raw)
        parts: list[str] = []

        def walk(node: etree._Element) -> None:
            name = node.tag.split("}")[-1] if isinstance(node.tag, str) else ""
            if name == "img":
                alt = node.get("alt")
                if alt:
                    parts.append(f" Image: {alt.rstrip('.')}. ")
            parts.append(node.text or "")
            for child in node:
                if isinstance(child.tag, str):  # not a comment or processing instruction
                    walk(child)
                    parts.append(" " if _is_block(child) else "")
                parts.append(child.tail or "")

        walk(holder)
        text = " ".join("".join(parts).split())
        if text:
            self.say("sentence", text, lang)

    def footnotes(self, notes: Sequence[m.FootnoteDef], lang: str) -> None:
        if not notes:
            return
        self.st.at = (id(notes), "notes")
        self.announce("notes", lang)
        for note in notes:
            n = self.st.notes.setdefault(note.label, len(self.st.notes) + 1)
            self.st.at = (id(note), "")
            self.announce("note", note.lang or lang, role="label", n=n)
            self.blocks(note.children, note.lang or lang)

    def section(self, b: m.Section, lang: str) -> None:
        """A digest article: a new chapter (its heading starts it)."""
        if b.metadata is None:
            self.blocks(b.children, lang)
            return
        if b.part:
            self.part(b, lang)
            return
        self.st.notes = {}
        article = m.Document(
            metadata=b.metadata, children=b.children, footnotes=b.footnotes, title_in_body=True
        )
        self.st.outline = outline(article)
        self.article(b.metadata, b.children, b.footnotes, lang, title_in_body=True)
        self.st.article += 1

    def part(self, b: m.Section, lang: str) -> None:
        """A part of a digest: its title (unless its introduction opens it),
        then its articles and parts, one level deeper."""
        assert b.metadata is not None
        self.st.depth += 1
        self.st.opening_part = b.metadata.title or phrase(lang, "untitled")
        first = b.children[0] if b.children else None
        if not (isinstance(first, m.Section) and first.intro):
            self.chapter(b.metadata.title, 1)
            self.st.at = (id(b.metadata), "title")
            self.announce("part", lang, title=b.metadata.title or phrase(lang, "untitled"))
            self.pause(PAUSES_MS["break"])
        for child in b.children:
            self.block(child, lang)
        self.st.depth -= 1
        self.st.opening_part = None

    def article(
        self,
        meta: m.Metadata,
        children: Sequence[m.Block],
        notes: Sequence[m.FootnoteDef],
        lang: str,
        *,
        title_in_body: bool,
    ) -> None:
        """One article: a chapter titled by the article, its body and notes.

        The body's first heading (the title) becomes the article's chapter;
        later headings become section chapters.
        """
        body = list(children)
        title = meta.title or "Untitled"
        first_heading = next((b for b in body if isinstance(b, m.Heading)), None)
        self.st.at = (id(meta), "title")
        if title_in_body and first_heading is not None and body.index(first_heading) == 0:
            self.chapter(title, 1)
            self.st.at = (id(first_heading), "")
            text = self.inline_text(first_heading.children, first_heading.lang or lang)
            self.say("title", text or title, first_heading.lang or lang, split=False)
            body = body[1:]
        else:
            self.chapter(title, 1)
            self.say("title", title, lang, split=False)
        if meta.authors:
            names = ", ".join(a.name for a in meta.authors)
            self.announce("by", lang, names=names)
        for b in body:
            self.block(b, lang)
        self.footnotes(notes, lang)
        self.pause(PAUSES_MS["break"])


def _is_block(node: etree._Element) -> bool:
    name = node.tag.split("}")[-1] if isinstance(node.tag, str) else ""
    return name in {"p", "div", "li", "br", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}


def _count_articles(blocks: Sequence[m.Block]) -> int:
    """Articles in a digest's sections, inside parts too."""
    return sum(
        _count_articles(b.children) if b.part else 1
        for b in blocks
        if isinstance(b, m.Section) and b.metadata is not None
    )


def speech_script(doc: m.Document, options: SpeechOptions | None = None) -> Script:
    """The narration of ``doc``: one chapter per article (a digest has one per
    section) and one per section heading."""
    opts = options or SpeechOptions()
    st = _State(lexicon=opts.lexicon or load_lexicon(), read_code=opts.read_code)
    w = _Walker(st)
    st.at = (id(doc.metadata), "title")
    lang = doc.metadata.language or "en"
    sections = [b for b in doc.children if isinstance(b, m.Section) and b.metadata is not None]
    if doc.children and len(sections) == len(doc.children):
        w.chapter(doc.metadata.title or "Untitled", 1)
        w.say("title", doc.metadata.title or "Untitled", lang, split=False)
        w.announce("digest", lang, n=_count_articles(sections))
        st.chapters.pop()  # the book's title is heard at the start of the first article
        for s in sections:
            w.section(s, lang)
    else:
        st.outline = outline(doc)
        w.article(doc.metadata, doc.children, doc.footnotes, lang, title_in_body=doc.title_in_body)
    return Script(
        title=doc.metadata.title or "Untitled",
        lang=lang,
        utterances=tuple(st.utterances),
        chapters=tuple(st.chapters),
        sources=tuple(st.sources),
    )


def format_script(script: Script) -> str:
    """The script as text for review: chapter lines, then one utterance a line
    as ``role [lang] text`` with the pause after it."""
    lines = [f"# {script.title} [{script.lang}]"]
    current = -1
    for u in script.utterances:
        if u.chapter != current:
            current = u.chapter
            ch = script.chapters[current]
            lines.append("")
            lines.append(f"{'#' * (ch.level + 1)} Chapter {current + 1}: {ch.title}")
        lines.append(f"{u.role:<8} [{u.lang}] {u.text}  (+{u.pause_ms} ms)")
    return "\n".join(lines) + "\n"
