"""A version's rules, as its ``policy.toml`` declares them: its questions, its clauses and when each
of its notes, warnings, alternatives and refund timings applies.

Each ``[[versions]]`` table may give::

    [versions.questions.bought_from]
    question = "Where did you buy it?"
    options = { imgtostl = "On imgtostl.com", reseller = "Through a reseller", unsure = "Not sure" }
    when_missing = "Select where you bought it, or “Not sure”."

    [versions.clauses.reseller-purchase]
    effect = "against"
    text = "The request concerns a purchase made through a reseller"
    when = { bought_from = "reseller" }

    [versions.notes.late-but-can-write]
    when = { days_since_purchase = { more_than = "refund_window_days" } }
    quote = "…"

The first version gives everything; a later one gives only what it changes, and inherits the rest,
key by key: a clause given as ``id = "words"`` changes its words only, a note without ``when``
keeps the version before's. Conditions are :mod:`policy_engine.conditions`'. The words are read
by :mod:`policy_engine.texts`; this module reads what is asked and when things apply.

Standard library only: this module runs in the visitor's browser too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from policy_engine import conditions
from policy_engine.conditions import Condition
from policy_engine.model import UNSURE
from policy_engine.questions import YES_NO, Asker, Kind, Option, Question
from policy_engine.spans import Dates, check_fields

# A clause's test: (the policy's answers, the version of its values) -> whether it applies.
Predicate = Callable[[Any, Any], bool]
Problem = Callable[[tuple[Any, ...], str], None]


@dataclass(frozen=True, eq=False)  # each rule is one object: compared by identity
class Rule:
    """A clause of the policy: its id (the bullet's anchor), its effect and when it applies."""

    clause_id: str
    effect: str  # one of the effects its file's [effects] declares
    applies: Predicate
    condition: Condition | None = None


# The kinds of outcome a version says when they apply, by their section in policy.toml.
OUTCOME_SECTIONS = ("notes", "warnings", "alternatives", "refund-timing")


@dataclass(frozen=True, eq=False)
class VersionRules:
    """What one version asks and how it decides, read from its table (with what it inherits)."""

    # Every question the version asks or reads, in the order they are written.
    questions: tuple[Question, ...] = ()
    clauses: tuple[Rule, ...] = ()
    # Each note that applies when its condition holds, in the order they are written (a note
    # whose words are a warning's is one of them: it says when its warning applies).
    notes: tuple[tuple[str, Condition], ...] = ()
    # The warnings, in the order shown: ("note", id) where the note of that id applies, or
    # ("clause", id) where that clause applies.
    warnings: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[tuple[str, Condition], ...] = ()
    refund_timing: tuple[tuple[str, Condition], ...] = ()
    # slot -> (field, "label" | "words"): the answers the email's lines may name.
    email_slots: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # The file's dates: which one picks the version, and the spans conditions read.
    dates: Dates = field(default_factory=Dates)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(question.field for question in self.questions)

    def text(self) -> str:
        """Everything here that decides, as text (the ledger's cache is keyed by it)."""
        lines = [f"question {q!r}" for q in self.questions]
        lines += [
            f"clause {r.clause_id} {r.effect} {r.condition and r.condition.text}"
            for r in self.clauses
        ]
        lines += [f"note {i} {c.text}" for i, c in self.notes]
        lines += [f"warning {kind} {i}" for kind, i in self.warnings]
        lines += [f"alternative {i} {c.text}" for i, c in self.alternatives]
        lines += [f"refund-timing {i} {c.text}" for i, c in self.refund_timing]
        lines += [f"slot {s} {how}" for s, how in self.email_slots.items()]
        return "\n".join(lines)


# Questions -------------------------------------------------------------------------------------

QUESTION_KEYS = (
    "question",
    "kind",
    "options",
    "about",
    "hint",
    "when_missing",
    "default",
    "shown_when",
    "asker",
    "support_says",
    "support_checks",
    "email_slot",
    "email_shows",
)
_YES_NO_VALUES = ("true", "false", "unsure")
_EXAMPLE_QUESTION = (
    '[versions.questions.bought_from] with the lines question = "Where did you buy it?" and '
    'options = { imgtostl = "On imgtostl.com", reseller = "Through a reseller" }'
)


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _default_text(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _text(value)


class _QuestionReader:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def read(
        self, name: str, given: Mapping[str, Any], path: tuple[Any, ...], before: Mapping[str, Any]
    ) -> tuple[dict[str, Any], Question] | None:
        merged = {**before, **given}
        fine = True
        for key in given:
            if key not in QUESTION_KEYS:
                from policy_engine.policy import closest

                close = closest(key, QUESTION_KEYS)
                hint = f" Did you mean {close}?" if close else ""
                self.problem(
                    (*path, key),
                    f"{key} is not a part of a question.{hint} A question "
                    f"has {', '.join(QUESTION_KEYS)}",
                )
                fine = False
        label = _text(merged.get("question"))
        if label is None:
            self.problem(
                path,
                f'the question {name} has no words; add a line question = "…" '
                "under it, in the customer's words",
            )
            return None
        kind = self.kind(name, merged, path)
        if kind is None:
            return None
        options = self.options(name, kind, merged.get("options"), (*path, "options"))
        if options is None:
            return None
        texts = {}
        for key in ("about", "hint", "when_missing", "support_checks"):
            if key in merged:
                text = _text(merged[key])
                if text is None or "<" in text or ">" in text:
                    self.problem(
                        (*path, key),
                        f"{key} of the question {name} must be plain text in double quotes",
                    )
                    fine = False
                else:
                    texts[key] = text
        asker = merged.get("asker", "customer")
        if asker not in [a.value for a in Asker]:
            self.problem(
                (*path, "asker"),
                f"asker must be one of {', '.join(a.value for a in Asker)}; it is {asker!r}",
            )
            return None
        default = None
        if "default" in merged:
            default = _default_text(merged["default"])
            if default is None:
                self.problem(
                    (*path, "default"),
                    f"the default of {name} must be one of its "
                    'answers, like default = false or default = "unsure"',
                )
                fine = False
        shown_when: list[tuple[str, tuple[str, ...]]] = []
        raw_shown = merged.get("shown_when", {})
        if not isinstance(raw_shown, dict):
            self.problem(
                (*path, "shown_when"),
                "shown_when must be a table like shown_when = "
                '{ credits_used = ["some", "substantial"] }',
            )
            fine = False
        else:
            for other, values in raw_shown.items():
                listed = values if isinstance(values, list) else [values]
                texts_listed = [_default_text(v) for v in listed]
                if any(t is None for t in texts_listed) or not texts_listed:
                    self.problem(
                        (*path, "shown_when", other),
                        f"shown_when's {other} must name "
                        'answers of that question, like ["some", "substantial"]',
                    )
                    fine = False
                    continue
                shown_when.append((other, tuple(t for t in texts_listed if t is not None)))
        support_says: list[tuple[str, str]] = []
        raw_says = merged.get("support_says", {})
        if isinstance(raw_says, dict):
            for value, words in raw_says.items():
                text = _text(words)
                if text is None:
                    self.problem(
                        (*path, "support_says", value),
                        "each line of support_says is text in double quotes",
                    )
                    fine = False
                else:
                    support_says.append((value, text))
        shows = merged.get("email_shows", "label")
        if shows not in ("label", "words"):
            self.problem(
                (*path, "email_shows"),
                'email_shows is "label" (the option\'s words) or "words" (its value, with spaces)',
            )
            fine = False
        if not fine:
            return None
        question = Question(
            name,
            label,
            kind,
            about=texts.get("about", f"your answer to “{label}”"),
            hint=texts.get("hint", ""),
            options=options,
            default=default,
            shown_when=tuple(shown_when),
            asker=Asker(asker),
            when_missing=texts.get("when_missing", ""),
            support_says=tuple(support_says),
            support_checks=texts.get("support_checks", ""),
        )
        if default is not None:
            try:
                question.default_answer(__import__("datetime").date.min)
            except ValueError:
                self.problem(
                    (*path, "default"),
                    f"the default {default!r} of {name} is not one of its answers",
                )
                return None
        return merged, question

    def kind(self, name: str, merged: Mapping[str, Any], path: tuple[Any, ...]) -> Kind | None:
        written = merged.get("kind")
        if written is not None:
            if written not in [k.value for k in Kind]:
                self.problem(
                    (*path, "kind"),
                    f"kind must be one of {', '.join(k.value for k in Kind)}"
                    f" (or leave it out for a question with options); it is {written!r}",
                )
                return None
            return Kind(written)
        options = merged.get("options")
        if isinstance(options, dict) and options:
            keys = set(options)
            if {"true", "false"} <= keys <= set(_YES_NO_VALUES):
                return Kind.YES_NO
            return Kind.CHOICE
        self.problem(
            path,
            f'the question {name} needs options, or a line kind = "date" '
            '(or "count"); for example ' + _EXAMPLE_QUESTION,
        )
        return None

    def options(
        self, name: str, kind: Kind, given: object, path: tuple[Any, ...]
    ) -> tuple[Option, ...] | None:
        if kind in (Kind.DATE, Kind.COUNT):
            if given is not None:
                self.problem(path, f"a {kind.value} question has no options; remove this line")
                return None
            return ()
        if kind is Kind.YES_NO and given is None:
            return YES_NO
        if not isinstance(given, dict) or not given:
            self.problem(
                path,
                f'the options of {name} must be a table of value = "words", like '
                'options = { imgtostl = "On imgtostl.com", unsure = "Not sure" }',
            )
            return None
        out = []
        for value, label in given.items():
            text = _text(label)
            if text is None or "<" in text or ">" in text:
                self.problem(
                    (*path, value),
                    f"the option {value} of {name} needs its words in double quotes (plain text)",
                )
                return None
            if kind is Kind.YES_NO:
                answer: object = UNSURE if value == "unsure" else value == "true"
            else:
                answer = value
            out.append(Option(value, text, answer))
        return tuple(out)


def _check_shown_when(
    questions: Mapping[str, Question], path_of: Callable[[str], tuple[Any, ...]], problem: Problem
) -> None:
    for question in questions.values():
        for other, values in question.shown_when:
            target = questions.get(other)
            if target is None:
                problem(
                    (*path_of(question.field), "shown_when"),
                    f"shown_when of "
                    f"{question.field} names {other}, which is not a question of this version",
                )
                continue
            known = {option.value for option in target.options}
            wrong = [v for v in values if known and v not in known]
            if wrong:
                problem(
                    (*path_of(question.field), "shown_when"),
                    f"shown_when of "
                    f"{question.field}: {wrong[0]!r} is not an answer to {other} (its answers "
                    f"are {', '.join(sorted(known))})",
                )


# The whole version -----------------------------------------------------------------------------


@dataclass
class Written:
    """What the versions so far have written, as carried over (key by key)."""

    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    question_paths: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    clauses: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {section: {} for section in OUTCOME_SECTIONS}
    )
    # Where each outcome's `when` was written, for messages.
    paths: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    # The email's slots so far (kept even when a version has a mistake: the email's lines are
    # still checked against them).
    slots: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The named Python predicates declared so far ([versions.predicates]).
    predicates: dict[str, Callable[[Any, Any], bool]] = field(default_factory=dict)


def read_version_rules(
    table: Mapping[str, Any],
    at: tuple[Any, ...],
    written: Written,
    first: bool,
    values: Mapping[str, str],
    problem: Problem,
    effects: Mapping[str, str],
    dates: Dates | None = None,
) -> VersionRules | None:
    """One version's rules (what it gives over what it inherits in ``written``, which is updated).
    ``values``: the policy's values a condition may name, by name and kind; ``effects``: the
    effects a clause may have (the file's [effects]; empty when that section is wrong, which is
    reported there); ``dates``: the file's version date and spans. None after a problem (each
    reported with its path)."""
    declared = tuple(effects)
    effect_example = " or ".join(f'"{effect}"' for effect in declared[:2]) or '"…"'
    dates = dates or Dates()
    spans = dates.by_name
    failed = False

    def fail(path: tuple[Any, ...], message: str) -> None:
        nonlocal failed
        failed = True
        problem(path, message)

    reader = _QuestionReader(fail)
    given_questions = table.get("questions", {})
    if not isinstance(given_questions, dict):
        fail(
            (*at, "questions"),
            "questions must be sections, one per question, like " + _EXAMPLE_QUESTION,
        )
        given_questions = {}
    questions: dict[str, Question] = {}
    for name in {**written.questions, **given_questions}:
        path = (*at, "questions", name) if name in given_questions else written.question_paths[name]
        if name in given_questions and not isinstance(given_questions[name], dict):
            fail(
                path,
                f"the question {name} must be a section [versions.questions.{name}] with "
                "its lines under it",
            )
            continue
        before = written.questions.get(name, {})
        read = reader.read(name, given_questions.get(name, {}), path, before)
        if read is None:
            continue
        written.questions[name], questions[name] = read
        if name in given_questions:
            written.question_paths[name] = path
    if (first or given_questions) and not failed:
        # The request date, the date that picks the version and each span's two dates.
        check_fields(
            dates,
            {name: question.kind is Kind.DATE for name, question in questions.items()},
            (*at, "questions"),
            fail,
        )
    _check_shown_when(
        questions, lambda f: written.question_paths.get(f, (*at, "questions", f)), fail
    )

    # Named Python predicates, for a condition the data form cannot express (the refund policy
    # has none): name = "module:function", carried over like the rest.
    given_predicates = table.get("predicates", {})
    if not isinstance(given_predicates, dict):
        fail(
            (*at, "predicates"),
            "predicates must be a section [versions.predicates] with lines "
            'name = "module:function"',
        )
        given_predicates = {}
    for name, target in given_predicates.items():
        function = _load(target)
        if function is None:
            fail(
                (*at, "predicates", name),
                f"the predicate {name} must name a function as "
                f'"module:function" that Python can import (the policy\'s own package); it is '
                f"{target!r}",
            )
        else:
            written.predicates[name] = function

    def condition(entry: Mapping[str, Any], path: tuple[Any, ...]) -> Condition | None:
        return conditions.parse(
            entry["when"], (*path, "when"), questions, values, fail, written.predicates, spans
        )

    # Clauses: id = "words" (words only), or a section with effect, text and when.
    given_clauses = table.get("clauses", {})
    if not isinstance(given_clauses, dict):
        given_clauses = {}  # the texts' reader says what is wrong
    rules: list[Rule] = []
    for clause_id, entry in given_clauses.items():
        before = written.clauses.get(clause_id, {})
        if isinstance(entry, str):
            written.clauses[clause_id] = {**before, "text": entry, "path": before.get("path")}
            if "effect" not in before:
                from policy_engine.policy import closest

                close = closest(clause_id, [c for c in written.clauses if c != clause_id])
                hint = f" Did you mean {close}?" if close else ""
                fail(
                    (*at, "clauses", clause_id),
                    f"{clause_id} is not a clause of the self-check.{hint} A new clause needs a "
                    f"section [versions.clauses.{clause_id}] with effect = {effect_example}, "
                    'text = "its words" and when = { … } (EDITING.md, “Adding a clause”)',
                )
        elif isinstance(entry, dict):
            path = (*at, "clauses", clause_id)
            for key in entry:
                if key not in ("effect", "text", "when"):
                    fail(
                        (*path, key),
                        f"{key} is not a part of a clause; a clause has effect, text and when",
                    )
            merged = {**before, **entry, "path": path if "when" in entry else before.get("path")}
            for needed in ("effect", "text", "when"):
                if needed not in merged:
                    fail(
                        path,
                        f"the clause {clause_id} has no {needed}; add a line "
                        + {
                            "effect": f"effect = {effect_example} (an effect of [effects])",
                            "text": 'text = "its words, as on the policy page"',
                            "when": "when = { … } (EDITING.md, “When a clause applies”)",
                        }[needed],
                    )
            if declared and merged.get("effect") not in (None, *declared):
                fail(
                    (*path, "effect"),
                    f"{merged.get('effect')!r} is not an effect of [effects]; a clause's effect "
                    "is one of: "
                    + "; ".join(
                        f'"{effect}" ({words.lower()})' for effect, words in effects.items()
                    ),
                )
            if before and "effect" in entry and entry["effect"] != before.get("effect"):
                fail(
                    (*path, "effect"),
                    f"the clause {clause_id} has the effect {before.get('effect')} in the versions "
                    "before; a clause keeps its effect. Give the new rule a clause of its own, "
                    "with its own name",
                )
            written.clauses[clause_id] = merged
    for clause_id, entry in written.clauses.items():
        if "when" not in entry or entry.get("effect") not in declared:
            continue
        made = condition(entry, entry.get("path") or (*at, "clauses", clause_id))
        if made is not None:
            rules.append(Rule(clause_id, str(entry["effect"]), made.holds, made))

    # Outcomes: each a section whose `when` says when it applies (its words: texts.py). A warning
    # either names its clause (it warns where that clause applies) or is a note's: the note of its
    # name says when (a [versions.notes.<name>] with a `when` and no words of its own).
    chosen: dict[str, list[tuple[str, Condition]]] = {}
    warnings: list[tuple[str, str]] = []
    for section in OUTCOME_SECTIONS:
        given = table.get(section, {})
        if not isinstance(given, dict):
            given = {}  # the texts' reader says what is wrong
        for text_id, entry in given.items():
            if not isinstance(entry, dict):
                continue
            before = written.outcomes[section].get(text_id, {})
            kept = {k: v for k, v in entry.items() if k in ("when", "clause")}
            merged = {**before, **kept}
            if "when" in entry:
                written.paths[(section, text_id)] = (*at, section, text_id)
            written.outcomes[section][text_id] = merged
        chosen[section] = []
        for text_id, entry in written.outcomes[section].items():
            path = written.paths.get((section, text_id), (*at, section, text_id))
            if section == "warnings":
                if "when" in entry:
                    fail(
                        (*path, "when"),
                        f"a warning says when it applies through its clause or "
                        f"its note: move this when to [versions.notes.{text_id}] (a note of the "
                        "same name, with no words of its own), or name its clause with "
                        'clause = "…"',
                    )
                elif "clause" in entry:
                    warnings.append(("clause", str(entry["clause"])))
                elif text_id in written.outcomes["notes"]:
                    warnings.append(("note", text_id))
                else:
                    fail(
                        path,
                        f"the warning {text_id} does not say when it applies: name its "
                        f'clause (clause = "…"), or add [versions.notes.{text_id}] with its '
                        "when = { … }",
                    )
                continue
            if "when" not in entry:
                what = section.rstrip("s").replace("-", " ")
                fail(
                    path,
                    f"the {what} {text_id} has no when = {{ … }}: say when the "
                    "self-check says it (EDITING.md, “When a note applies”)",
                )
                continue
            made = condition(entry, path)
            if made is not None:
                chosen[section].append((text_id, made))
    notes = chosen["notes"]

    slots: dict[str, tuple[str, str]] = {}
    for name, entry in written.questions.items():
        asked = (
            name in questions and questions[name].asked and questions[name].kind is not Kind.DATE
        )
        if "email_slot" not in entry and not asked:
            continue  # a date is {bought}, {today}; support's answers are not the customer's
        slot = entry.get("email_slot", name)
        slots[str(slot)] = (name, str(entry.get("email_shows", "label")))
    written.slots = slots
    if failed:
        return None
    # A question changes the verdict when a clause reads it: an unsure answer is then tried
    # every way (what it may stand for: each other option).
    clause_reads = frozenset().union(*(r.condition.answers for r in rules if r.condition))
    ordered_questions = tuple(
        replace(question, changes_verdict=question.field in clause_reads)
        for question in questions.values()
    )
    return VersionRules(
        questions=ordered_questions,
        clauses=tuple(rules),
        notes=tuple(notes),
        warnings=tuple(warnings),
        alternatives=tuple(chosen["alternatives"]),
        refund_timing=tuple(chosen["refund-timing"]),
        email_slots=slots,
        dates=dates,
    )


def _load(target: object) -> Callable[[Any, Any], bool] | None:
    """The function that ``"module:function"`` names, or None."""
    if not isinstance(target, str) or target.count(":") != 1:
        return None
    module_name, name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    function = getattr(module, name, None)
    return function if callable(function) else None
