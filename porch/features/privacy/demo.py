"""The demo's scene for a member's own data: she asks what Porch holds about her, and sees it."""

from __future__ import annotations

import json
from typing import Any

from porch.core.mrkdwn_html import block_texts, to_plain

SCENE = "my-data"


def scene(box: Any, *, user_id: str) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo)."""
    name = box.names.get(user_id, user_id)
    box.narrate(f"{name} wonders what Porch keeps about her and types /porch my-data.")
    response = box.workspace.command(user_id, "my-data")
    answer = json.loads(response.body)
    texts = [
        to_plain(t, names=box.names) for t in block_texts(answer.get("blocks"), answer["text"])
    ]
    box._print(f"only visible to {name}", box.config.community.name + " bot", texts)
    box.narrate("/porch forget-me would erase it all, after a confirmation button.")
