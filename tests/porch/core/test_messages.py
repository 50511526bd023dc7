"""Templates and mrkdwn escaping: member text is data, never markup."""

from __future__ import annotations

import re
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
    (tmp_path / "managers_only.j2").write_text(
        "{% call msg.section() %}Ask {{ who }}.{% endcall %}"
    )
    message = Templates(override_dir=tmp_path).render("managers_only.j2", who="<!here>")
    assert message.blocks[0]["text"]["text"] == "Ask &lt;!here&gt;."
    assert Templates().render("command_help.j2").blocks


def test_notification_text_is_escaped_too():
    templates = Templates()
    message = templates.render(
        "onboarding/warm_welcome_done.j2",
        member={"name": "<!everyone>", "mention": Mrkdwn("<@U1>")},
        manager=Mrkdwn("<@U2>"),
    )
    assert message.text == "Welcome sent to &lt;!everyone&gt;"


def test_every_opt_out_button_carries_one_label():
    """They all do the same thing (stop follow-ups), so a member should read the same words."""
    from porch.core.templating import PACKAGED_TEMPLATES
    from porch.features.onboarding.demo import OPT_OUT_LABEL

    button = re.compile(r'msg\.button\("([^"]+)",\s*action_id=ids\.OPT_OUT\b')
    labels = {
        path.name: button.findall(path.read_text(encoding="utf-8"))
        for path in PACKAGED_TEMPLATES.rglob("*.j2")
    }
    found = {label for names in labels.values() for label in names}
    assert sum(len(names) for names in labels.values()) >= 3
    assert found == {OPT_OUT_LABEL}
