"""A policy's outcomes (the self-check's answers) and how the clauses that apply decide among them:
its ``policy.toml``'s data, never the engine's.

A policy file declares::

    [outcomes.reprint]                 # any id; the ledger and the decision table use it
    title = "We will likely reprint your order"
    label = "Reprint"
    summary = "…"                      # for the customer
    staff = "…"                        # for support
    role = "positive"                  # the colour and icon: one of ROLES

    [effects]                          # what a clause does; a clause's effect is one of these
    reprint = "Calls for a reprint"

    [[decide]]                         # read in order: the first line whose `if` holds decides
    outcome = "reprint"
    if = { reprint = "some", not_covered = "none" }

    [[decide]]                         # the last line has no `if`: what is left
    outcome = "support_decides"

and marks one outcome with ``if_unsure = true``: the answer when an answer the customer left
unsure could change the outcome (the result then names those answers as missing).

A file written before outcomes were data (``[verdicts.<verdict>]`` sections, as the committed
history of the refund policy has them) is read as that form meant: its three verdicts with
their roles, decided by the rule every policy had then (:data:`LEGACY_DECIDE`).

Standard library only: this module runs in the visitor's browser too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Problem = Callable[[tuple[Any, ...], str], None]

# The roles an outcome may have: each a colour and an icon the stylesheets know
# (policy_site/shipping/assets/policy.css, widget.css: [data-role="…"]).
ROLES = {
    "positive": "green, with a tick: the policy likely gives what was asked for",
    "negative": "red, with a cross: the policy likely does not",
    "review": "amber, with a question mark: support looks at the case",
    "neutral": "grey, with an i: none of these",
}
OUTCOME_FIELDS = {
    "title": "the answer's heading",
    "label": "the answer in a few words, for tables",
    "summary": "what it means for the customer, and what to do",
    "staff": "the same for support staff",
}
# What a line of [[decide]] may ask of an effect.
SOME, NONE = "some", "none"

# How a file of the older form ([verdicts.*], [effects] supports and against) decides: the rule
# the engine had before outcomes were data. Its ids are that file's, not the engine's.
LEGACY_ROLES = {
    "likely_eligible": "positive",
    "likely_not_eligible": "negative",
    "needs_review": "review",
}
LEGACY_UNSURE = "needs_review"
LEGACY_DECIDE = (
    ("likely_eligible", (("supports", True), ("against", False))),
    ("likely_not_eligible", (("against", True), ("supports", False))),
    ("needs_review", ()),
)

_EXAMPLE_OUTCOME = (
    '[outcomes.<id>] with the lines title = "…", label = "…", summary = "…", staff = "…" and '
    'role = "positive" (or ' + ", ".join(f'"{role}"' for role in list(ROLES)[1:]) + ")"
)


@dataclass(frozen=True)
class Outcome:
    """One of the self-check's answers, in the policy file's words."""

    id: str
    title: str
    label: str
    summary: str
    staff: str
    role: str


@dataclass(frozen=True)
class DecideLine:
    """A line of ``[[decide]]``: its outcome, when each effect named applies (True: at least one
    clause with that effect applies; False: none does). No condition: it always holds."""

    outcome: str
    requires: tuple[tuple[str, bool], ...] = ()

    def holds(self, applied: frozenset[str]) -> bool:
        return all((effect in applied) is some for effect, some in self.requires)

    @property
    def text(self) -> str:
        conditions = " ".join(f"{e}={SOME if some else NONE}" for e, some in self.requires)
        return f"{self.outcome} if {conditions}" if conditions else f"{self.outcome} otherwise"


@dataclass(frozen=True)
class Decision:
    """A policy's outcomes, its clauses' effects, and how the effects that apply decide."""

    outcomes: Mapping[str, Outcome] = field(default_factory=dict)
    effects: Mapping[str, str] = field(default_factory=dict)  # effect -> its words
    lines: tuple[DecideLine, ...] = ()
    unsure: str = ""  # the outcome when an unsure answer could change it

    def outcome_of(self, effects: Iterable[str]) -> str:
        """The outcome that the effects of the clauses that apply give: the first line that
        holds (the reader makes sure one does)."""
        applied = frozenset(effects)
        return next(line.outcome for line in self.lines if line.holds(applied))

    def effect_role(self, effect: str) -> str:
        """The role of what a clause with ``effect`` gives when it is the only one that applies:
        how the page marks the clause (a clause that supports a refund, as the answer it
        leads to)."""
        return self.outcomes[self.outcome_of((effect,))].role

    def text(self) -> str:
        """Everything here that decides or that the ledger says, as text (the ledger's cache is
        keyed by it: policy_review/review.py)."""
        return "\n".join(
            [
                *(f"effect {effect} {words}" for effect, words in self.effects.items()),
                *(f"decide {line.text}" for line in self.lines),
                f"unsure {self.unsure}",
            ]
        )


def _close(name: str, names: Iterable[str]) -> str:
    from difflib import get_close_matches

    found = get_close_matches(name, list(names), n=1)
    return f" Did you mean {found[0]}?" if found else ""


def _plain(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def read_decision(
    data: Mapping[str, Any],
    effects: Mapping[str, str],
    problem: Problem,
    plain_problem: Callable[[str], str | None],
) -> Decision:
    """The file's outcomes (``[outcomes.*]``, or the older ``[verdicts.*]``) and its decision
    rule (``[[decide]]``), checked against its ``effects`` (already read). Each mistake goes to
    ``problem(path, message)``; ``plain_problem(text)`` says what is wrong with text that is not
    plain (None: nothing)."""
    if "outcomes" not in data and isinstance(data.get("verdicts"), dict):
        return _legacy(data, effects, problem, plain_problem)
    given = data.get("outcomes")
    if not isinstance(given, dict) or not given:
        problem(
            ("outcomes",),
            "the self-check's answers are missing; add a section for each, like "
            + _EXAMPLE_OUTCOME
            + " (EDITING.md, “The self-check's answers (outcomes) and how clauses decide”)",
        )
        return Decision(effects=effects)
    outcomes = _read_outcomes(given, ("outcomes",), problem, plain_problem)
    unsure = [
        oid
        for oid, entry in given.items()
        if isinstance(entry, dict) and entry.get("if_unsure") is True
    ]
    for oid, entry in given.items():
        if isinstance(entry, dict) and "if_unsure" in entry and entry["if_unsure"] is not True:
            problem(
                ("outcomes", oid, "if_unsure"),
                "if_unsure is true (without quotes) on the one answer an unsure answer that "
                "could change the result gives; leave the line out on the others",
            )
    if len(unsure) != 1:
        problem(
            # At the second one marked, or at the first answer (there is no [outcomes] line).
            ("outcomes", unsure[1]) if len(unsure) > 1 else ("outcomes", next(iter(given))),
            "one answer must be the one given when an answer the customer left unsure could "
            "change the result: write if_unsure = true under it"
            + (f" (it is written under {', '.join(unsure)}: keep one)" if len(unsure) > 1 else ""),
        )
    lines = _read_decide(data.get("decide"), outcomes, effects, problem)
    decided = {line.outcome for line in lines} | set(unsure[:1])
    for oid in outcomes:
        if oid not in decided:
            problem(
                ("outcomes", oid),
                f"the answer {oid} is never given: no line of [[decide]] names it, and it is not "
                "the answer when unsure (if_unsure = true). Add a [[decide]] line with "
                f'outcome = "{oid}", or remove the section',
            )
    return Decision(outcomes, effects, tuple(lines), unsure[0] if len(unsure) == 1 else "")


def _read_outcomes(
    given: Mapping[str, Any],
    at: tuple[str, ...],
    problem: Problem,
    plain_problem: Callable[[str], str | None],
    legacy_roles: Mapping[str, str] | None = None,
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    allowed = (*OUTCOME_FIELDS, "role", "if_unsure") if legacy_roles is None else (*OUTCOME_FIELDS,)
    for oid, entry in given.items():
        path = (*at, oid)
        heading = f"[{'.'.join(path)}]"
        if not isinstance(entry, dict):
            problem(path, f"{oid} must be a section of its own: " + _EXAMPLE_OUTCOME)
            continue
        if legacy_roles is None and not oid.replace("_", "").replace("-", "").isalnum():
            problem(path, f"{oid} is not a name an answer can have: use letters, digits and _")
        ok = True
        for key in entry:
            if key not in allowed:
                ok = False
                problem(
                    (*path, key),
                    f"{key} is not a line of {heading}.{_close(key, allowed)} The lines are: "
                    f"{', '.join(allowed)}",
                )
        words: dict[str, str] = {}
        for name, says in OUTCOME_FIELDS.items():
            value = _plain(entry.get(name))
            if value is None:
                ok = False
                problem(
                    (*path, name) if name in entry else path,
                    f'{heading} needs {name} = "{says}", in double quotes',
                )
            elif (wrong := plain_problem(value)) is not None:
                ok = False
                problem((*path, name), f"the line {name} of {heading} {wrong}")
            else:
                words[name] = value
        if legacy_roles is not None:
            role = legacy_roles.get(oid)
        else:
            role = entry.get("role")
            if role not in ROLES:
                ok = False
                problem(
                    (*path, "role") if "role" in entry else path,
                    (f"{role!r} is not a role." if "role" in entry else f"{heading} has no role.")
                    + " Write role = one of: "
                    + "; ".join(f'"{name}" ({means})' for name, means in ROLES.items()),
                )
        if ok and isinstance(role, str):
            outcomes[oid] = Outcome(id=oid, role=role, **words)
    return outcomes


def _read_decide(
    given: object,
    outcomes: Mapping[str, Outcome],
    effects: Mapping[str, str],
    problem: Problem,
) -> list[DecideLine]:
    example = (
        'a [[decide]] section per line, in order, each with outcome = "…" and, but for the last, '
        'if = { <effect> = "some" (or "none"), … }'
    )
    if not isinstance(given, list) or not given or not all(isinstance(e, dict) for e in given):
        problem(
            ("decide",),
            "the file does not say how the clauses that apply decide the answer; write " + example,
        )
        return []
    lines: list[DecideLine] = []
    fallback: int | None = None
    for index, entry in enumerate(given):
        path = ("decide", index)
        for key in entry:
            if key not in ("outcome", "if"):
                problem(
                    (*path, key),
                    f"{key} is not a part of a [[decide]] line; it has outcome and if",
                )
        outcome = entry.get("outcome")
        if not isinstance(outcome, str):
            problem(
                path, 'this [[decide]] line names no outcome; add outcome = "<an answer\'s id>"'
            )
            continue
        if outcome not in outcomes:
            problem(
                (*path, "outcome"),
                f"{outcome} is not one of the self-check's answers.{_close(outcome, outcomes)} "
                f"The answers are the [outcomes.…] sections: {', '.join(outcomes) or 'none yet'}",
            )
        if fallback is not None:
            problem(
                path,
                f"this [[decide]] line is never read: the line before it (line {fallback + 1} "
                "of [[decide]]) has no if, so it decides every case left. Move that line last",
            )
        condition = entry.get("if")
        if condition is None:
            fallback = index if fallback is None else fallback
            lines.append(DecideLine(outcome))
            continue
        if not isinstance(condition, dict) or not condition:
            problem((*path, "if"), 'if is a table of effects, like if = { supports = "some" }')
            continue
        requires: list[tuple[str, bool]] = []
        for effect, wanted in condition.items():
            if effect not in effects:
                problem(
                    (*path, "if"),
                    f"{effect} is not an effect.{_close(effect, effects)} The effects are the "
                    f"lines of [effects]: {', '.join(effects)}",
                )
            elif wanted not in (SOME, NONE):
                problem(
                    (*path, "if"),
                    f'{effect} = {wanted!r}: write "some" (a clause with that effect applies) '
                    'or "none" (none does)',
                )
            else:
                requires.append((effect, wanted == SOME))
        lines.append(DecideLine(outcome, tuple(requires)))
    if fallback is None:
        problem(
            ("decide", len(given) - 1),
            "the last [[decide]] line must have no if, so that every case gets an answer; add "
            'a last [[decide]] section with only outcome = "…" (the answer when no line before '
            "it holds)",
        )
    return lines


def _legacy(
    data: Mapping[str, Any],
    effects: Mapping[str, str],
    problem: Problem,
    plain_problem: Callable[[str], str | None],
) -> Decision:
    given: Mapping[str, Any] = data["verdicts"]
    for verdict in given:
        if verdict not in LEGACY_ROLES:
            problem(
                ("verdicts", verdict),
                f"{verdict} is not a verdict.{_close(verdict, LEGACY_ROLES)} The verdicts are: "
                f"{', '.join(LEGACY_ROLES)} (or declare the answers as [outcomes.<id>]: "
                "EDITING.md, “The self-check's answers (outcomes) and how clauses decide”)",
            )
    for verdict in LEGACY_ROLES:
        if verdict not in given:
            problem(
                ("verdicts",),
                f"the words of the answer {verdict} are missing; add [verdicts.{verdict}]",
            )
    outcomes = _read_outcomes(
        {k: v for k, v in given.items() if k in LEGACY_ROLES},
        ("verdicts",),
        problem,
        plain_problem,
        legacy_roles=LEGACY_ROLES,
    )
    return Decision(
        outcomes,
        effects,
        tuple(DecideLine(outcome, requires) for outcome, requires in LEGACY_DECIDE),
        LEGACY_UNSURE,
    )
