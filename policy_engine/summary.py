"""The layout and words of a policy's table of usual outcomes (``/// decision-summary`` on its page,
for readers without JavaScript), as its ``policy.toml`` declares them in ``[summary]``::

    [summary]
    rows = "reason"                    # a question with options: a row for each
    columns = "credits_used"           # a question with options: a column for each ("unsure" out)
    same_for = "purchase_type"         # optional: a question the answer must not depend on
    split_by = "first_purchase"        # optional: a yes/no question that splits a row it changes
    split_words = { true = "first purchase", false = "not the first purchase" }
    window = "refund_window_days"      # a value compared with the days: a table inside, one after
    inside = "Asked within {days} days of purchase"
    after = "Asked more than {days} days after purchase"
    intro = "…"                        # the paragraph above the tables
    rows_heading = "Reason"            # the rows' column heading
    also = "These also usually count against a refund, whatever the reason:"
    closing = "…"                      # the paragraph under the list

Every other answer is its question's default. The engine names no question here: a policy without
``[summary]`` has no table (its page's self-check then points at its rules). Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Problem = Callable[[tuple[Any, ...], str], None]

QUESTION_PARTS = {
    "rows": "the question whose options are the rows",
    "columns": "the question whose options are the columns",
}
OPTIONAL_QUESTION_PARTS = {
    "same_for": "a question the answers must not depend on",
    "split_by": "a yes/no question that splits a row whose answer it changes",
}
WORDS = {
    "window": "the value the days are compared with (a table inside it, one after)",
    "inside": "the caption of the table inside the window, with {days}",
    "after": "the caption of the table after it, with {days}",
    "intro": "the paragraph above the tables",
    "rows_heading": "the heading of the rows' column",
    "also": "the line above the clauses against that the tables cannot show",
    "closing": "the paragraph under that list",
}


@dataclass(frozen=True)
class SummaryLayout:
    """What ``[summary]`` says (empty: the policy has no table of usual outcomes)."""

    rows: str = ""
    columns: str = ""
    same_for: str = ""
    split_by: str = ""
    split_words: Mapping[bool, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(q for q in (self.rows, self.columns, self.same_for, self.split_by) if q)


def read_summary(
    given: object, problem: Problem, plain_problem: Callable[[str], str | None]
) -> SummaryLayout:
    """``[summary]`` read and checked for its own form (its questions and value are checked
    against the versions by :func:`check_summary`)."""
    if given is None:
        return SummaryLayout()
    at = ("summary",)
    if not isinstance(given, dict):
        problem(at, "summary is a section, [summary], with the lines " + ", ".join(_all_parts()))
        return SummaryLayout()
    ok = True
    for key in given:
        if key not in _all_parts():
            ok = False
            problem(
                (*at, key),
                f"{key} is not a line of [summary]; its lines are: {', '.join(_all_parts())}",
            )
    texts: dict[str, str] = {}
    for name, says in {**QUESTION_PARTS, **WORDS}.items():
        value = given.get(name)
        if not isinstance(value, str) or not value.strip():
            ok = False
            problem((*at, name) if name in given else at, f'[summary] needs {name} = "…": {says}')
        elif (wrong := plain_problem(value)) is not None:
            ok = False
            problem((*at, name), f"the line {name} of [summary] {wrong}")
        else:
            texts[name] = value
    for name in OPTIONAL_QUESTION_PARTS:
        value = given.get(name)
        if value is not None and not isinstance(value, str):
            ok = False
            problem((*at, name), f'{name} names a question, in double quotes: {name} = "…"')
    split_words: dict[bool, str] = {}
    if "split_by" in given:
        words = given.get("split_words")
        if not (
            isinstance(words, dict)
            and all(isinstance(words.get(k), str) for k in ("true", "false"))
        ):
            ok = False
            problem(
                (*at, "split_words") if "split_words" in given else (*at, "split_by"),
                'a row split by a yes/no answer needs its words: split_words = { true = "…", '
                'false = "…" }',
            )
        else:
            split_words = {True: words["true"], False: words["false"]}
    if not ok:
        return SummaryLayout()
    return SummaryLayout(
        rows=texts["rows"],
        columns=texts["columns"],
        same_for=str(given.get("same_for", "")),
        split_by=str(given.get("split_by", "")),
        split_words=split_words,
        words={name: texts[name] for name in WORDS},
    )


def check_summary(
    layout: SummaryLayout,
    questions: Mapping[str, Any],
    values: Sequence[str],
    problem: Problem,
) -> None:
    """Each question ``[summary]`` names is one with options that a version asks (``questions``:
    by field), and its window is one of the policy's ``values``."""
    if not layout:
        return
    for part in ("rows", "columns", "same_for", "split_by"):
        name = getattr(layout, part)
        if not name:
            continue
        question = questions.get(name)
        if question is None or not question.options:
            problem(
                ("summary", part),
                f"{part} = {name!r} is not a question with options of this policy; name one of: "
                + ", ".join(field for field, q in questions.items() if q.options),
            )
    if layout.words.get("window") not in values:
        problem(
            ("summary", "window"),
            f"window = {layout.words.get('window')!r} is not a value of this policy; name the "
            "value the days are compared with, one of: " + ", ".join(values),
        )


def _all_parts() -> tuple[str, ...]:
    return (*QUESTION_PARTS, *OPTIONAL_QUESTION_PARTS, "split_words", *WORDS)
