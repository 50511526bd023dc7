"""Join paths on a real store: interests for the introductions thread and for buddies, and the
config's mistakes named at their line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from porch.core.config import Config, ConfigError
from porch.core.domain_events import MessagePosted
from porch.features.registry import load_config
from tests.conftest import EXAMPLE_CONFIG, MONDAY_MORNING
from tests.porch.features.join_paths.paths_config import with_paths
from tests.porch.features.onboarding.community import TEAM, Community, text_of

GIA, BEN, CLO = "U0GIA00001", "U0BEN00001", "U0CLO00001"


def feature(community: Community, name: str):  # type: ignore[no-untyped-def]
    [found] = [f for f in community.features.features if f.name == name]
    return found


def answer(community: Community, user: str, answers: dict[str, list[str]]) -> None:
    # The answers recorded as a submission records them (JoinPaths.record).
    owner = feature(community, "join_paths").interactions[0].handle.__self__
    with community.engine.begin() as conn:
        owner.record(
            conn, team_id=TEAM, user_id=user, answers=answers, free_text=None, now=community.now
        )


def test_newcomers_are_tagged_with_their_paths_interests(engine: Engine, config: Config):
    community = Community(engine, with_paths(config))
    for user in (GIA, BEN, CLO):
        community.join(user)
    answer(community, GIA, {"role": ["Designer"], "interests": ["Feedback"]})
    answer(community, BEN, {"role": ["Developer"]})
    community.deliver()
    community.at(MONDAY_MORNING)
    [mentions] = community.at(MONDAY_MORNING + dt.timedelta(hours=1, minutes=1))
    text = text_of(mentions)
    assert f"<@{GIA}> (design, feedback &lt;swaps&gt;)" in text  # config words, escaped
    assert f"<@{BEN}> <@{CLO}>" in text  # no path, no interest


def test_interests_are_offered_to_other_features_by_member(engine: Engine, config: Config):
    community = Community(engine, with_paths(config))
    community.join(GIA)
    community.join(BEN)
    answer(community, GIA, {"role": ["Designer"]})
    interests = feature(community, "join_paths").member_interests
    with engine.connect() as conn:
        assert interests(conn, TEAM, [GIA, BEN, CLO]) == {GIA: ["design"]}


def test_participation_by_path_counts_each_paths_members_active_in_the_period(
    engine: Engine, config: Config
):
    community = Community(engine, with_paths(config))
    for user in (GIA, BEN, CLO):
        community.join(user)
    answer(community, GIA, {"role": ["Designer"], "interests": ["Feedback"]})
    answer(community, BEN, {"role": ["Developer"], "interests": ["Feedback"]})
    community.now = MONDAY_MORNING + dt.timedelta(hours=2)
    community.event(MessagePosted(GIA, community.channel_id("general"), "1.000001", None, "hi"))
    figure = feature(community, "join_paths").period_figures["participation_by_path"]
    with engine.connect() as conn:
        lines = figure(
            conn,
            team_id=TEAM,
            since=MONDAY_MORNING,
            until=MONDAY_MORNING + dt.timedelta(days=1),
        )
    assert [(line.path, line.members, line.active) for line in lines] == [
        ("design", 1, 1),
        ("feedback", 2, 1),
        ("(no path)", 1, 0),
    ]
    assert lines[1].share_pct == 50.0


def issue(tmp_path: Path, section: str) -> str:
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + section, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [found] = caught.value.issues
    return str(found)


QUESTION = """\
join_paths:
  questions:
    - id: role
      text: What do you do?
      options: [Designer, Developer]
  paths:
    - id: design
      when: {role: [%s]}
      channels: [%s]
"""


def test_an_empty_question_list_is_an_error_at_its_line(tmp_path: Path):
    found = issue(tmp_path, "join_paths:\n  questions: []\n")
    assert "community.yml:" in found and "join_paths.questions: the question list is empty" in found


def test_a_path_naming_an_unknown_answer_is_an_error_at_its_line(tmp_path: Path):
    found = issue(tmp_path, QUESTION % ("Desginer", "design-crit"))
    lines = EXAMPLE_CONFIG.read_text().count("\n") + 1 + QUESTION.count("\n") - 1
    assert f"community.yml:{lines}: join_paths.paths[design].when" in found
    assert "'Desginer', which is not an option of 'role'" in found


def test_a_path_naming_an_unknown_question_or_a_bad_channel_is_an_error(tmp_path: Path):
    unknown = issue(tmp_path, QUESTION.replace("{role:", "{job:") % ("Designer", "design"))
    assert "names the question 'job', which is not one (ids: role)" in unknown
    channel = issue(tmp_path, QUESTION % ("Designer", "'#design-crit'"))
    assert "join_paths.paths[design].channels.0: write the channel name without the #" in channel


def test_a_valid_section_names_its_channels_for_porch_to_join(tmp_path: Path):
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE_CONFIG.read_text() + "\n" + QUESTION % ("Designer", "design-crit"))
    config = load_config(path)
    assert "design-crit" in config.channel_names()


def test_the_follow_up_shows_each_channel_once_and_stays_within_slacks_blocks():
    from porch.features.join_paths.paths import follow_up_paths

    views = [
        {"id": f"p{n}", "paragraph": "x", "channels": ["shared", f"own-{n}"], "steps": []}
        for n in range(12)
    ]
    shown = follow_up_paths(views)
    channels = [c for view in shown for c in view["channels"]]
    assert len(shown) == 8 and len(channels) == len(set(channels)) == 8
    assert channels[:3] == ["shared", "own-0", "own-1"]
