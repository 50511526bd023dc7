"""Echoing a member's words: decoded once, escaped once, bounded, cut between words."""

from __future__ import annotations

from porch.core.excerpts import chunks, excerpt


def test_slack_text_is_shown_as_typed_and_pings_nobody() -> None:
    text = "<!channel> hi <@U0MANAGER1>, R&amp;D &lt;b&gt; <https://x.example|site>"
    assert excerpt(text, limit=500) == (
        "&lt;!channel&gt; hi &lt;@U0MANAGER1&gt;, R&amp;D &lt;b&gt; &lt;https://x.example|site&gt;"
    )


def test_a_long_text_is_cut_between_words_within_the_escaped_bound() -> None:
    cut = excerpt("alpha beta gamma delta epsilon", limit=20)
    assert cut == "alpha beta gamma…"
    escaped = excerpt("<<<<< <<<<< <<<<<", limit=25)
    assert len(escaped) <= 25 and escaped.endswith("…") and "&lt" in escaped
    assert not escaped.removesuffix("…").endswith(("&", "&l", "&lt"))  # no entity cut in half
    assert excerpt("short", limit=20) == "short"


def test_a_word_longer_than_the_bound_is_cut_where_it_is() -> None:
    cut = excerpt("x" * 100, limit=10)
    assert cut == "x" * 9 + "…"


def test_chunks_split_at_lines_then_spaces() -> None:
    assert chunks("one two\nthree four", limit=10) == ["one two", "three four"]
    assert chunks("aaaa bbbb cccc", limit=9) == ["aaaa bbbb", "cccc"]
    assert chunks("x" * 12, limit=5) == ["xxxxx", "xxxxx", "xx"]
    assert chunks("", limit=5) == []
