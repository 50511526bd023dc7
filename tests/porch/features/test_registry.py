"""The registry: what each feature declares is wired, and nothing is claimed twice."""

from __future__ import annotations

from collections import Counter

from porch.core.domain_events import EVENT_TYPES
from porch.core.templating import Templates
from porch.features.registry import build_features
from porch.sheets_sync.layout import DATA_SHEETS as SHEETS


def test_every_worksheet_is_filled_by_one_feature_or_waits_for_its_feature(config):
    features = build_features(config=config, templates=Templates())
    claimed = Counter(features.worksheets)

    assert [sheet for sheet, times in claimed.items() if times > 1] == []
    assert set(claimed) <= set(SHEETS)
    assert set(SHEETS) == set(claimed)


def test_features_have_unique_names_jobs_and_delivery_callbacks(config):
    features = build_features(config=config, templates=Templates()).features
    names = [feature.name for feature in features]
    jobs = [job.name for feature in features for job in feature.jobs]
    callbacks = [op for feature in features for op in feature.effect_callbacks]

    assert len(set(names)) == len(names)
    assert len(set(jobs)) == len(jobs)
    assert len(set(callbacks)) == len(callbacks)


def test_features_handle_only_domain_events(config):
    features = build_features(config=config, templates=Templates()).features
    handled = {event_type for feature in features for event_type in feature.handles}
    assert handled <= set(EVENT_TYPES.values())


def test_app_home_is_composed_from_the_features_sections(config):
    features = build_features(config=config, templates=Templates())
    declared = [f.home_section for f in features.features if f.home_section is not None]
    assert features.app_home.sections == declared
    assert declared, "onboarding adds the checklist"
