"""The infrastructure's copies of members' data, declared like a feature's tables.

Effects, inbox events and queued tracker rows copy whatever a feature put in them (a DM's
channel, a win's text, a message event), so they are searched by content rather than by a user
column. Together with every Feature.personal_data, this list is everything Porch holds about a
member: my-data, export, forget-me and retention read it and nothing else.
"""

from __future__ import annotations

from porch.core.feature import PersonalData

INFRASTRUCTURE: tuple[PersonalData, ...] = (
    PersonalData(
        table="effects",
        user_columns=(),
        purpose="Messages Porch is sending or has sent (a welcome DM, a thread reply), so "
        "none is sent twice.",
        copy_columns=("effect_key", "payload", "result"),
    ),
    PersonalData(
        table="inbox_events",
        user_columns=(),
        purpose="Slack events Porch received, kept a few days to process each exactly once.",
        copy_columns=("payload",),
    ),
    PersonalData(
        table="tracker_rows",
        user_columns=("row_key",),
        purpose="Rows waiting to be written to the tracker Sheet.",
        copy_columns=("row_values",),
    ),
    PersonalData(
        table="tracker_positions",
        user_columns=("row_key",),
        purpose="Where each tracker row sits in the Sheet, so Porch updates it in place.",
    ),
)
