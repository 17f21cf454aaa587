"""The shortcuts taken for speed keep the results they replace."""

from __future__ import annotations

import gc
import random

from a11ypress.components import builtin_vocabulary
from a11ypress.document import forget_parsed, parse_text
from a11ypress.export.pdflayout import _several_words
from a11ypress.gctune import RAISED, fewer_collections
from a11ypress.mdc.props import _scan_label_end, label_end


def test_fewer_collections_puts_the_thresholds_back_and_nests() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == RAISED
        with fewer_collections():
            assert gc.get_threshold() == RAISED
        assert gc.get_threshold() == RAISED
    assert gc.get_threshold() == before


def test_a_remembered_parse_is_only_reused_for_the_same_file_language_and_vocabulary() -> None:
    forget_parsed()
    text = "# Title\n\n::note\nHello.\n::\n"
    first = parse_text(text, "a.md")
    assert parse_text(text, "a.md") is first
    assert parse_text(text, "b.md").document.source == "b.md"
    assert parse_text(text, "a.md", lang="fr") is not first
    vocab = builtin_vocabulary()
    with_vocab = parse_text(text, "a.md", vocab=vocab)
    assert parse_text(text, "a.md", vocab=vocab) is with_vocab
    del vocab["note"]
    assert parse_text(text, "a.md", vocab=vocab) is not with_vocab
    forget_parsed()
    assert parse_text(text, "a.md") is not first
    assert parse_text(text, "a.md") == first


def test_bracket_matching_agrees_with_scanning() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        src = "".join(rng.choice("ab[]\\\n ") for _ in range(rng.randint(0, 40)))
        for i, c in enumerate(src):
            if c == "[":
                assert label_end(src, i) == _scan_label_end(src, i, len(src)), (src, i)


def test_hanging_spaces_check_is_skipped_only_for_ordinary_splits() -> None:
    normal = {"white_space": "normal", "hyphens": "manual"}
    text = "two words and more "
    assert _several_words(text, len(b"two words "), normal)
    assert not _several_words(text, len(b"two "), normal)  # one word: the repaired case
    assert not _several_words(text, len(b"two words "), {**normal, "hyphens": "auto"})
    assert not _several_words(text, len(b"two words "), {**normal, "white_space": "pre-line"})
    assert not _several_words("two\xadwords and more ", 12, normal)
