"""The report as one self-contained HTML page, rendered from the report's data.

Landmarks (banner, navigation, main, contentinfo), one ``h1``, tables with
captions and real header cells, sortable by keyboard-operable buttons; the
styles, the script and the thumbnails are inside the page; only the audio
players point at the audio files beside it.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from a11ypress.report.thumbs import thumbnail
from a11ypress.transforms.alt import NO_DESCRIPTION

Elem = etree._Element
SEVERITY_ORDER = {"fatal": 0, "error": 1, "critical": 1, "serious": 2, "failed": 1, "warning": 3}
_SECTIONS = [
    ("overview", "Overview"),
    ("findings", "Findings"),
    ("structure", "Structure and time"),
    ("images", "Images"),
    ("audio", "Audio"),
    ("links", "Links"),
]


def _asset(name: str) -> str:
    return resources.files("a11ypress").joinpath("data", name).read_text("utf-8")


def E(parent: Elem | None, tag: str, attrs: dict[str, str] | None = None, text: str = "") -> Elem:
    """Append a new element (with optional text) to ``parent``."""
    e = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    for k, v in (attrs or {}).items():
        e.set(k, v)
    if text:
        e.text = text
    return e


def _tail(e: Elem, text: str) -> None:
    e.tail = (e.tail or "") + text


def clock(ms: int | None) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    if ms is None:
        return "—"
    s = int(ms) // 1000
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def minutes(value: float | None) -> str:
    """A duration in minutes for people."""
    if value is None:
        return "—"
    if value < 1:
        return "under 1 min"
    return f"{round(value)} min"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


class Page:
    """Builds the page for one report."""

    def __init__(self, data: dict[str, Any], out_dir: Path, target: Path) -> None:
        self.data = data
        self.out_dir = out_dir
        self.target = target
        self._ids = 0

    def href(self, path: str | Path) -> str:
        """A relative URL from the page to a file."""
        rel = os.path.relpath(Path(path).resolve(), self.target.resolve().parent)
        return quote(rel.replace(os.sep, "/"))

    def new_id(self, stem: str) -> str:
        """A unique id for this page."""
        self._ids += 1
        return f"{stem}-{self._ids}"

    # ------------------------------------------------------------------ page

    def render(self) -> str:
        """The complete page."""
        d = self.data
        html = E(None, "html", {"lang": "en"})
        head = E(html, "head")
        E(head, "meta", {"charset": "utf-8"})
        E(head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
        E(head, "title", None, f"Accessibility report: {d['folder']}")
        E(head, "style", None, _asset("report.css"))
        body = E(html, "body")
        E(body, "a", {"class": "skip", "href": "#main"}, "Skip to the report")
        header = E(body, "header")
        E(header, "h1", None, f"Accessibility report: {d['folder']}")
        books = d["books"]
        n_find = sum(len(b["findings"]) for b in books)
        E(
            header,
            "p",
            {"class": "muted"},
            f"{len(books)} book(s), {n_find} finding(s). Written by {d['generator']} "
            "from the build manifest, the outputs and the judges' verdicts.",
        )
        nav = E(body, "nav", {"aria-label": "Sections of the report"})
        ul = E(nav, "ul")
        for ident, title in _SECTIONS:
            E(E(ul, "li"), "a", {"href": f"#{ident}"}, title)
        main = E(body, "main", {"id": "main", "tabindex": "-1"})
        self.overview(self.section(main, "overview", "Overview"))
        self.findings(self.section(main, "findings", "Findings"))
        self.structure(self.section(main, "structure", "Structure and time"))
        self.images(self.section(main, "images", "Images"))
        self.audio(self.section(main, "audio", "Audio"))
        self.links(self.section(main, "links", "Links"))
        footer = E(body, "footer")
        E(
            footer,
            "p",
            {"class": "muted"},
            "The same data, for machines: report.json beside this page. "
            "Reading time at 238 words a minute; listening time is the audio's length.",
        )
        E(body, "div", {"id": "status", "class": "vh", "role": "status", "aria-live": "polite"})
        E(body, "script", None, _asset("report.js"))
        return "<!DOCTYPE html>\n" + etree.tostring(html, method="html", encoding="unicode")

    def section(self, main: Elem, ident: str, title: str) -> Elem:
        """A ``section`` landmark labelled by its ``h2``."""
        sec = E(main, "section", {"id": ident, "aria-labelledby": f"{ident}-title"})
        E(sec, "h2", {"id": f"{ident}-title"}, title)
        return sec

    def table(self, parent: Elem, caption: str, columns: list[tuple[str, bool]], name: str) -> Elem:
        """A captioned table in a focusable scrolling region; ``columns`` are
        (header, sortable).  Returns its ``tbody``."""
        cap_id = self.new_id(name)
        wrap = E(
            parent,
            "div",
            {"class": "scroll", "role": "region", "aria-labelledby": cap_id, "tabindex": "0"},
        )
        table = E(wrap, "table", {"class": "sortable", "id": self.new_id(name + "-table")})
        E(E(table, "caption", {"id": cap_id}), "span", None, caption)
        tr = E(E(table, "thead"), "tr")
        for title, sortable in columns:
            th = E(tr, "th", {"scope": "col"})
            if sortable:
                E(th, "button", {"type": "button", "class": "sort"}, title)
            else:
                th.text = title
        return E(table, "tbody")

    def book_cell(self, tr: Elem, book: dict[str, Any], header: bool = True) -> Elem:
        """The book's title as the row header."""
        cell = E(tr, "th" if header else "td", {"scope": "row"} if header else None)
        E(cell, "span", {"lang": book["language"]}, book["title"])
        if book["digest"]:
            E(cell, "span", {"class": "muted"}, " (digest)")
        return cell

    def source_link(self, parent: Elem, file: str | None, path: str | None, line: Any) -> None:
        """``file:line``, the file linked when it can be found."""
        if not file:
            parent.text = (parent.text or "") + "—"
            return
        file = short_name(file)
        if path and Path(path).is_file():
            a = E(parent, "a", {"href": self.href(path)}, file)
            _tail(a, f":{line}" if line else "")
        else:
            E(parent, "span", None, file + (f":{line}" if line else ""))

    # ------------------------------------------------------------------ sections

    def overview(self, sec: Elem) -> None:
        """Books, files, verdicts and claims."""
        d = self.data
        if d["notes"]:
            ul = E(sec, "ul", {"class": "notes", "aria-label": "Notes on this report"})
            for note in d["notes"]:
                E(ul, "li", None, note)
        body = self.table(
            sec,
            "Books, their files, the judges' verdicts and the conformance claims",
            [
                ("Book", True),
                ("Files", False),
                ("Judges' verdicts", False),
                ("Conformance claims", False),
                ("Errors", True),
                ("Warnings", True),
                ("Reading", True),
                ("Listening", True),
            ],
            "books",
        )
        for b in d["books"]:
            tr = E(body, "tr")
            self.book_cell(tr, b)
            fcell = E(tr, "td")
            files = E(fcell, "ul")
            for fmt, name in b["files"].items():
                if fmt == "timings":
                    continue
                li = E(files, "li")
                E(li, "a", {"href": self.href(self.out_dir / name)}, name)
                _tail(li[-1], f" ({_size(b['sizes'][fmt])})")
            if not b["files"]:
                fcell.remove(files)
                fcell.text = "no outputs"
            vcell = E(tr, "td")
            if not b["verdicts"]:
                E(vcell, "span", {"class": "badge none"}, "not run")
            else:
                vl = E(vcell, "ul")
                for v in b["verdicts"]:
                    li = E(vl, "li", None, f"{JUDGE_NAMES.get(v['judge'], v['judge'])}: ")
                    if v["ok"]:
                        E(li, "span", {"class": "badge ok"}, "passed")
                    else:
                        E(li, "span", {"class": "badge bad"}, f"{v['findings']} finding(s)")
                    if v["detail"]:
                        _tail(li[-1], f" ({v['detail']})")
            cl = E(E(tr, "td"), "ul")
            for c in b["claims"]:
                li = E(cl, "li", None, f"{c['format'].upper()}: ")
                if c["claim"]:
                    E(li, "span", {"class": "badge ok"}, c["claim"])
                else:
                    E(li, "span", {"class": "badge none"}, "no claim")
                if c["reason"]:
                    _tail(li[-1], f" — {c['reason']}")
            errors = sum(f["severity"] in ("error", "fatal") for f in b["findings"])
            warnings = sum(f["severity"] == "warning" for f in b["findings"])
            E(tr, "td", {"data-sort": str(errors)}, str(errors))
            E(tr, "td", {"data-sort": str(warnings)}, str(warnings))
            E(tr, "td", {"data-sort": str(b["reading_minutes"])}, minutes(b["reading_minutes"]))
            listen = b["listening_ms"]
            E(tr, "td", {"data-sort": str(listen or 0)}, clock(listen) if listen else "no audio")

    def findings(self, sec: Elem) -> None:
        """Every diagnostic and judge finding."""
        rows = [(b, f) for b in self.data["books"] for f in b["findings"]]
        if not rows:
            E(
                sec,
                "p",
                None,
                "Nothing was found: no diagnostics from the build, no judge findings.",
            )
            return
        E(
            sec,
            "p",
            None,
            "Diagnostics from the build point at the source article's line; "
            "judges' findings point into the output file.",
        )
        body = self.table(
            sec,
            f"{len(rows)} finding(s), from the build and from the judges",
            [
                ("Book", True),
                ("Severity", True),
                ("Code", True),
                ("Message", False),
                ("Where", True),
                ("From", True),
            ],
            "findings",
        )
        for b, f in rows:
            tr = E(body, "tr")
            self.book_cell(tr, b)
            sev = f["severity"]
            rank = SEVERITY_ORDER.get(sev, 4)
            cls = "bad" if rank <= 2 else "warn" if rank == 3 else "none"
            E(E(tr, "td", {"data-sort": str(rank)}), "span", {"class": f"badge {cls}"}, sev)
            E(E(tr, "td"), "code", None, f["code"])
            E(tr, "td", None, f["message"])
            where = E(tr, "td", {"data-sort": f"{f['file'] or ''}:{(f['line'] or 0):06d}"})
            self.source_link(where, f["file"], f["file_path"], f["line"])
            if f["excerpt"]:
                E(where, "code", {"class": "excerpt"}, f["excerpt"])
            E(tr, "td", None, "build" if f["origin"] == "build" else JUDGE_NAMES[f["origin"]])

    def structure(self, sec: Elem) -> None:
        """Heading outlines, reading and listening time, per book and article."""
        for b in self.data["books"]:
            h = E(sec, "h3")
            E(h, "span", {"lang": b["language"]}, b["title"])
            facts = E(sec, "dl", {"class": "facts"})
            for term, value in (
                ("Words", str(b["words"])),
                ("Reading time", minutes(b["reading_minutes"])),
                ("Listening time", clock(b["listening_ms"]) if b["listening_ms"] else "no audio"),
                ("PDF pages", str(b["pdf_pages"]) if b["pdf_pages"] else "no PDF"),
            ):
                E(facts, "dt", None, term)
                E(facts, "dd", None, value)
            for art in b["articles"]:
                if b["digest"]:
                    h4 = E(sec, "h4")
                    E(h4, "span", {"lang": art["language"]}, art["title"])
                    E(
                        sec,
                        "p",
                        {"class": "muted"},
                        f"{art['words']} words, {minutes(art['reading_minutes'])} to read"
                        + (
                            f", {clock(art['listening_ms'])} to listen"
                            if art["listening_ms"]
                            else ""
                        ),
                    )
                self.outline(sec, art)

    def outline(self, parent: Elem, art: dict[str, Any]) -> None:
        """The heading tree as nested lists, each heading with its source line."""
        heads = art["outline"]
        if not heads:
            E(parent, "p", None, "No headings.")
            return
        label = f"Heading outline of {art['title']}"
        root = E(parent, "ol", {"class": "outline", "aria-label": label})
        stack: list[tuple[int, Elem]] = [(0, root)]  # (level, the list it opens)
        for h in heads:
            level = h["level"]
            while len(stack) > 1 and stack[-1][0] >= level:
                stack.pop()
            li = E(stack[-1][1], "li", None, f"h{level} ")
            E(li, "span", None, h["text"])
            if h["line"]:
                E(li, "span", {"class": "muted"}, f" (line {h['line']})")
            stack.append((level, E(li, "ol")))
        for e in list(root.iter("ol")):
            up = e.getparent()
            if not len(e) and up is not None:
                up.remove(e)

    def images(self, sec: Elem) -> None:
        """Every image with its alt text, caption and places, then the lint."""
        rows = [(b, img) for b in self.data["books"] for img in b["images"]]
        if not rows:
            E(sec, "p", None, "No images.")
            return
        body = self.table(
            sec,
            f"{len(rows)} image(s) with their alt text, caption and where they appear",
            [
                ("Book", True),
                ("Image", False),
                ("Alt text", True),
                ("Caption", True),
                ("EPUB", True),
                ("PDF page", True),
                ("Audio", True),
                ("Lint", True),
                ("Source", True),
            ],
            "images",
        )
        for b, img in rows:
            tr = E(body, "tr")
            self.book_cell(tr, b)
            cell = E(tr, "td")
            uri = thumbnail(self.out_dir, b, img)
            if uri:
                E(cell, "img", {"class": "thumb", "src": uri, "alt": ""})
            else:
                E(cell, "span", {"class": "muted"}, f"not available ({img['unavailable']})")
            alt_cell = E(tr, "td")
            if img["decorative"]:
                E(alt_cell, "span", {"class": "badge none"}, 'decorative (alt="")')
            else:
                alt_cell.text = img["alt"]
                if not img["alt_given"]:
                    borrowed = img["alt"] != NO_DESCRIPTION
                    note = " (no alt given: borrowed)" if borrowed else " (no alt given)"
                    E(alt_cell, "span", {"class": "muted"}, note)
            E(tr, "td", None, img["caption"] or "—")
            w = img["where"]
            E(tr, "td", None, w["epub"] or "—")
            pdf = w["pdf_page"]
            E(tr, "td", {"data-sort": str(pdf or 0)}, str(pdf) if pdf else _not_shown(img))
            ms = w["audio_ms"]
            E(
                tr,
                "td",
                {"data-sort": str(ms if ms is not None else -1)},
                clock(ms) if ms is not None else _not_spoken(img),
            )
            lint = E(tr, "td", {"data-sort": str(len(img["lint"]))})
            if img["lint"]:
                for p in img["lint"]:
                    E(lint, "span", {"class": "badge warn"}, p["rule"])
                    _tail(lint[-1], " ")
            else:
                E(lint, "span", {"class": "badge ok"}, "no problem")
            src = E(tr, "td")
            self.source_link(src, _article_source(b, img), _article_path(b, img), img["line"])
        self.lint(sec)

    def lint(self, sec: Elem) -> None:
        """The alt-text lint's results, with hints."""
        E(sec, "h3", {"id": "alt-lint"}, "Alt-text lint")
        rows = [(b, img, p) for b in self.data["books"] for img in b["images"] for p in img["lint"]]
        if not rows:
            E(sec, "p", None, "The alt-text lint found no problem.")
            return
        body = self.table(
            sec,
            f"{len(rows)} alt-text problem(s) with what to do about them",
            [("Book", True), ("Rule", True), ("Image", True), ("Hint", False), ("Source", True)],
            "lint",
        )
        for b, img, p in rows:
            tr = E(body, "tr")
            self.book_cell(tr, b)
            E(E(tr, "td"), "code", None, p["rule"])
            E(E(tr, "td"), "code", None, img["src"])
            E(tr, "td", None, p["hint"])
            src = E(tr, "td")
            self.source_link(src, _article_source(b, img), _article_path(b, img), img["line"])

    def audio(self, sec: Elem) -> None:
        """A player per audiobook, and its chapters with a button to each."""
        books = [b for b in self.data["books"] if b["audio"]]
        if not books:
            E(sec, "p", None, "No audio edition in this build.")
            return
        for b in books:
            a = b["audio"]
            h = E(sec, "h3")
            E(h, "span", {"lang": b["language"]}, b["title"])
            player_id = self.new_id("player")
            chapters_id = self.new_id("chapters")
            E(
                sec,
                "p",
                {"class": "muted"},
                f"{a['file']}, {clock(a['duration_ms'])}, {len(a['chapters'])} chapter(s)"
                + (
                    f" ({a['id3_chapters']} in the MP3's ID3 tag)"
                    if a["id3_chapters"] is not None
                    else ""
                ),
            )
            player = E(
                sec,
                "audio",
                {
                    "id": player_id,
                    "controls": "controls",
                    "preload": "metadata",
                    "src": self.href(self.out_dir / a["file"]),
                    "data-chapters": chapters_id,
                    "aria-label": f"Audio edition of {b['title']}",
                },
            )
            E(player, "a", {"href": self.href(self.out_dir / a["file"])}, f"Download {a['file']}")
            body = self.table(
                sec,
                f"Chapters of {b['title']}",
                [
                    ("Chapter", False),
                    ("Level", False),
                    ("Starts", False),
                    ("Ends", False),
                    ("Play", False),
                ],
                "chapter",
            )
            table = body.getparent()
            assert table is not None
            table.set("id", chapters_id)
            table.set("class", "chapters")
            for c in a["chapters"]:
                start = c["start_ms"] / 1000
                tr = E(body, "tr", {"data-start": f"{start:.3f}"})
                th = E(tr, "th", {"scope": "row"}, "\u2003" * (c["level"] - 1))
                E(th, "span", None, c["title"])
                E(tr, "td", None, str(c["level"]))
                E(tr, "td", None, clock(c["start_ms"]))
                E(tr, "td", None, clock(c["end_ms"]))
                btn = E(
                    E(tr, "td"),
                    "button",
                    {
                        "type": "button",
                        "class": "seek",
                        "data-audio": player_id,
                        "data-start": f"{start:.3f}",
                        "data-label": clock(c["start_ms"]),
                    },
                    f"Play from {clock(c['start_ms'])}",
                )
                E(btn, "span", {"class": "vh"}, f" ({c['title']})")

    def links(self, sec: Elem) -> None:
        """Links left unresolved, and external links."""
        rows = [(b, link) for b in self.data["books"] for link in b["links"]]
        if not rows:
            E(sec, "p", None, "No unresolved or external links.")
            return
        body = self.table(
            sec,
            f"{len(rows)} link(s) that are unresolved or leave the book",
            [
                ("Book", True),
                ("Kind", True),
                ("Link text", True),
                ("Target", True),
                ("Source", True),
            ],
            "links",
        )
        for b, link in rows:
            tr = E(body, "tr")
            self.book_cell(tr, b)
            kind = E(tr, "td", {"data-sort": link["kind"]})
            cls = "warn" if link["kind"] == "unresolved" else "none"
            E(kind, "span", {"class": f"badge {cls}"}, link["kind"])
            if link["note"]:
                _tail(kind[-1], f" ({link['note']})")
            E(tr, "td", None, link["text"])
            E(E(tr, "td"), "code", None, link["url"])
            src = E(tr, "td")
            art = next((a for a in b["articles"] if a["title"] == link["article"]), None)
            self.source_link(src, link["source"], art["source_path"] if art else None, link["line"])


