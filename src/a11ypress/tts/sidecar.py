"""Per-sentence timings next to the audio: WebVTT (subtitles) and JSON
(for a read-aloud EPUB or any player that highlights the text)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from a11ypress.render.speech import Script
from a11ypress.tts.timeline import ChapterTime, Timed


def _stamp(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def webvtt(script: Script, timed: Sequence[Timed]) -> str:
    """A WebVTT file with one cue per utterance (its id is the utterance number)."""
    lines = ["WEBVTT", f"NOTE {script.title}", ""]
    for t in timed:
        u = script.utterances[t.index]
        text = u.text.replace("-->", "→").replace("\n", " ")
        lines += [f"u{t.index + 1}", f"{_stamp(t.start_ms)} --> {_stamp(t.end_ms)}", text, ""]
    return "\n".join(lines)


def timings_json(
    script: Script,
    timed: Sequence[Timed],
    chapters: Sequence[ChapterTime],
    total_ms: int,
    audio_file: str,
) -> str:
    """JSON: the audio file, its duration, chapters and every utterance's span."""
    data = {
        "audio": audio_file,
        "title": script.title,
        "language": script.lang,
        "duration_ms": total_ms,
        "chapters": [
            {"title": c.title, "level": c.level, "start_ms": c.start_ms, "end_ms": c.end_ms}
            for c in chapters
        ],
        "utterances": [
            {
                "id": f"u{t.index + 1}",
                "role": script.utterances[t.index].role,
                "lang": script.utterances[t.index].lang,
                "chapter": script.utterances[t.index].chapter,
                "text": script.utterances[t.index].text,
                "start_ms": t.start_ms,
                "end_ms": t.end_ms,
            }
            for t in timed
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
