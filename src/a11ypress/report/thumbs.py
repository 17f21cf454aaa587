"""Image thumbnails as ``data:`` URIs, so the report carries them itself."""

from __future__ import annotations

import base64
import io
import zipfile
from pathlib import Path
from typing import Any

#: Largest thumbnail side, in pixels.
THUMB_PX = 320


def _image_bytes(out_dir: Path, book: dict[str, Any], img: dict[str, Any]) -> bytes | None:
    """The image as the outputs carry it (the EPUB's copy), else its source file."""
    name = img.get("name")
    epub = book["files"].get("epub")
    if name and epub:
        try:
            with zipfile.ZipFile(out_dir / epub) as z:
                return z.read(f"EPUB/images/{name}")
        except (OSError, KeyError, zipfile.BadZipFile):
            pass
    if img.get("file"):
        try:
            return Path(img["file"]).read_bytes()
        except OSError:
            return None
    return None


def thumbnail(out_dir: Path, book: dict[str, Any], img: dict[str, Any]) -> str | None:
    """A small PNG or JPEG (or the cleaned SVG as it is) as a data URI."""
    data = _image_bytes(out_dir, book, img)
    if not data:
        return None
    if (img.get("name") or "").endswith(".svg") or data.lstrip()[:5] in (b"<svg ", b"<?xml"):
        return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.thumbnail((THUMB_PX, THUMB_PX))
            photo = im.mode in ("RGB", "CMYK", "YCbCr") and im.format == "JPEG"
            buf = io.BytesIO()
            if photo:
                im.convert("RGB").save(buf, "JPEG", quality=80)
            else:
                im.convert("RGBA").save(buf, "PNG", optimize=True)
    except Exception:  # an unreadable image: no thumbnail, the alt text still shows
        return None
    kind = "jpeg" if photo else "png"
    return f"data:image/{kind};base64," + base64.b64encode(buf.getvalue()).decode("ascii")
