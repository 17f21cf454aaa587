"""Finding an article's image files on disk (never on the network)."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from a11ypress import model as m
from a11ypress import shipped
from a11ypress.export.safesvg import SvgTooComplex, sanitize_svg
from a11ypress.fsutil import read_regular, real_path
from a11ypress.render.xhtml import ImageReason, ImageRef

#: Largest image embedded, in bytes.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
#: Largest raster image embedded, in pixels (width x height, every frame of an
#: animation counted), checked from the file's header before anything is
#: decoded: a few kilobytes of WebP or PNG can claim 13,000 x 13,000 pixels,
#: gigabytes once decoded.  50 megapixels is more than an 8K screen shows.
MAX_IMAGE_PIXELS = 50_000_000
_PILLOW_FORMATS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
}
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


@dataclass(frozen=True, slots=True)
class ImageFile:
    """An image file found on disk."""

    path: Path
    """Where it is."""
    media_type: str
    """MIME type sniffed from its bytes."""
    data: bytes
    """Its content."""

    @property
    def name(self) -> str:
        """A stable file name inside a package, derived from the content."""
        ext = {
            "image/png": ".png",
            "image/jpeg": ".jpg",
            "image/gif": ".gif",
            "image/webp": ".webp",
            "image/svg+xml": ".svg",
        }[self.media_type]
        return hashlib.sha256(self.data).hexdigest()[:16] + ext


def sniff(data: bytes) -> str | None:
    """Media type from magic bytes, for the formats e-readers and PDFs support."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def find_image(src: str, article: Path | None, assets: Path | None) -> ImageFile | ImageReason:
    """Locate ``src`` for the article at ``article``.

    Returns the file, or the reason it is unavailable: ``remote`` (never
    fetched), ``missing``, ``no-assets`` (a site-absolute path and no assets
    folder), ``outside`` (the path escapes its root), ``bad-path`` (a NUL
    character in the path), ``unsupported`` (not an image format we can embed,
    or an SVG that cannot be made safe: see :mod:`a11ypress.export.safesvg`),
    ``too-large`` (more than :data:`MAX_IMAGE_PIXELS` pixels) or ``too-complex``
    (an SVG whose ``<use>`` references expand too far).
    """
    s = src.strip()
    if not s or _REMOTE.match(s):
        return "remote" if s else "missing"
    sent = shipped.image(s)  # a cluster task carries what the client found
    if sent is not None:
        return cast(ImageFile | ImageReason, sent)
    path_part = unquote(urlsplit(s).path)
    if "\x00" in path_part:
        return "bad-path"
    if path_part.startswith("/"):
        if assets is None:
            return "no-assets"
        root = real_path(assets)
        candidate = real_path(root / path_part.lstrip("/"))
    else:
        root = real_path(article.parent if article else Path.cwd())
        candidate = real_path(root / path_part)
    if not candidate.is_relative_to(root):
        return "outside"
    try:
        data = read_regular(candidate, MAX_IMAGE_BYTES)
    except OSError:
        return "missing"
    if data is None:
        return "unsupported"
    media = sniff(data)
    if media == "image/svg+xml":
        try:
            cleaned = sanitize_svg(data)
        except SvgTooComplex:
            return "too-complex"
        data = cleaned if cleaned is not None else b""
    elif media is not None and raster_pixels(data, media) is None:
        return "too-large"
    if media is None or not data:
        return "unsupported"
    return ImageFile(candidate, media, data)


def raster_pixels(data: bytes, media: str) -> int | None:
    """The pixel count of a raster image, read from its header only (nothing
    is decoded); None when it is over :data:`MAX_IMAGE_PIXELS`.  A file Pillow
    cannot read counts as 0: the layout engine reports it."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # judged below
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[media]]) as im:
                w, h = im.size
                frames = int(getattr(im, "n_frames", 1)) if media != "image/gif" else 1
    except Image.DecompressionBombError:
        return None
    except Exception:  # a broken file: the layout engine reports it
        return 0
    pixels = int(w) * int(h) * max(frames, 1)
    return None if pixels > MAX_IMAGE_PIXELS else pixels


class ImageCollector:
    """Resolves an article's images for the renderer and collects the files
    that the book or PDF must carry (shared between the articles of a digest)."""

    def __init__(
        self,
        files: dict[str, ImageFile],
        source: Path | None,
        assets: Path | None,
        prefix: str = "",
        sized: bool = False,
    ) -> None:
        self.files = files
        """Collected files by their name in the output."""
        self.source = source
        """The article's source file (relative paths resolve against its folder)."""
        self.assets = assets
        """Where site-absolute paths resolve (``--assets``)."""
        self.prefix = prefix
        """Prefix of the ``images/`` href (``../`` from an EPUB chapter)."""
        self.sized = sized
        """Measure raster images (the PDF draws decorative ones at their size)."""

    def __call__(self, img: m.Image) -> ImageRef:
        found = find_image(img.src, self.source, self.assets)
        if isinstance(found, str):
            return ImageRef(None, found)
        self.files.setdefault(found.name, found)
        size = pixel_size(found) if self.sized else None
        return ImageRef(self.prefix + "images/" + found.name, size=size)


def pixel_size(img: ImageFile) -> tuple[int, int] | None:
    """Width and height in pixels of a raster image (None for SVG or on error)."""
    if img.media_type == "image/svg+xml":
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(img.data)) as im:
            w, h = im.size
    except Exception:  # a broken file: the layout engine reports it
        return None
    return int(w), int(h)
