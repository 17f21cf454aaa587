"""Images of a sensible size for print (and for reading systems).

WeasyPrint stores every raster image losslessly at its full size (WebP and PNG
photos become large Flate streams).  Before layout, each photo is scaled to
``dpi`` pixels per inch of the largest size it can be printed at (the text
column of the built-in ``css/print.css``: at most 170 mm wide and 180 mm high, and CSS's
96 px per inch for a small image) and stored as JPEG.  Line art, screenshots
and images with transparency stay lossless, as they came.

The EPUB keeps its images as they came, except one whose longer side exceeds
:data:`READER_MAX_SIDE` pixels (more than reading systems show well): it is
scaled down in its own format.
"""

from __future__ import annotations

import io
from dataclasses import replace

from a11ypress.export.images import ImageFile

#: Largest printed size (inches) of an image on each paper: the text column
#: (page width minus 2 x 20 mm margins) and ``img { max-height: 180mm }``.
PRINT_BOX_IN = {"a4": (170 / 25.4, 180 / 25.4), "letter": (8.5 - 40 / 25.4, 180 / 25.4)}
#: Longest side, in pixels, of an image in an EPUB.
READER_MAX_SIDE = 4096
#: JPEG quality of re-encoded photos.
JPEG_QUALITY = 85
#: More distinct colours than this in a 128 x 128 copy make an image a photo.
PHOTO_COLOURS = 2048


def _is_photo(img: ImageFile, im: object) -> bool:
    """JPEG and lossy WebP are photos; PNG, GIF and lossless WebP are when
    they hold many distinct colours (line art and screenshots hold few)."""
    from PIL import Image

    assert isinstance(im, Image.Image)
    if img.media_type == "image/jpeg":
        return True
    if img.media_type == "image/webp" and b"VP8L" not in img.data[12:40]:
        return True
    small = im.convert("RGB")
    small.thumbnail((128, 128))
    return small.getcolors(PHOTO_COLOURS) is None


def _has_transparency(im: object) -> bool:
    from PIL import Image

    assert isinstance(im, Image.Image)
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
        alpha = im.convert("RGBA").getchannel("A")
        low = alpha.getextrema()[0]
        return isinstance(low, int | float) and low < 255
    return False


def printed_pixels(size: tuple[int, int], paper: str, dpi: int) -> tuple[int, int]:
    """The most pixels worth keeping for an image of ``size`` pixels."""
    w, h = size
    box_w, box_h = PRINT_BOX_IN.get(paper.lower(), PRINT_BOX_IN["a4"])
    scale = min(1 / 96, box_w / max(w, 1), box_h / max(h, 1))  # inches per pixel
    ratio = min(1.0, scale * dpi)
    return max(1, round(w * ratio)), max(1, round(h * ratio))


def for_print(img: ImageFile, paper: str, dpi: int) -> ImageFile:
    """``img`` as the PDF should store it (see the module doc); unchanged when
    it is not a photo or re-encoding would not make it smaller."""
    if img.media_type not in ("image/jpeg", "image/png", "image/webp"):
        return img
    from PIL import Image

    try:
        with Image.open(io.BytesIO(img.data)) as im:
            im.load()
            if getattr(im, "n_frames", 1) > 1 or _has_transparency(im):
                return img
            if not _is_photo(img, im):
                return img
            target = printed_pixels(im.size, paper, dpi)
            out = im.convert("RGB") if im.mode not in ("RGB", "L") else im
            if target[0] < im.size[0]:
                out = out.resize(target, Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            out.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    except Exception:  # a broken file: the layout engine reports it
        return img
    data = buf.getvalue()
    if img.media_type == "image/jpeg" and (len(data) >= len(img.data) or target[0] >= im.size[0]):
        return img  # already a JPEG of the right size
    return replace(img, media_type="image/jpeg", data=data)


def for_reader(img: ImageFile) -> ImageFile:
    """``img`` for an EPUB: unchanged unless its longer side exceeds
    :data:`READER_MAX_SIDE`, then scaled down in the same format."""
    if img.media_type not in ("image/jpeg", "image/png", "image/webp"):
        return img
    from PIL import Image

    try:
        with Image.open(io.BytesIO(img.data)) as im:
            if max(im.size) <= READER_MAX_SIDE or getattr(im, "n_frames", 1) > 1:
                return img
            fmt = im.format or "PNG"
            im.load()
            small = im.copy()
            small.thumbnail((READER_MAX_SIDE, READER_MAX_SIDE), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            extra = {"quality": 90} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            small.save(buf, format=fmt, **extra)
    except Exception:  # a broken file: left for the reading system to report
        return img
    return replace(img, data=buf.getvalue())
