"""Where every utterance and chapter falls in the finished audio."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from a11ypress.render.speech import Script
from a11ypress.tts.engine import SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class Timed:
    """An utterance's place in the audio, in milliseconds."""

    index: int
    """Index in the script."""
    start_ms: int
    """When its segment starts."""
    end_ms: int
    """When its speech ends (its trailing pause excluded)."""
    segment_end_ms: int
    """When its segment (pause included) ends."""


@dataclass(frozen=True, slots=True)
class ChapterTime:
    """A chapter's span in the audio, in milliseconds."""

    index: int
    """Index in :attr:`Script.chapters`."""
    title: str
    """Its title."""
    level: int
    """1 for an article, 2+ for a section."""
    start_ms: int
    """Start."""
    end_ms: int
    """End (the next chapter's start, or the end of the audio)."""
    depth: int = 0
    """How many parts of a digest enclose it (see :class:`SpeechChapter`)."""

    @property
    def outline(self) -> int:
        """Level in the book's outline: parts, then articles, then sections."""
        return self.depth + self.level


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def timeline(
    script: Script, lengths: Sequence[tuple[int, int]], lead: int = 0
) -> tuple[list[Timed], list[ChapterTime], int]:
    """Times of utterances and chapters from each utterance's (samples, speech
    samples); ``lead`` samples of silence precede each utterance's speech inside
    its segment (the MP3 encoder delay).  Returns (utterances, chapters, total ms).
    """
    timed: list[Timed] = []
    starts: dict[int, int] = {}
    pos = 0
    for i, (u, (samples, speech)) in enumerate(zip(script.utterances, lengths, strict=True)):
        starts.setdefault(u.chapter, pos)
        end = min(pos + lead + speech, pos + samples)
        timed.append(Timed(i, _ms(pos), _ms(end), _ms(pos + samples)))
        pos += samples
    total = _ms(pos)
    order = sorted(starts)
    chapters: list[ChapterTime] = []
    for n, idx in enumerate(order):
        ch = script.chapters[idx]
        end = _ms(starts[order[n + 1]]) if n + 1 < len(order) else total
        chapters.append(ChapterTime(idx, ch.title, ch.level, _ms(starts[idx]), end, ch.depth))
    return timed, chapters, total
