"""SMIL Media Overlay documents (EPUB 3 read-aloud books).

One overlay per chapter: a ``<par>`` per utterance pairing the element that
shows it with its clip of the chapter's audio, in reading order.  Runs of
utterances inside a table, a note, a callout or a code sample are grouped in a
``<seq epub:type>`` pointing at that element, so a reading system can skip or
escape them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

SMIL_NS = "http://www.w3.org/ns/SMIL"
OPS_NS = "http://www.idpf.org/2007/ops"
_EPUB = f"{{{OPS_NS}}}"


@dataclass(frozen=True, slots=True)
class Clip:
    """One utterance in an overlay."""

    number: int
    """Utterance number in the book (1-based: ``u<number>`` in the timings)."""
    fragment: str
    """Id of the element that shows it, in the chapter's XHTML."""
    begin_ms: int
    """Start in the chapter's audio."""
    end_ms: int
    """Its end in the chapter's audio."""
    group: tuple[str, str] | None = None
    """(epub:type, element id) of the table, note, callout or code sample it is in."""


def clock(ms: int) -> str:
    """A SMIL clock value in seconds (``12.345s``)."""
    return f"{ms // 1000}.{ms % 1000:03d}s"


def duration(ms: int) -> str:
    """A full clock value (``h:mm:ss.fff``) for ``media:duration``."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, frac = divmod(rest, 1000)
    return f"{h}:{m:02d}:{s:02d}.{frac:03d}"


def overlay(text_href: str, audio_href: str, clips: Sequence[Clip]) -> bytes:
    """The overlay of one chapter: ``text_href`` is the chapter's XHTML and
    ``audio_href`` its audio, both relative to the overlay."""
    root = etree.Element(
        f"{{{SMIL_NS}}}smil",
        nsmap={None: SMIL_NS, "epub": OPS_NS},  # type: ignore[dict-item]
        version="3.0",
    )
    body = etree.SubElement(root, f"{{{SMIL_NS}}}body")
    body.set(_EPUB + "textref", text_href)
    current: tuple[str, str] | None = None
    holder = body
    for clip in clips:
        if clip.group != current:
            current = clip.group
            holder = body
            if current is not None:
                holder = etree.SubElement(body, f"{{{SMIL_NS}}}seq")
                holder.set(_EPUB + "type", current[0])
                holder.set(_EPUB + "textref", f"{text_href}#{current[1]}")
        par = etree.SubElement(holder, f"{{{SMIL_NS}}}par", id=f"p{clip.number}")
        etree.SubElement(par, f"{{{SMIL_NS}}}text", src=f"{text_href}#{clip.fragment}")
        etree.SubElement(
            par,
            f"{{{SMIL_NS}}}audio",
            src=audio_href,
            clipBegin=clock(clip.begin_ms),
            clipEnd=clock(clip.end_ms),
        )
    return etree.tostring(root, encoding="utf-8", xml_declaration=True, pretty_print=True)
