"""The one card a member's message gets in the managers' channel.

Several features bring a message to the managers (keyword alerts for a watched word, moderation
for a rule or a member's report). Each records its card as a `post` effect under `card_key`, so
whichever comes first posts the card and a second feature's card for the same message is a
no-op: a message that matches a watched word and a moderation rule gets one card. A feature that
has more to say about the message later updates that card (an `update` effect `of` the key).
"""

from __future__ import annotations


def card_key(channel_id: str, ts: str) -> str:
    """The effect key of the card about the message `ts` in `channel_id`."""
    return f"message-card:{channel_id}:{ts}"
