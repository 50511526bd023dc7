"""The fake workspace, driven through the real slack_sdk WebClient over HTTP.

These pin down the Slack behaviours Porch relies on (DM-by-user-id, metadata on history,
pagination, error codes, retry headers), so a drift in the fake shows up here rather than as a
puzzling failure in the exactly-once or join-storm tests.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.client import RemoteDisconnected
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.web import SlackResponse

from porch.sandbox.slack_api import SLACKBOT_ID, FakeSlack, fixed_window_floor


def _error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(excinfo.value.response["error"])


def _pages(first: SlackResponse, key: str) -> list[list[Any]]:
    """Collect while iterating: slack_sdk reuses one SlackResponse object for every page."""
    return [list(page[key]) for page in first]


# --------------------------------------------------------------------------- auth & shape


def test_auth_test_identifies_the_bot(client: WebClient, fake: FakeSlack) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == fake.bot_user_id
    assert answer["team_id"] == "T0PORCH"
    assert answer["bot_id"] == fake.bot_id
    assert "chat:write" in answer.headers["X-OAuth-Scopes"]


def test_missing_or_wrong_token_and_unknown_method(fake: FakeSlack) -> None:
    anonymous = WebClient(base_url=fake.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as missing:
        anonymous.auth_test()
    assert _error(missing) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=fake.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as invalid:
        wrong.users_list()
    assert _error(invalid) == "invalid_auth"
    with pytest.raises(SlackApiError) as unknown:
        WebClient(token=fake.bot_token, base_url=fake.api_url).api_call("nope.nothing")
    assert _error(unknown) == "unknown_method"
    assert unknown.value.response.status_code == 200


def test_users_info_shape(client: WebClient, fake: FakeSlack) -> None:
    created = fake.add_user("U1", name="ada", real_name="Ada Lovelace", tz="Europe/London")
    user = client.users_info(user="U1")["user"]
    assert user == created
    assert user["profile"]["display_name"] == "ada"
    assert user["tz"] == "Europe/London"
    assert user["tz_offset"] in (0, 3600)
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="U404")
    assert _error(missing) == "user_not_found"


def test_users_list_paginates_with_cursor(client: WebClient, fake: FakeSlack) -> None:
    for n in range(7):
        fake.add_user(f"U{n:03d}", name=f"member{n}")
    pages = _pages(client.users_list(limit=3), "members")
    assert [len(p) for p in pages] == [3, 3, 3]  # 7 members + Slackbot + the bot
    ids = [m["id"] for p in pages for m in p]
    assert ids[:2] == [SLACKBOT_ID, fake.bot_user_id]
    assert len(set(ids)) == 9
    last = client.users_list(
        limit=3, cursor=client.users_list(limit=6)["response_metadata"]["next_cursor"]
    )
    assert last["response_metadata"]["next_cursor"] == ""
    with pytest.raises(SlackApiError) as bad:
        client.users_list(cursor="garbage!")
    assert _error(bad) == "invalid_cursor"


def test_lookup_by_email(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada", email="Ada@Example.org")
    assert client.users_lookupByEmail(email="ada@example.org")["user"]["id"] == "U1"
    with pytest.raises(SlackApiError) as missing:
        client.users_lookupByEmail(email="nobody@example.org")
    assert _error(missing) == "users_not_found"


# --------------------------------------------------------------------------- conversations


def test_conversations_list_types_archived_and_pages(client: WebClient, fake: FakeSlack) -> None:
    general = fake.add_channel("general")
    fake.add_channel("old")
    fake.archive_channel(fake.channel_id("old"))
    fake.add_channel("secret", is_private=True)
    fake.add_channel("hidden", is_private=True, bot_member=False)
    fake.add_user("U1", name="ada")
    dm = fake.dm_channel("U1")

    public = client.conversations_list()["channels"]
    assert [c["name"] for c in public] == ["general", "old"]
    assert public[0]["id"] == general and public[0]["is_member"] is True
    active = client.conversations_list(exclude_archived=True)["channels"]
    assert [c["name"] for c in active] == ["general"]
    everything = client.conversations_list(types="public_channel,private_channel,im")
    names = [c.get("name", c["id"]) for c in everything["channels"]]
    assert names == ["general", "old", "secret", dm]  # the bot cannot see #hidden
    pages = _pages(
        client.conversations_list(types="public_channel,private_channel", limit=1), "channels"
    )
    assert [[c["name"] for c in p] for p in pages] == [["general"], ["old"], ["secret"]]


def test_conversations_info_members_join(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    channel = fake.add_channel("intros", members=["U1"], bot_member=False)
    assert client.conversations_info(channel=channel)["channel"]["is_member"] is False
    assert client.conversations_members(channel=channel)["members"] == ["U1"]
    joined = client.conversations_join(channel=channel)
    assert joined["channel"]["is_member"] is True
    again = client.conversations_join(channel=channel)
    assert again["warning"] == "already_in_channel"
    assert fake.channel_members(channel) == ["U1", fake.bot_user_id]
    private = fake.add_channel("mods", is_private=True, bot_member=False)
    with pytest.raises(SlackApiError) as hidden:
        client.conversations_info(channel=private)
    assert _error(hidden) == "channel_not_found"


def test_conversations_invite_semantics(client: WebClient, fake: FakeSlack) -> None:
    for uid in ("U1", "U2", "U3"):
        fake.add_user(uid, name=uid.lower())
    channel = fake.add_channel("welcome", members=["U1"])
    with pytest.raises(SlackApiError) as partial:
        client.conversations_invite(channel=channel, users=["U1", "U2"])
    assert _error(partial) == "already_in_channel"
    assert partial.value.response["errors"] == [
        {"user": "U1", "ok": False, "error": "already_in_channel"}
    ]
    assert "U2" not in fake.channel_members(channel)  # all or nothing without force
    client.conversations_invite(channel=channel, users="U2,U3")
    assert fake.channel_members(channel) == ["U1", fake.bot_user_id, "U2", "U3"]
    with pytest.raises(SlackApiError) as self_invite:
        client.conversations_invite(channel=channel, users=fake.bot_user_id)
    assert _error(self_invite) == "cant_invite_self"
    outside = fake.add_channel("elsewhere", bot_member=False)
    with pytest.raises(SlackApiError) as not_member:
        client.conversations_invite(channel=outside, users="U1")
    assert _error(not_member) == "not_in_channel"


def test_conversations_open_is_stable_per_user(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    first = client.conversations_open(users="U1")
    second = client.conversations_open(users=["U1"])
    assert first["channel"]["id"] == second["channel"]["id"] == fake.dm_channel("U1")
    assert first["channel"]["id"].startswith("D")
    assert second["already_open"] is True
    with pytest.raises(SlackApiError) as bot:
        client.conversations_open(users=fake.bot_user_id)
    assert _error(bot) == "cannot_dm_bot"


# --------------------------------------------------------------------------- posting


def test_post_to_user_id_lands_in_the_dm(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    posted = client.chat_postMessage(channel="U1", text="Welcome, Ada!")
    assert posted["channel"] == fake.dm_channel("U1")
    assert posted["message"]["user"] == fake.bot_user_id
    [stored] = fake.dm_messages("U1")
    assert stored["text"] == "Welcome, Ada!"
    assert stored["ts"] == posted["ts"]
    assert stored["channel"] == posted["channel"]
    again = client.chat_postMessage(channel="U1", text="Second")
    assert again["channel"] == posted["channel"]
    assert float(again["ts"]) > float(posted["ts"])


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_errors(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.add_user("UGONE", name="gone", deleted=True)
    fake.add_user("UBOT2", name="otherbot", is_bot=True)
    outside = fake.add_channel("outside", bot_member=False)
    cases = {
        "U404": "user_not_found",
        "UGONE": "user_not_found",
        "UBOT2": "cannot_dm_bot",
        "C404": "channel_not_found",
        outside: "not_in_channel",
    }
    for target, expected in cases.items():
        with pytest.raises(SlackApiError) as failed:
            client.chat_postMessage(channel=target, text="hello")
        assert _error(failed) == expected, target
    with pytest.raises(SlackApiError) as empty:
        client.chat_postMessage(channel="U1", text="")
    assert _error(empty) == "no_text"
    assert fake.dm_messages("U1") == []


def test_chat_write_public_allows_posting_without_joining() -> None:
    with FakeSlack(chat_write_public=True) as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        outside = fake.add_channel("outside", bot_member=False)
        client.chat_postMessage(channel="#outside", text="hi")
        assert [m["text"] for m in fake.messages(outside)] == ["hi"]


def test_form_encoded_post_with_blocks_string(client: WebClient, fake: FakeSlack) -> None:
    channel = fake.add_channel("general")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    client.api_call(
        "chat.postMessage",
        params={"channel": channel, "blocks": json.dumps(blocks), "unfurl_links": False},
    )
    [stored] = fake.messages(channel)
    assert stored["blocks"] == blocks
    assert stored["text"] == ""
    assert stored["unfurl_links"] is False


def test_history_returns_metadata_only_when_asked(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    metadata = {"event_type": "porch_welcome", "event_payload": {"member": "U1", "v": 1}}
    posted = client.chat_postMessage(channel="U1", text="Welcome", metadata=metadata)
    dm = posted["channel"]
    plain = client.conversations_history(channel=dm)["messages"]
    assert "metadata" not in plain[0]
    with_meta = client.conversations_history(channel=dm, include_all_metadata=True)["messages"]
    assert with_meta[0]["metadata"] == metadata
    assert fake.dm_messages("U1")[0]["metadata"] == metadata
    with pytest.raises(SlackApiError) as bad:
        client.chat_postMessage(channel="U1", text="x", metadata={"event_payload": {}})
    assert _error(bad) == "invalid_metadata_schema"


def test_history_order_window_and_pages(client: WebClient, fake: FakeSlack) -> None:
    channel = fake.add_channel("general")
    stamps = [client.chat_postMessage(channel=channel, text=str(n))["ts"] for n in range(5)]
    newest_first = client.conversations_history(channel=channel)["messages"]
    assert [m["text"] for m in newest_first] == ["4", "3", "2", "1", "0"]
    window = client.conversations_history(channel=channel, oldest=stamps[1], latest=stamps[4])
    assert [m["text"] for m in window["messages"]] == ["3", "2"]
    inclusive = client.conversations_history(
        channel=channel, oldest=stamps[1], latest=stamps[4], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["4", "3", "2", "1"]
    pages = _pages(client.conversations_history(channel=channel, limit=2), "messages")
    assert [[m["text"] for m in p] for p in pages] == [["4", "3"], ["2", "1"], ["0"]]
    first = client.conversations_history(channel=channel, limit=2)
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    assert (
        client.conversations_history(channel=channel, limit=4, cursor=cursor)["has_more"] is False
    )


def test_threads_and_broadcasts(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    channel = fake.add_channel("intros", members=["U1"])
    parent = fake.add_message(channel, user="U1", text="Hi, I'm Ada")
    client.chat_postMessage(channel=channel, thread_ts=parent, text="Welcome!")
    client.chat_postMessage(channel=channel, thread_ts=parent, text="Also", reply_broadcast=True)
    history = client.conversations_history(channel=channel)["messages"]
    assert [m["text"] for m in history] == ["Also", "Hi, I'm Ada"]
    assert history[1]["reply_count"] == 2
    replies = client.conversations_replies(channel=channel, ts=parent)["messages"]
    assert [m["text"] for m in replies] == ["Hi, I'm Ada", "Welcome!", "Also"]
    assert [m["text"] for m in fake.thread(channel, parent)] == ["Hi, I'm Ada", "Welcome!", "Also"]
    with pytest.raises(SlackApiError) as missing:
        client.conversations_replies(channel=channel, ts="1.000001")
    assert _error(missing) == "thread_not_found"


def test_update_permalink_ephemeral_reactions(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.add_user("U2", name="bob")
    channel = fake.add_channel("general", members=["U1"])
    ts = client.chat_postMessage(channel=channel, text="draft")["ts"]
    client.chat_update(channel=channel, ts=ts, text="final")
    assert fake.messages(channel)[0]["text"] == "final"
    assert fake.messages(channel)[0]["edited"]["user"] == fake.bot_user_id
    link = client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
    assert link.endswith(f"/archives/{channel}/p{ts.replace('.', '')}")
    client.chat_postEphemeral(channel=channel, user="U1", text="psst")
    assert [e["text"] for e in fake.ephemerals(user_id="U1")] == ["psst"]
    with pytest.raises(SlackApiError) as absent:
        client.chat_postEphemeral(channel=channel, user="U2", text="psst")
    assert _error(absent) == "user_not_in_channel"
    client.reactions_add(channel=channel, timestamp=ts, name="wave")
    with pytest.raises(SlackApiError) as twice:
        client.reactions_add(channel=channel, timestamp=ts, name="wave")
    assert _error(twice) == "already_reacted"
    assert fake.reactions(channel, ts) == [
        {"name": "wave", "users": [fake.bot_user_id], "count": 1}
    ]
    human = fake.add_message(channel, user="U1", text="mine")
    with pytest.raises(SlackApiError) as not_ours:
        client.chat_update(channel=channel, ts=human, text="edited")
    assert _error(not_ours) == "cant_update_message"


def test_views_and_usergroups(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
    }
    published = client.views_publish(user_id="U1", view=home)["view"]
    assert fake.home_view("U1") == published
    assert published["blocks"] == home["blocks"]
    with pytest.raises(SlackApiError) as stale:
        client.views_publish(user_id="U1", view=home, hash="0.stale")
    assert _error(stale) == "hash_conflict"

    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Intro"}, "blocks": []}
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": modal})
    assert _error(no_trigger) == "invalid_arguments"
    opened = client.views_open(trigger_id="1.2.abc", view=modal)["view"]
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id="1.2.abc", view=modal)
    assert _error(reused) == "exchanged_trigger_id"
    fake.expire_trigger("3.4.def")
    with pytest.raises(SlackApiError) as expired:
        client.views_open(trigger_id="3.4.def", view=modal)
    assert _error(expired) == "expired_trigger_id"
    updated = {**modal, "blocks": [{"type": "divider"}]}
    client.views_update(view_id=opened["id"], view=updated)
    [record] = fake.opened_views()
    assert record["trigger_id"] == "1.2.abc"
    assert record["view"]["blocks"] == [{"type": "divider"}]

    fake.add_usergroup("S0MODS", ["U1"])
    assert client.usergroups_users_list(usergroup="S0MODS")["users"] == ["U1"]
    with pytest.raises(SlackApiError) as unknown:
        client.usergroups_users_list(usergroup="S404")
    assert _error(unknown) == "no_such_subteam"


def test_response_url_in_channel_and_ephemeral(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    channel = fake.add_channel("general", members=["U1"])
    url = fake.response_url(channel_id=channel, user_id="U1")
    for body in ({"text": "only you"}, {"text": "everyone", "response_type": "in_channel"}):
        request = urllib.request.Request(
            url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
    assert [p["body"]["text"] for p in fake.hook_posts(url)] == ["only you", "everyone"]
    assert [e["text"] for e in fake.ephemerals(channel_id=channel)] == ["only you"]
    assert [m["text"] for m in fake.messages(channel)] == ["everyone"]


# --------------------------------------------------------------------------- failures & limits


def test_429_retry_after_is_honoured(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.rate_limit_next("chat.postMessage", retry_after=1)
    client = WebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    started = time.monotonic()
    client.chat_postMessage(channel="U1", text="Welcome")
    assert time.monotonic() - started >= 1.0
    assert len(fake.dm_messages("U1")) == 1
    statuses = [c.status for c in fake.calls("chat.postMessage")]
    assert statuses == [429, 200]
    assert fake.calls("chat.postMessage")[0].injected == "rate_limit"


def test_429_without_retry_handler_surfaces_header(client: WebClient, fake: FakeSlack) -> None:
    fake.rate_limit_next("users.list", retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        client.users_list()
    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["Retry-After"] == "7"


def test_503_is_retried_by_server_error_handler(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.fail_next("chat.postMessage", status=503, times=2)
    client = WebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[
            ServerErrorRetryHandler(
                max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            )
        ],
    )
    client.chat_postMessage(channel="U1", text="Welcome")
    assert [c.status for c in fake.calls("chat.postMessage")] == [503, 503, 200]
    assert len(fake.dm_messages("U1")) == 1


def test_injected_failure_has_no_effect(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.fail_next("*", status=500)
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="U1", text="Welcome")
    assert failed.value.response.status_code == 500
    assert fake.dm_messages("U1") == []


def test_crash_after_effect_with_500(client: WebClient, fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.crash_after_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U1", text="Welcome")
    assert len(fake.dm_messages("U1")) == 1  # Slack accepted it; the client thinks it failed


def test_crash_with_dropped_connection(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.crash_after_next("chat.postMessage")
    bare = WebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
    with pytest.raises((RemoteDisconnected, urllib.error.URLError, ConnectionError)):
        bare.chat_postMessage(channel="U1", text="Welcome")
    assert len(fake.dm_messages("U1")) == 1
    assert fake.calls("chat.postMessage")[0].status == 0

    # slack_sdk's default handler retries a dropped connection once: a naive client duplicates.
    fake.crash_after_next("chat.postMessage")
    naive = WebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0.01))
        ],
    )
    naive.chat_postMessage(channel="U1", text="Welcome again")
    assert [m["text"] for m in fake.dm_messages("U1")] == [
        "Welcome",
        "Welcome again",
        "Welcome again",
    ]


def _wait_for_window_start(window_seconds: float) -> None:
    """Start near the beginning of a window so a burst is not split across two windows."""
    now = time.time()
    remaining = window_seconds - (now % window_seconds)
    if remaining < 0.6 * window_seconds:
        time.sleep(remaining + 0.01)


def test_fixed_window_rate_limit(client: WebClient, fake: FakeSlack) -> None:
    fake.set_rate_limit("users.info", limit=2, window_seconds=1)
    fake.add_user("U1", name="ada")
    _wait_for_window_start(1)
    client.users_info(user="U1")
    client.users_info(user="U1")
    with pytest.raises(SlackApiError) as limited:
        client.users_info(user="U1")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    time.sleep(float(limited.value.response.headers["Retry-After"]))
    client.users_info(user="U1")
    assert [c.injected for c in fake.calls("users.info")] == [None, None, "window", None]


def test_fixed_window_with_retry_handler_serves_everything(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    fake.set_rate_limit("chat.postMessage", limit=3, window_seconds=1)
    client = WebClient(
        token=fake.bot_token,
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)],
    )
    _wait_for_window_start(1)
    for n in range(4):
        client.chat_postMessage(channel="U1", text=str(n))
    assert [m["text"] for m in fake.dm_messages("U1")] == ["0", "1", "2", "3"]
    calls = fake.calls("chat.postMessage")
    assert [c.injected for c in calls] == [None, None, None, "window", None]
    # A perfect client sending all four at once could not finish before the next window.
    floor = fake.rate_limit_floor("chat.postMessage", arrivals=[calls[0].time] * 4)
    assert floor == float(int(calls[0].time) + 1)
    assert calls[-1].time >= floor


def test_rate_limit_floor() -> None:
    # 5 calls at t=10.2 with 2 per 1 s window: two in [10, 11), two in [11, 12), one at 12.
    assert fixed_window_floor([10.2] * 5, limit=2, window_seconds=1) == 12.0
    assert fixed_window_floor([10.2, 10.3], limit=2, window_seconds=1) == 10.3
    assert fixed_window_floor([], limit=1, window_seconds=1) == 0.0
    # Windows are aligned to the epoch, not to the first arrival.
    assert fixed_window_floor([9.9, 10.0], limit=1, window_seconds=5) == 10.0
    assert fixed_window_floor([9.9, 9.95, 10.0], limit=1, window_seconds=5) == 15.0
    assert fixed_window_floor([0.1, 0.1, 0.1], limit=1, window_seconds=0.1) == pytest.approx(0.3)
    with FakeSlack() as fake:
        assert fake.rate_limit_floor("chat.postMessage", arrivals=[5.0, 7.0]) == 7.0
        fake.set_rate_limit("chat.postMessage", limit=1, window_seconds=60)
        assert fake.rate_limit_floor("chat.postMessage", arrivals=[61.0, 62.0, 63.0]) == 180.0


def test_concurrent_posts_are_all_stored_in_order(fake: FakeSlack) -> None:
    fake.add_user("U1", name="ada")
    channel = fake.add_channel("general")
    client = WebClient(token=fake.bot_token, base_url=fake.api_url)
    with ThreadPoolExecutor(max_workers=32) as pool:
        stamps = list(
            pool.map(
                lambda n: client.chat_postMessage(channel=channel, text=str(n))["ts"], range(200)
            )
        )
    stored = fake.messages(channel)
    assert len(stored) == 200
    assert len(set(stamps)) == 200
    ordered = [m["ts"] for m in stored]
    assert ordered == sorted(ordered, key=lambda ts: tuple(map(int, ts.split("."))))


def test_latency_is_added(fake: FakeSlack, client: WebClient) -> None:
    fake.latency_seconds = 0.2
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.2


# --------------------------------------------------------------------------- set-up methods


def test_conversations_create_checks_names_as_slack_does(client: WebClient, fake: FakeSlack):
    for name, error in [
        ("", "invalid_name_required"),
        ("x" * 81, "invalid_name_maxlength"),
        ("--", "invalid_name_punctuation"),
        ("Wins", "invalid_name_specials"),
        ("friday wins", "invalid_name_specials"),
        ("#wins", "invalid_name_specials"),
    ]:
        with pytest.raises(SlackApiError) as refused:
            client.conversations_create(name=name)
        assert _error(refused) == error, name
    created = client.conversations_create(name="x" * 80)["channel"]
    assert created["is_member"] is True and created["is_private"] is False
    assert fake.channel_members(created["id"]) == [fake.bot_user_id]
    secret = client.conversations_create(name="mods", is_private=True)["channel"]
    assert secret["is_private"] is True


def test_conversations_create_name_taken_even_by_what_the_bot_cannot_see(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.add_channel("mods", is_private=True, bot_member=False)
    fake.archive_channel(fake.add_channel("old"))
    for name in ("mods", "old"):
        with pytest.raises(SlackApiError) as taken:
            client.conversations_create(name=name)
        assert _error(taken) == "name_taken"
    assert "mods" not in [
        c["name"] for c in client.conversations_list(types="private_channel")["channels"]
    ]


def test_a_token_without_a_scope_gets_missing_scope(fake: FakeSlack) -> None:
    fake.scopes = fake.scopes - {"channels:join", "groups:write", "users:read.email"}
    client = WebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
    answer = client.auth_test()
    assert "channels:join" not in answer.headers["X-OAuth-Scopes"].split(",")
    public = fake.add_channel("general", bot_member=False)
    calls = [
        lambda: client.conversations_join(channel=public),
        lambda: client.conversations_create(name="mods", is_private=True),
        lambda: client.users_lookupByEmail(email="ada@example.org"),
    ]
    for call, needed in zip(
        calls, ["channels:join", "groups:write", "users:read.email"], strict=True
    ):
        with pytest.raises(SlackApiError) as refused:
            call()
        assert _error(refused) == "missing_scope"
        assert refused.value.response["needed"] == needed
    assert client.conversations_create(name="wins")["channel"]["name"] == "wins"
    assert fake.bot_user_id not in fake.channel_members(public)
