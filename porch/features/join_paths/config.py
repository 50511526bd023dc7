"""community.yml's `join_paths` section: the questions a newcomer may answer ("Tell us about
you") and the paths their answers send them down. Off while `questions` is left out.

A path's `when` names answers by their text; one that is not an option of the question it names
is an error at its line (a typo would otherwise put nobody on the path, silently).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from porch.core.config import ChannelName, Strict, Text

# The questions' options while a join_paths section is being validated, so a path's `when` is
# checked against them at its own line (pydantic validates `questions` before `paths`, but a
# path's validator cannot see its parent).
_OPTIONS: contextvars.ContextVar[dict[str, list[str]] | None] = contextvars.ContextVar(
    "join_paths_options", default=None
)


def _slug(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,39}", text):
        return text
    raise ValueError(
        f"must be a short id of lowercase letters, digits, - and _, e.g. role, not {value!r}"
    )


def _option(value: object) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise ValueError('must be an answer in words, e.g. "Engineer"')
    if len(text) > 75:
        raise ValueError(f"at most 75 characters (Slack's limit for a menu option): {text[:40]!r}…")
    return text


Slug = Annotated[str, BeforeValidator(_slug)]
Option = Annotated[str, BeforeValidator(_option)]


class JoinQuestion(Strict):
    id: Slug
    text: Text
    # single: one answer (a menu); multi: any number (a multi-select menu).
    kind: Literal["single", "multi"] = "single"
    options: list[Option] = Field(min_length=1, max_length=100)
    optional: bool = False

    @field_validator("text")
    @classmethod
    def _short_enough(cls, value: str) -> str:
        if len(value) > 150:
            raise ValueError("at most 150 characters (Slack's limit for a question's label)")
        return value

    @field_validator("options")
    @classmethod
    def _no_duplicates(cls, options: list[str]) -> list[str]:
        seen: set[str] = set()
        for option in options:
            if option.casefold() in seen:
                raise ValueError(f"{option!r} is listed twice")
            seen.add(option.casefold())
        return options


class JoinPath(Strict):
    id: Slug
    # question id -> answers: a member who gave any of them is on the path.
    when: dict[str, list[Option]] = Field(min_length=1)
    # Shown beside their mention in the introductions thread, and what buddies match on.
    interest: Text | None = None
    paragraph: Text | None = None
    channels: list[ChannelName] = Field(default=[], max_length=5)
    checklist: list[Text] = Field(default=[], max_length=10)

    @field_validator("when")
    @classmethod
    def _known_answers(cls, when: dict[str, list[str]]) -> dict[str, list[str]]:
        options = _OPTIONS.get()
        if options is None:
            return when
        for question, answers in when.items():
            if question not in options:
                known = ", ".join(options) or "none"
                raise ValueError(
                    f"names the question {question!r}, which is not one (ids: {known})"
                )
            for answer in answers:
                if answer not in options[question]:
                    raise ValueError(
                        f"names the answer {answer!r}, which is not an option of {question!r} "
                        f"(its options: {', '.join(options[question])})"
                    )
        return when


class JoinPathsConfig(Strict):
    """Join questions and paths. Leave `questions` out to turn them off."""

    questions: list[JoinQuestion] | None = None
    # The label of an optional free-text answer ("Anything else?"); none when left out.
    free_text: Text | None = None
    paths: list[JoinPath] = Field(default=[], max_length=30)

    @model_validator(mode="wrap")
    @classmethod
    def _paths_see_the_options(cls, data: Any, handler: Any) -> Any:
        token = _OPTIONS.set(dict(_raw_options(data)))
        try:
            return handler(data)
        finally:
            _OPTIONS.reset(token)

    @field_validator("questions")
    @classmethod
    def _not_empty(cls, questions: list[JoinQuestion] | None) -> list[JoinQuestion] | None:
        if questions is not None and not questions:
            raise ValueError(
                "the question list is empty: add at least one question, or leave out "
                "join_paths.questions to turn the join questions off"
            )
        if questions:
            ids = [q.id for q in questions]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"question ids must differ: {', '.join(twice)} is used twice")
        return questions

    @model_validator(mode="after")
    def _paths_need_questions(self) -> JoinPathsConfig:
        if self.paths and not self.questions:
            raise ValueError("paths need questions: add join_paths.questions")
        ids = [p.id for p in self.paths]
        if len(ids) != len(set(ids)):
            raise ValueError("path ids must differ")
        return self

    @property
    def on(self) -> bool:
        return bool(self.questions)

    def channel_names(self) -> list[str]:
        """The paths' channels: Porch resolves and joins them like the core ones (it invites
        a member from inside the channel)."""
        return sorted({name for path in self.paths for name in path.channels})

    def summary_line(self) -> str:
        if not self.on:
            return "  join questions: off"
        count = len(self.paths)
        return f"  join questions: {len(self.questions or [])}, {count} path{'s' * (count != 1)}"

    def paths_for(self, answers: dict[str, list[str]]) -> list[JoinPath]:
        """The paths a member's answers put them on, in the config's order."""
        return [
            path for path in self.paths if any(_gave(answers, q, a) for q, a in path.when.items())
        ]


def _gave(answers: dict[str, list[str]], question: str, wanted: list[str]) -> bool:
    return bool(set(answers.get(question, ())) & set(wanted))


def _raw_options(data: Any) -> Iterator[tuple[str, list[str]]]:
    """The options each question lists, read from the unvalidated section (best effort: a
    malformed question is reported by its own validators)."""
    questions = data.get("questions") if isinstance(data, dict) else None
    for question in questions if isinstance(questions, list) else ():
        if not isinstance(question, dict) or not isinstance(question.get("id"), str):
            continue
        options = question.get("options")
        texts = (
            [" ".join(o.split()) for o in options if isinstance(o, str)]
            if isinstance(options, list)
            else []
        )
        yield question["id"].strip(), texts
