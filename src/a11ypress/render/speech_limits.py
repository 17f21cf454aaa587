"""A hard bound on the length of one utterance.

Sentences are cut at clause boundaries before they are spoken
(:func:`~a11ypress.render.speech_normalize.split_sentences`), but expansion
comes after that cut: a lexicon entry, ``&`` read as "and", a date or an
amount read out in words can make one "word" of the source many words long,
and headings, table rows and code lines are never cut as sentences.  The
speech engine's time and memory grow with the length of what it is handed,
so every utterance is cut again here, after every expansion.
"""

from __future__ import annotations

from a11ypress.render.speech_normalize import MAX_WORDS, split_sentences

#: Longest utterance, in characters (about 30 seconds of speech at 175 words
#: a minute); a longer one is cut at sentence, clause and word boundaries,
#: and a "word" longer than this is cut into pieces of this length.
MAX_UTTERANCE_CHARS = 500


def bounded_pieces(text: str) -> list[str]:
    """``text`` (already normalised) cut into utterances of at most
    :data:`~a11ypress.render.speech_normalize.MAX_WORDS` words and
    :data:`MAX_UTTERANCE_CHARS` characters; ``[text]`` when it is short."""
    if len(text) <= MAX_UTTERANCE_CHARS and text.count(" ") < MAX_WORDS:
        return [text]
    out: list[str] = []
    for sentence in split_sentences(text):
        words: list[str] = []
        size = 0
        for word in sentence.split():
            while len(word) > MAX_UTTERANCE_CHARS:
                if words:
                    out.append(" ".join(words))
                    words, size = [], 0
                out.append(word[:MAX_UTTERANCE_CHARS])
                word = word[MAX_UTTERANCE_CHARS:]
            if words and (len(words) >= MAX_WORDS or size + 1 + len(word) > MAX_UTTERANCE_CHARS):
                out.append(" ".join(words))
                words, size = [], 0
            size += len(word) + (1 if words else 0)
            words.append(word)
        if words:
            out.append(" ".join(words))
    return out
