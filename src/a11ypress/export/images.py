"""Finding an article's image files on disk (never on the network)."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from a11ypress import model as m
from a11ypress.export.safesvg import sanitize_svg
from a11ypress.render.xhtml import ImageReason, ImageRef

#: Largest image embedded, in bytes.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
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
    folder), ``outside`` (the path escapes its root) or ``unsupported`` (not an
    image format we can embed, or an SVG that cannot be made safe: see
    :mod:`a11ypress.export.safesvg`).
    """
    s = src.strip()
    if not s or _REMOTE.match(s):
        return "remote" if s else "missing"
    path_part = unquote(urlsplit(s).path)
    if path_part.startswith("/"):
        if assets is None:
            return "no-assets"
        root = assets.resolve()
        candidate = (root / path_part.lstrip("/")).resolve()
    else:
        root = (article.parent if article else Path.cwd()).resolve()
        candidate = (root / path_part).resolve()
    if not candidate.is_relative_to(root):
        return "outside"
    try:
        if not candidate.is_file():
            return "missing"
        if candidate.stat().st_size > MAX_IMAGE_BYTES:
            return "unsupported"
        data = candidate.read_bytes()
    except OSError:
        return "missing"
    media = sniff(data)
    if media == "image/svg+xml":
        cleaned = sanitize_svg(data)
        data = cleaned if cleaned is not None else b""
    if media is None or not data:
        return "unsupported"
    return ImageFile(candidate, media, data)


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
