"""The demo's showcase: Ana tags a post #showcase and gets a private suggestion; she submits it
with /porch share, ticking the permission box; Sam approves it in the review channel, it is
posted once with credit, and the site built at the end of the demo shows it."""

from __future__ import annotations

from typing import Any

from porch.features.showcase.ids import Action, Input

Demo = Any  # porch.sandbox.demo.Demo, which features do not import
ANA = "U0ANA00001"
LINK = "https://ana.example.org/pricing-teardown"


def showcase(box: Demo) -> None:
    # The sandbox's payload builders, only when the demo plays (they need `requests`).
    from porch.sandbox import slack_requests as slack

    config, workspace = box.config, box.workspace
    if not config.showcase.enabled:
        return
    wins = config.channels.wins
    tag = config.showcase.hashtags[0] if config.showcase.hashtags else ""
    workspace.fake.add_member(workspace.fake.channel_id(wins), ANA)
    box.say(ANA, wins, f"Wrote up how I rebuilt my pricing page: {LINK} {tag}".strip())
    if tag:
        box.narrate(f"{tag} in her post: Porch privately suggests (once) that she submit it.")
    box.narrate("Ana submits it with /porch share, and ticks the permission box.")
    workspace.command(ANA, f"share {LINK}")
    view = workspace.fake.opened_views()[-1]["view"]

    def text(value: str) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": value}

    workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=ANA,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            values={
                Input.SHOWCASE_TITLE.value: {Input.SHOWCASE_TITLE.value: text("Pricing teardown")},
                Input.SHOWCASE_LINK.value: {Input.SHOWCASE_LINK.value: text(LINK)},
                Input.SHOWCASE_DESCRIPTION.value: {
                    Input.SHOWCASE_DESCRIPTION.value: text(
                        "Three pricing pages, what each one did to sign-ups, and the one I kept."
                    )
                },
                Input.SHOWCASE_CONSENT.value: {
                    Input.SHOWCASE_CONSENT.value: {
                        "type": "checkboxes",
                        "selected_options": [{"value": "yes"}],
                    }
                },
            },
        )
    )
    box.settle()
    review = workspace.fake.channel_id(config.channels.showcase)
    [card] = [
        m
        for m in workspace.fake.messages(review)
        if m["user"] == workspace.fake.bot_user_id and "Pricing teardown" in str(m["blocks"])
    ]
    box.narrate(f"In #{config.channels.showcase}, Sam approves the submission (and double-clicks).")
    for _ in range(2):
        workspace.click_message(
            workspace.manager,
            Action.SHOWCASE_APPROVE,
            channel=config.channels.showcase,
            ts=card["ts"],
            value=_entry_of(card),
        )
    box.settle()
    box.narrate(
        "Posted once, with credit; the site built at the end shows it on its Showcase page."
    )


def _entry_of(card: dict[str, Any]) -> str:
    return next(
        e["value"]
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.SHOWCASE_APPROVE
    )


SCENES = {"showcase": showcase}
