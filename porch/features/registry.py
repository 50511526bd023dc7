"""The features Porch runs, in the order they see each event, and what they declare.

The inbox processor, the scheduler, App Home and the effect worker ask this registry; none of
them names a feature. A new feature is a module in porch/features/ whose `feature()` is added to
`build_features` below, with its templates and tests; no other feature changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.feature import EffectCallback, EventHandler, Feature, Job, PersonalData
from porch.core.personal_data import INFRASTRUCTURE
from porch.core.templating import Templates
from porch.features import health, monthly_report, participation, slack_limits
from porch.features.contributions import Contributions
from porch.features.feedback import Feedback
from porch.features.follow_ups import FollowUps
from porch.features.introductions import Introductions
from porch.features.manager_check_in import ManagerCheckIn
from porch.features.modmail import Modmail
from porch.features.nps import Nps
from porch.features.onboarding import Onboarding
from porch.features.privacy import Privacy
from porch.features.response_alerts import ResponseAlerts
from porch.features.rituals import Rituals
from porch.features.spotlight import Spotlight


@dataclass
class Features:
    """Every feature, plus the objects whose methods handlers call for buttons and commands."""

    features: Sequence[Feature]
    app_home: AppHome
    onboarding: Onboarding
    introductions: Introductions
    follow_ups: FollowUps
    spotlight: Spotlight
    rituals: Rituals
    feedback: Feedback
    privacy: Privacy
    modmail: Modmail

    def handlers_for(self, event_type: type) -> Iterator[EventHandler]:
        for feature in self.features:
            handler = feature.handles.get(event_type)
            if handler is not None:
                yield handler

    @property
    def jobs(self) -> list[Job]:
        return [job for feature in self.features for job in feature.jobs]

    def effect_callback(self, op: str) -> EffectCallback | None:
        for feature in self.features:
            if op in feature.effect_callbacks:
                return feature.effect_callbacks[op]
        return None

    @property
    def worksheets(self) -> list[str]:
        return [sheet for feature in self.features for sheet in feature.worksheets]

    @property
    def personal_data(self) -> list[PersonalData]:
        """Every table and worksheet holding members' data: the features' and the
        infrastructure's (what my-data, forget-me and retention read)."""
        return personal_data_of(self.features)


def personal_data_of(features: Sequence[Feature]) -> list[PersonalData]:
    return [d for feature in features for d in feature.personal_data] + list(INFRASTRUCTURE)


def build_features(*, config: Config, templates: Templates) -> Features:
    app_home = AppHome(config=config, templates=templates)
    onboarding = Onboarding(config=config, templates=templates, app_home=app_home)
    introductions = Introductions(config=config, templates=templates, app_home=app_home)
    follow_ups = FollowUps(config=config, templates=templates, app_home=app_home)
    spotlight = Spotlight(config=config, templates=templates)
    rituals = Rituals(config=config, templates=templates)
    feedback = Feedback(config=config, templates=templates, app_home=app_home)
    modmail = Modmail(config=config, templates=templates)
    features = [
        # Participation first: later features count the activity row it records for this event.
        participation.feature(config=config),
        onboarding.feature(),
        introductions.feature(),
        follow_ups.feature(),
        Contributions(config=config).feature(),
        rituals.feature(),
        feedback.feature(),
        health.feature(config=config),
        monthly_report.feature(config=config),
        slack_limits.feature(config=config, templates=templates),
        ResponseAlerts(config=config, templates=templates).feature(),
        ManagerCheckIn(config=config, templates=templates).feature(),
        Nps(config=config, templates=templates).feature(),
        spotlight.feature(),
        modmail.feature(),
    ]
    # Last: it reads what every other feature declares.
    privacy = Privacy(config=config, declarations=personal_data_of(features))
    features.append(privacy.feature())
    app_home.sections = [f.home_section for f in features if f.home_section is not None]
    return Features(
        features=features,
        app_home=app_home,
        onboarding=onboarding,
        introductions=introductions,
        follow_ups=follow_ups,
        spotlight=spotlight,
        rituals=rituals,
        feedback=feedback,
        privacy=privacy,
        modmail=modmail,
    )
