"""Templates and mrkdwn escaping: member text is data, never markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.core.templating import Mrkdwn, Templates, escape, mention


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("*bold* is fine", "*bold* is fine"),
    ],
)
def test_escape(text: str, escaped: str):
    assert escape(text) == escaped


def test_porch_built_mrkdwn_passes_through():
    assert escape(mention("U123ABC")) == "<@U123ABC>"
    with pytest.raises(ValueError):
        mention("<!channel>")


def test_a_manager_template_overrides_the_packaged_one(tmp_path: Path):
    (tmp_path / "command_denied.j2").write_text(
        "{% call msg.section() %}Ask {{ who }}.{% endcall %}"
    )
    message = Templates(override_dir=tmp_path).render("command_denied.j2", who="<!here>")
    assert message.blocks[0]["text"]["text"] == "Ask &lt;!here&gt;."
    assert Templates().render("command_help.j2").blocks


def test_notification_text_is_escaped_too():
    templates = Templates()
    message = templates.render(
        "warm_welcome_done.j2",
        member={"name": "<!everyone>", "mention": Mrkdwn("<@U1>")},
        manager=Mrkdwn("<@U2>"),
    )
    assert message.text == "Welcome sent to &lt;!everyone&gt;"
