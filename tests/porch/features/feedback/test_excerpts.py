"""Excerpts: bounded, cut at a word, whitespace folded (pure logic)."""

from __future__ import annotations

from porch.features.feedback.store import EXCERPT_CHARS, excerpt_of


def test_a_short_message_is_kept_whole_with_its_whitespace_folded():
    assert excerpt_of("  Search\n\nmisses   old threads ") == "Search misses old threads"


def test_a_long_message_is_cut_at_a_word_with_an_ellipsis():
    text = " ".join(["feedback"] * 100)
    excerpt = excerpt_of(text)
    assert len(excerpt) <= EXCERPT_CHARS
    assert excerpt.endswith("feedback…")


def test_one_endless_word_is_cut_at_the_limit():
    excerpt = excerpt_of("x" * 1000)
    assert len(excerpt) == EXCERPT_CHARS and excerpt.endswith("…")
