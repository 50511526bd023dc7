"""The buddies' buttons (wire format: never rename a value)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    BUDDY_MET = "porch_buddy_met"
    BUDDY_NOT_YET = "porch_buddy_not_yet"
    BUDDY_OPT_IN = "porch_buddy_opt_in"
    BUDDY_OPT_OUT = "porch_buddy_opt_out"
