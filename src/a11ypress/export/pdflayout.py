"""A repair to WeasyPrint 70's line breaking, made while it lays out a PDF.

When the text before an inline element (``<code>``, ``<em>``, a link) fits on
the line but for the space that ends it, WeasyPrint counts that space as
overflow, decides the text cannot be split, and keeps only its first word on
the line: a paragraph then starts with one word alone ("If", then the rest on
the next lines).  CSS lets spaces at the end of a line hang (they are removed),
so such a text is laid out as fitting; the inline element after it then moves
to the next line as usual.  WeasyPrint is pinned to 70.x, and the tests check
the result on a paragraph that triggers it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import inf
from typing import Any

from a11ypress.seams.weasyprint_internals import SplitFirstLine, wrapped_line_split

#: ``white-space`` values under which spaces collapse (and so may hang).
_COLLAPSING = ("normal", "nowrap", "pre-line")


@contextmanager
def hanging_spaces() -> Iterator[None]:
    """While active, spaces that end a text before an inline element hang."""

    def wrap(original: SplitFirstLine) -> SplitFirstLine:
        def split_first_line(
            text: str, style: Any, context: Any, max_width: Any, *rest: Any, **kw: Any
        ) -> Any:
            result = original(text, style, context, max_width, *rest, **kw)
            if (
                result[2] is not None  # split
                and max_width is not None
                and text.endswith(" ")
                and style["white_space"] in _COLLAPSING
                and not _several_words(text, result[1], style)
            ):
                stripped = text.rstrip(" ")
                if (
                    stripped
                    and original(stripped, style, context, max_width, *rest, **kw)[2] is None
                ):
                    return original(text, style, context, inf, *rest, **kw)
            return result

        return split_first_line

    with wrapped_line_split(wrap):
        yield


def _several_words(text: str, length: int, style: Any) -> bool:
    """True when the first line WeasyPrint kept (its first ``length`` UTF-8
    bytes) holds more than one word, so the case repaired here cannot be it.

    In that case the text without its final spaces fits on one line, so Pango
    puts the whole text on one line too (spaces may overflow a line there), and
    WeasyPrint only splits it because that line is too wide: it then keeps the
    first word alone.  A first line with a space inside is therefore an ordinary
    split, and the costly second layout (a few hundred microseconds each, for
    the whole rest of a paragraph) is skipped.  Where other ways of splitting
    could apply (no wrapping, ``hyphens: auto``, soft hyphens) the text is
    always checked."""
    if style["white_space"] != "normal" or style["hyphens"] == "auto" or "\xad" in text:
        return False
    return " " in text.encode()[:length].decode("utf-8", "ignore").strip(" ")