JUDGE_NAMES = {"epubcheck": "EPUBCheck", "ace": "Ace by DAISY", "pdfua": "PDF/UA-1 checker"}


def short_name(file: str) -> str:
    """A source file as the page shows it: as given when relative, else its
    folder and name."""
    p = Path(file)
    return file if not p.is_absolute() else str(Path(p.parent.name) / p.name)


def _not_shown(img: dict[str, Any]) -> str:
    if img["decorative"]:
        return "artifact (decorative)"
    return "placeholder text" if img["unavailable"] else "—"


def _not_spoken(img: dict[str, Any]) -> str:
    return "not spoken (decorative)" if img["decorative"] else "—"


def _article_source(book: dict[str, Any], img: dict[str, Any]) -> str | None:
    art = next((a for a in book["articles"] if a["title"] == img["article"]), None)
    return art["source"] if art else None


def _article_path(book: dict[str, Any], img: dict[str, Any]) -> str | None:
    art = next((a for a in book["articles"] if a["title"] == img["article"]), None)
    return art["source_path"] if art else None


def render_page(data: dict[str, Any], out_dir: Path, target: Path) -> str:
    """The HTML page for ``data`` (from :func:`a11ypress.report.collect.collect`)
    to be written at ``target``."""
    return Page(data, out_dir, target).render()
