"""The showcase feature object: what it declares (events, buttons, the modal, the shortcut,
`/porch share`, App Home, personal data, the site's data, the approved-content figure)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.domain_events import MessagePosted
from porch.core.feature import Feature, PersonalData
from porch.core.interactions import Interaction, Verb
from porch.core.templating import Templates
from porch.features.showcase import entries, site
from porch.features.showcase.demo import SCENES
from porch.features.showcase.ids import Action, Shortcut, View
from porch.features.showcase.previews import samples
from porch.features.showcase.review import Review
from porch.features.showcase.submissions import Submissions

PERSONAL_DATA = (
    PersonalData(
        table="showcase_entries",
        label="Your showcase submissions",
        user_columns=("author_id", "reviewer_id"),
        purpose="Work you submitted to the showcase with your permission (title, link, your "
        "words) and what the team decided, so it can be featured with your name until you "
        "withdraw it.",
        text_columns=("title", "url", "description"),
        timestamp_column="submitted_at",
        retention="showcase",
    ),
    PersonalData(
        table="tracker_rows",
        worksheet="Content",
        user_columns=("Member",),
        purpose="Your showcase submissions, as the community managers see them in the tracker.",
        text_columns=("Title", "Link"),
        timestamp_column="Submitted",
        retention="showcase",
    ),
)


class Showcase:
    def __init__(self, *, config: Config, templates: Templates, app_home: AppHome) -> None:
        self.config = config
        self.templates = templates
        self.app_home = app_home
        self.submissions = Submissions(self)
        self.review = Review(self)

    @property
    def public_channel(self) -> str:
        """The channel approved work is posted in (`showcase.post_in` names a `channels` key)."""
        return str(getattr(self.config.channels, self.config.showcase.post_in))

    def feature(self) -> Feature:
        submissions, review = self.submissions, self.review
        return Feature(
            name="showcase",
            handles={MessagePosted: submissions.on_message_posted},
            home_section=review.home_section,
            worksheets=("Content",),
            personal_data=PERSONAL_DATA,
            interactions=(
                Interaction(
                    kind="shortcut", id=Shortcut.SUBMIT_SHOWCASE, handle=submissions.shortcut
                ),
                Interaction(kind="view", id=View.SUBMIT_SHOWCASE, handle=submissions.submitted),
                Interaction(
                    kind="action", id=Action.SHOWCASE_SUGGESTED, handle=submissions.suggested
                ),
                Interaction(
                    kind="action",
                    id=Action.SHOWCASE_APPROVE,
                    handle=review.approve,
                    managers_only=True,
                ),
                Interaction(
                    kind="action",
                    id=Action.SHOWCASE_CHANGES,
                    handle=review.request_changes,
                    managers_only=True,
                ),
                Interaction(
                    kind="action",
                    id=Action.SHOWCASE_REJECT,
                    handle=review.reject,
                    managers_only=True,
                ),
                Interaction(kind="action", id=Action.SHOWCASE_WITHDRAW, handle=review.withdraw),
            ),
            verbs=(
                Verb(
                    name="share",
                    handle=submissions.command,
                    summary="submit your work to the showcase",
                ),
            ),
            previews=lambda: samples(self),
            demo_scenes=SCENES,
            period_figures={"content_approved": content_approved},
            site_context=lambda: {"showcase": site.config_context(self.config)},
            site_data=lambda conn, team_id: {
                "showcase": site.published_context(conn, self.config, team_id)
            },
        )


def content_approved(conn: Connection, *, team_id: str, since: Any, until: Any) -> dict[str, int]:
    """Showcase entries approved in [since, until) and still published, per member: for the
    ambassadors' criteria."""
    return entries.approved_by_author(conn, team_id=team_id, since=since, until=until)
