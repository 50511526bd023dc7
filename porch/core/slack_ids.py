"""The slash command Porch itself answers. Everything else Slack echoes back (button action IDs,
modal callback and input IDs, a feature's own slash command) is declared by its feature, in the
package's ids.py, and listed by porch.features.registry.slack_ids.

The values are part of the wire format: manifest.yml declares the command, and messages already
sent keep their buttons' IDs, so renaming a value strands them. Rename the Python name freely,
never the string.
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    """Slash commands; manifest.yml declares the same ones."""

    PORCH = "/porch"
