"""Alt-text lint: judges the quality of every image's text alternative.

A check on the model, not in a renderer, so the EPUB, the PDF and the audio
edition are judged once and agree.  Each finding is a warning (``--strict``
fails the build) with the source line and a short hint.  The rules:

``missing-alt``
    no alt at all, and none to borrow (:mod:`a11ypress.transforms.alt`: the
    same image's alt elsewhere, or its caption);
``alt-empty-informative``
    ``alt=""`` (decorative) on an image that has a caption or is a link;
``alt-file-name``
    a file name or a URL as alt;
``alt-redundant-prefix``
    "image of…", "picture of…" (a screen reader already says "image");
``alt-too-long``
    longer than :data:`MAX_ALT` characters without a long description;
``alt-duplicate``
    the same alt on different images;
``alt-repeats-caption``
    the alt repeats the caption word for word (it is read twice).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from a11ypress import model as m
from a11ypress.diagnostics import Diagnostic, Severity
from a11ypress.transforms.alt import lacks_alt
from a11ypress.transforms.text import plain_text
from a11ypress.transforms.walk import children

#: Longest alt text that needs no long description, in characters.
MAX_ALT = 250

#: One short hint per rule, shown after the problem.
HINTS: dict[str, str] = {
    "missing-alt": 'add an alt that says what the image shows (or alt="" if it is decorative)',
    "alt-empty-informative": "an image with a caption or a link is not decorative: describe it",
    "alt-file-name": "describe what the image shows, not its file",
    "alt-redundant-prefix": 'drop the prefix: screen readers already announce "image"',
    "alt-too-long": "keep the alt short and move the detail into a long description or the text",
    "alt-duplicate": "give each image an alt that tells it apart from the others",
    "alt-repeats-caption": "the caption is read as well: let the alt add what the caption lacks",
}

_IMAGE_EXT = r"(?:png|jpe?g|gif|webp|svg|avif|bmp|tiff?|heic|ico)"
_FILE_NAME = re.compile(rf"^\S*\.{_IMAGE_EXT}$", re.I)
_CAMERA_NAME = re.compile(r"^(?:img|dsc|dscn|dcim|pxl|screenshot|screen shot)[ _-]?\d", re.I)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|www\.|data:|/\S*/)\S*$", re.I)
_PREFIX = re.compile(
    r"^(?:(?:an?|the)\s+)?(?:image|picture|photo|photograph|graphic)\s+of\b"
    r"|^(?:une?\s+|l')?(?:image|photo|illustration)\s+(?:de|du|des|d')",
    re.I,
)


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One image of the article with what surrounds it."""

    image: m.Image
    """The image."""
    caption: str
    """Plain text of its figure caption ("" when it has none)."""
    linked: bool
    """True when the image is the only content of a link (so names the link)."""
    line: int | None
    """Source line of the image (or of its block)."""


@dataclass(frozen=True, slots=True)
class AltFinding:
    """One alt-text problem."""

    rule: str
    """Rule code (see the module docstring)."""
    message: str
    """What is wrong, naming the image."""
    src: str
    """The image's source as written."""
    line: int | None
    """Source line."""

    @property
    def hint(self) -> str:
        """What to do about it."""
        return HINTS[self.rule]

    def diagnostic(self, file: str | None) -> Diagnostic:
        """As a build warning: ``message; hint``."""
        return Diagnostic(
            self.rule, f"{self.message}; {self.hint}", Severity.WARNING, file, self.line
        )


def image_uses(doc: m.Document) -> Iterator[ImageUse]:
    """Every image of the body and the footnotes, in reading order, with its
    caption and whether it alone makes a link (the cover is not included)."""
    for node in (*doc.children, *doc.footnotes):
        yield from _walk(node, "", False, None)


def _walk(node: m.AnyNode, caption: str, linked: bool, line: int | None) -> Iterator[ImageUse]:
    here = node.pos.line if node.pos else line
    if isinstance(node, m.Image):
        yield ImageUse(node, caption, linked, here)
        return
    if isinstance(node, m.Figure):
        cap = plain_text(node.caption) if node.caption else ""
        yield from _walk(node.image, cap, linked, here)
        for inline in node.caption:
            yield from _walk(inline, "", linked, here)
        return
    if isinstance(node, m.Link):  # a link whose only content is images
        linked = not plain_text(node.children).strip()
    for child in children(node):
        yield from _walk(child, "", linked, here)


def _norm(text: str) -> str:
    """Case, spacing and end punctuation ignored."""
    return " ".join(text.split()).strip(" .!?:;,").casefold()


def looks_like_file(alt: str, src: str) -> bool:
    """True when ``alt`` is a file name, a camera's file name, a URL, or the
    image's own file name (with or without its extension)."""
    a = alt.strip()
    if _FILE_NAME.match(a) or _CAMERA_NAME.match(a) or _URL.match(a):
        return True
    name = PurePosixPath(unquote(urlsplit(src.strip()).path)).name
    stem = name.rsplit(".", 1)[0]
    return bool(name) and (a == name or (a == stem and bool(re.search(r"[\d_]", stem))))


def lint_alt_text(doc: m.Document) -> list[AltFinding]:
    """Every alt-text problem of the article, in reading order."""
    out: list[AltFinding] = []
    seen: dict[str, str] = {}  # normalised alt -> first src that used it
    for u in image_uses(doc):
        img, src, alt = u.image, u.image.src, u.image.alt.strip()

        def add(rule: str, message: str, u: ImageUse = u) -> None:
            out.append(AltFinding(rule, message, u.image.src, u.line))

        if img.alt_missing:  # what it borrows was worked out by transforms/alt.py
            if lacks_alt(img):
                add("missing-alt", f"image {src!r} has no alt text")
            continue
        if img.decorative or not alt:
            if u.caption or u.linked:
                why = "has a caption" if u.caption else "is a link"
                add("alt-empty-informative", f'image {src!r} has alt="" but {why}')
            continue
        if looks_like_file(alt, src):
            add("alt-file-name", f"the alt of image {src!r} is a file name or URL: {alt!r}")
        prefix = _PREFIX.match(alt)
        if prefix:
            add("alt-redundant-prefix", f"the alt of image {src!r} starts with {prefix[0]!r}")
        if len(alt) > MAX_ALT and not img.long_description:
            add(
                "alt-too-long",
                f"the alt of image {src!r} is {len(alt)} characters (over {MAX_ALT})",
            )
        key = _norm(alt)
        first = seen.setdefault(key, src)
        if first != src:
            add("alt-duplicate", f"image {src!r} has the same alt as {first!r}: {alt!r}")
        if u.caption and key == _norm(u.caption):
            add("alt-repeats-caption", f"the alt of image {src!r} repeats its caption")
    return out


def lint_diagnostics(doc: m.Document) -> list[Diagnostic]:
    """The lint's findings as build warnings against the article's file."""
    return [f.diagnostic(doc.source) for f in lint_alt_text(doc)]
