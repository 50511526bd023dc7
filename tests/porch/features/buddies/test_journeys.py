"""Buddies, as conversations through the sandbox workspace: members offer to be buddies, a
newcomer is paired with the one who shares her interests and has room, one group DM introduces
them, and a week later both are asked whether they met."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from porch.core import tracker_queue
from porch.core.store.schema import members
from porch.features.buddies.config import BuddiesConfig
from porch.features.buddies.tables import buddy_pairings, buddy_volunteers
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from tests.conftest import MONDAY_MORNING
from tests.porch.features.join_paths.paths_config import answers_state, with_paths

GIA, BEN, CLO, DAN = "U0GIA00001", "U0BEN00001", "U0CLO00001", "U0DAN00001"
DAY = dt.timedelta(days=1)


def buddies_on(config, **changes):  # type: ignore[no-untyped-def]
    section = BuddiesConfig(enabled=True, max_at_once=1, **changes)
    return with_paths(config).model_copy(update={"buddies": section})


def answer(workspace: SandboxWorkspace, user: str, role: str) -> None:
    response = workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user,
            callback_id="porch_join_questions",
            private_metadata="{}",
            values=answers_state(role, []),
        )
    )
    assert response.status_code == 200


def volunteers(workspace: SandboxWorkspace) -> None:
    """Ben (a developer) and Clo (a designer) joined long ago and offered to be buddies."""
    for user, name, role in ((BEN, "Ben", "Developer"), (CLO, "Clo", "Designer")):
        workspace.join(user, name)
        answer(workspace, user, role)
        assert "Thanks!" in str(workspace.command(user, "buddy on").json())
    workspace.settle()
    workspace.at(MONDAY_MORNING + 10 * DAY)  # they are no newcomers any more


def pairings(workspace: SandboxWorkspace) -> list:
    with workspace.engine.connect() as conn:
        return conn.execute(select(buddy_pairings).order_by(buddy_pairings.c.newcomer_id)).all()


def test_a_newcomer_meets_the_buddy_who_shares_her_interest_once(workspace_factory, config):
    workspace = workspace_factory(buddies_on(config))
    volunteers(workspace)
    workspace.join(GIA, "Gia")
    answer(workspace, GIA, "Designer")
    workspace.at(MONDAY_MORNING + 10 * DAY + dt.timedelta(hours=12))
    assert pairings(workspace) == []  # she has a day to answer the questions first

    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=5))
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=10))  # the job runs again
    [pairing] = pairings(workspace)
    assert (pairing.newcomer_id, pairing.buddy_id, pairing.interests) == (GIA, CLO, ["design"])
    [intro] = workspace.fake.group_dm_messages(GIA, CLO)
    assert f"<@{GIA}>, meet <@{CLO}>" in str(intro["blocks"])
    assert "You are both into design" in str(intro["blocks"])

    # A week later at the same time, both are asked in the same group DM.
    workspace.at(MONDAY_MORNING + 18 * DAY)
    assert len(workspace.fake.group_dm_messages(GIA, CLO)) == 1
    workspace.at(MONDAY_MORNING + 18 * DAY + dt.timedelta(minutes=10))
    workspace.at(MONDAY_MORNING + 18 * DAY + dt.timedelta(minutes=20))
    [_, check_in] = workspace.fake.group_dm_messages(GIA, CLO)
    assert "Did you get a chance to talk?" in str(check_in["blocks"])

    workspace.click(GIA, "porch_buddy_met", value=GIA)
    workspace.click(CLO, "porch_buddy_not_yet", value=GIA)
    workspace.click(CLO, "porch_buddy_met", value=GIA)  # changed her mind: the last answer
    outsider = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id, user_id=BEN, action_id="porch_buddy_met", value=GIA
        )
    )
    assert outsider.status_code == 400
    [pairing] = pairings(workspace)
    assert (pairing.met_newcomer, pairing.met_buddy) == ("met", "met")
    with workspace.engine.connect() as conn:
        row = tracker_queue.get_row(conn, team_id=workspace.fake.team_id, sheet="Members", key=GIA)
    assert row is not None
    assert row["Buddy"] == f"Clo ({CLO}): newcomer says met, buddy says met"


def test_a_full_buddy_is_passed_over_and_one_who_opted_out_is_never_chosen(
    workspace_factory, config
):
    workspace = workspace_factory(buddies_on(config))
    volunteers(workspace)
    for user, name in ((GIA, "Gia"), (DAN, "Dan")):
        workspace.join(user, name)
        answer(workspace, user, "Designer")
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=5))
    assert {(p.newcomer_id, p.buddy_id) for p in pairings(workspace)} == {(DAN, CLO), (GIA, BEN)}

    # Ben stops from App Home; the next newcomer waits (Clo is full) rather than get him.
    workspace.click(BEN, "porch_buddy_opt_out", value="off")
    with workspace.engine.connect() as conn:
        assert (
            conn.execute(
                select(buddy_volunteers.c.available).where(buddy_volunteers.c.user_id == BEN)
            ).scalar()
            is False
        )
    workspace.join("U0EVE00001", "Eve")
    workspace.at(MONDAY_MORNING + 12 * DAY + dt.timedelta(minutes=10))
    assert len(pairings(workspace)) == 2


def test_a_crash_after_slack_took_the_introduction_posts_one_group_dm(workspace_factory, config):
    workspace = workspace_factory(buddies_on(config))
    volunteers(workspace)
    workspace.join(GIA, "Gia")
    workspace.settle()  # her welcome DM
    workspace.fake.crash_after_next("chat.postMessage")  # Slack posts it, Porch never hears
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=5))
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=15))
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=45))
    [pairing] = pairings(workspace)
    assert len(workspace.fake.group_dm_messages(GIA, pairing.buddy_id)) == 1
    assert workspace.runtime.worker.stats.recovered == 1  # found by its key, not re-posted


def test_buddy_command_bad_input_and_nobody_to_pair(workspace_factory, config):
    workspace = workspace_factory(buddies_on(config))
    workspace.join(BEN, "Ben")
    assert "/porch buddy on" in str(workspace.command(BEN, "buddy maybe").json())
    workspace.join(GIA, "Gia")
    workspace.at(MONDAY_MORNING + 2 * DAY)
    assert pairings(workspace) == []  # nobody offered: she waits, nothing is sent


def test_no_check_in_when_the_buddy_has_left(workspace_factory, config):
    workspace = workspace_factory(buddies_on(config))
    volunteers(workspace)
    workspace.join(GIA, "Gia")
    answer(workspace, GIA, "Designer")
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=5))
    with workspace.engine.begin() as conn:  # Clo's account was deactivated meanwhile
        conn.execute(update(members).where(members.c.user_id == CLO).values(is_deleted=True))
    workspace.at(MONDAY_MORNING + 18 * DAY + dt.timedelta(minutes=10))
    assert len(workspace.fake.group_dm_messages(GIA, CLO)) == 1  # the introduction only
    [pairing] = pairings(workspace)
    assert pairing.checked_in_at is not None

    # Nor is anyone who left chosen as a buddy.
    workspace.join(DAN, "Dan")
    answer(workspace, DAN, "Designer")
    workspace.at(MONDAY_MORNING + 19 * DAY + dt.timedelta(minutes=15))
    assert {(p.newcomer_id, p.buddy_id) for p in pairings(workspace)} == {(GIA, CLO), (DAN, BEN)}
