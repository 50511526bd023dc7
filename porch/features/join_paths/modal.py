"""The "Tell us about you" modal: built from the config's questions (a menu per question, a
multi-select one for `multi`, an optional free text), and read back from a submission.

The questions and their options are the config's words, so the blocks are built here rather
than in a template; the modal's own copy (its introduction) is templates/join_paths/modal.j2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from porch.core.interactions import MalformedPayload, ViewSubmission
from porch.features.join_paths.config import JoinPathsConfig
from porch.features.join_paths.ids import FREE_TEXT, QUESTION_PREFIX

FREE_TEXT_CHARS = 500


def _option(text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": text}


def question_blocks(
    section: JoinPathsConfig, *, answers: Mapping[str, Sequence[str]], free_text: str | None
) -> list[dict[str, Any]]:
    """One input block per question (with their earlier answers, when editing)."""
    blocks: list[dict[str, Any]] = []
    for question in section.questions or ():
        block_id = QUESTION_PREFIX + question.id
        given = [a for a in answers.get(question.id, ()) if a in question.options]
        element: dict[str, Any] = {
            "type": "multi_static_select" if question.kind == "multi" else "static_select",
            "action_id": block_id,
            "placeholder": {"type": "plain_text", "text": "Choose"},
            "options": [_option(o) for o in question.options],
        }
        if given and question.kind == "multi":
            element["initial_options"] = [_option(a) for a in given]
        elif given:
            element["initial_option"] = _option(given[0])
        blocks.append(
            {
                "type": "input",
                "block_id": block_id,
                "label": {"type": "plain_text", "text": question.text},
                "element": element,
                "optional": question.optional,
            }
        )
    if section.free_text:
        element = {
            "type": "plain_text_input",
            "action_id": FREE_TEXT,
            "multiline": True,
            "max_length": FREE_TEXT_CHARS,
        }
        if free_text:
            element["initial_value"] = free_text
        blocks.append(
            {
                "type": "input",
                "block_id": FREE_TEXT,
                "label": {"type": "plain_text", "text": section.free_text[:2000]},
                "element": element,
                "optional": True,
            }
        )
    return blocks


def read_answers(
    section: JoinPathsConfig, request: ViewSubmission
) -> tuple[dict[str, list[str]], str | None, dict[str, str]]:
    """The answers a submission gives (question id -> answers), its free text, and the errors
    to show under inputs (a required question left empty, an answer no longer offered)."""
    values = request.view.get("state", {}).get("values", {})
    if not isinstance(values, Mapping):
        raise MalformedPayload("view.state.values must be an object")
    answers: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for question in section.questions or ():
        block_id = QUESTION_PREFIX + question.id
        state = (
            values.get(block_id, {}).get(block_id, {})
            if isinstance(values.get(block_id), Mapping)
            else {}
        )
        chosen = _chosen(state)
        unknown = [c for c in chosen if c not in question.options]
        if unknown:
            errors[block_id] = "That answer is no longer offered: choose again."
        elif not chosen and not question.optional:
            errors[block_id] = "Choose an answer (or close this and skip the questions)."
        elif len(chosen) > 1 and question.kind == "single":
            raise MalformedPayload(f"{block_id} allows one answer")
        if chosen and not unknown:
            answers[question.id] = chosen
    free = request.text(FREE_TEXT).strip() if section.free_text else ""
    return answers, free[:FREE_TEXT_CHARS] or None, errors


def _chosen(state: Any) -> list[str]:
    if not isinstance(state, Mapping):
        raise MalformedPayload("a question's state must be an object")
    options = state.get("selected_options")
    if options is None and state.get("selected_option") is not None:
        options = [state["selected_option"]]
    if options is None:
        return []
    if not isinstance(options, list):
        raise MalformedPayload("selected_options must be a list")
    chosen = []
    for option in options:
        value = option.get("value") if isinstance(option, Mapping) else None
        if not isinstance(value, str):
            raise MalformedPayload("an option's value must be text")
        if value not in chosen:
            chosen.append(value.replace("\x00", ""))
    return chosen
