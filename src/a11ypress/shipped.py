"""Files a task carries with it, for a worker without the client's file system.

A ``--cluster`` worker may run on another machine: the client reads what an
article's conversion needs besides its text (the image files its model may
reference, the user's stylesheets) and the task carries them
(:attr:`a11ypress.tasks.ArticleTask.images` and ``files``).  While a task
runs, :func:`find_image <a11ypress.export.images.find_image>` and
:func:`stylesheet <a11ypress.styles.stylesheet>` look here first; anything
not shipped is read from the worker's own disk, as in a local build.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from a11ypress.export.images import ImageFile

#: Tests set this in the workers' environment: a task that ships its files
#: may read no image from the worker's disk (as on a machine that has none).
NO_DISK_ENV = "A11YPRESS_TEST_NO_DISK"

_images: Mapping[str, ImageFile | str] | None = None
_files: Mapping[str, bytes] | None = None

#: Where an article may name an image: a Markdown link or image target, an
#: attribute or front-matter value, or any word ending in an image extension.
_CANDIDATES = re.compile(
    r"\]\(\s*<([^>\n]+)>"
    r"|\]\(\s*([^)\s<>]+)"
    r"|\b(?:src|image|cover|poster|img|icon|logo|href)\s*[=:]\s*"
    r"(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\"'\s)}\]>]+))"
    r"|([^\s\"'()<>\[\]{}=:]+\.(?:png|jpe?g|gif|webp|svg)(?:[?#][^\s\"'()<>\[\]{}]*)?)",
    re.IGNORECASE,
)


def image_candidates(text: str) -> list[str]:
    """Every string of an article's text that may name an image file, once each."""
    found: dict[str, None] = {}
    for m in _CANDIDATES.finditer(text):
        value = next(g for g in m.groups() if g)
        found.setdefault(value.strip(), None)
    return [v for v in found if v]


def image(src: str) -> ImageFile | str | None:
    """What the client found for ``src`` (an image file or the reason it has
    none), or None when nothing is shipped for it."""
    if _images is None:
        return None
    hit = _images.get(src.strip())
    if hit is None and os.environ.get(NO_DISK_ENV):
        return "missing"
    return hit


def file(path: Path) -> bytes | None:
    """The shipped bytes of ``path``, or None when it was not shipped."""
    return None if _files is None else _files.get(str(path))


@contextlib.contextmanager
def using(images: Mapping[str, ImageFile | str], files: Mapping[str, bytes]) -> Iterator[None]:
    """Serve ``images`` (by ``src``) and ``files`` (by path) inside the block."""
    global _images, _files
    before = _images, _files
    _images, _files = images, files
    try:
        yield
    finally:
        _images, _files = before
