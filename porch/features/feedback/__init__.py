"""Feedback: any member message becomes a tracked feedback item, and the loop gets closed
(see tagging.py for how, protocol.py for the acknowledge / ask / follow-up steps, controls.py
for the shortcut, the status menu and the commands, digest.py for the monthly digest)."""

from __future__ import annotations

from porch.core.feature import Feature, FeaturePackage, FeatureSetup
from porch.features.feedback import ids
from porch.features.feedback.cli import feedback as feedback_command
from porch.features.feedback.config import FeedbackConfig
from porch.features.feedback.tagging import Feedback
from porch.features.feedback.worksheet import FeedbackRow


def build(setup: FeatureSetup) -> Feature:
    return Feedback(
        config=setup.config, templates=setup.templates, app_home=setup.app_home
    ).feature()


PACKAGE = FeaturePackage(
    name="feedback",
    build=build,
    config_sections={"feedback": (FeedbackConfig, True)},
    slack_ids=(ids.Action, ids.Input, ids.View, ids.Shortcut, ids.Command),
    worksheets=(FeedbackRow,),
    cli=(feedback_command,),
)
