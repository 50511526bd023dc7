"""What onboarding keeps about each member: their record and their row in the tracker."""

from __future__ import annotations

from porch.core.feature import PersonalData

MEMBER_DATA = (
    PersonalData(
        table="members",
        label="Your profile",
        user_columns=("user_id", "inviter_id"),
        purpose="Your profile (names, time zone, when you joined "
        "and took each onboarding step), to welcome you and follow up.",
        text_columns=("display_name", "real_name"),
    ),
    PersonalData(
        table="tracker_rows",
        worksheet="Members",
        user_columns=("User ID", "Name"),
        purpose="Your row in the managers' tracker: name and onboarding steps.",
    ),
)
