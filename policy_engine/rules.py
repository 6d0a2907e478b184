"""A policy's rules: its clauses, registered on its :class:`Rulebook`, and how they give a verdict.

* likely eligible: at least one clause supports a refund and none is against it;
* likely not eligible: at least one is against and none supports;
* needs review: both kinds apply, or none does (the policy reviews case by case).

When the customer is unsure of an answer, every possible value is tried: if all give the same
verdict, that is the verdict; otherwise support must review, and the unsure answers that would
change it are reported as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from policy_engine.model import BaseAnswers, Effect, Verdict, answers_class
from policy_engine.policy import Policy, StandardPolicy
from policy_engine.questions import Kind, Question, possible_values
from policy_engine.texts import OutcomeIds

# A clause's test: (the policy's answers, the version of its values) -> whether it applies.
Predicate = Callable[[Any, Any], bool]


def _none(*_: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class Outcomes:
    """What a policy's result says besides its verdict and clauses, and when: its outcome texts'
    ids (their words are its ``policy.toml``'s, per version, quoting its page) and the functions
    that choose them for a case. A policy without any says the verdict, the clauses and the
    email."""

    ids: OutcomeIds = field(default_factory=OutcomeIds)
    # (answers, policy) -> the notes that fit the case, in the order of ids.notes.
    notes: Callable[[Any, Any], list[str]] = _none
    # (answers) -> the alternatives that fit it.
    alternatives: Callable[[Any], list[str]] = _none
    # (answers) -> how a refund would arrive (one of ids.refund_timing); None: not said.
    refund_timing: Callable[[Any], str] | None = None
    # (answers, policy) -> a sentence on the time between purchase and request ("" for none).
    timing: Callable[[Any, Any], str] = lambda answers, policy: ""


@dataclass(frozen=True, eq=False)  # each rule is one object: compared by identity
class Rule:
    """A clause of the policy: its id (the bullet's anchor), its effect and when it applies."""

    clause_id: str
    effect: Effect
    applies: Predicate


@dataclass(frozen=True)
class Evaluation:
    verdict: Verdict
    # Clauses that apply whatever the unsure answers turn out to be.
    clauses: list[Rule]
    # Unsure answers that would change the verdict, in question order.
    missing: list[str]


@dataclass(eq=False)  # one object per policy: compared by identity
class Rulebook:
    """A policy as the engine and the site read it: its name, its questions, and its clauses,
    registered on it in the policy's order (``@rulebook.supports("id")``); its files
    (``policy.toml``, ``ledger.txt``) sit in ``folder``, beside its rules.

    The site's machinery is given a rulebook (the ``RULEBOOK`` of the package that
    ``mkdocs.yml``'s ``policies`` names) and reads everything it needs of the policy from it.
    """

    name: str  # what ./run review NAME, ./run new-version and refund-check --for call it
    questions: tuple[Question, ...]
    folder: Path
    # The typed answers (a frozen, keyword-only dataclass extending BaseAnswers, one field per
    # question); None: made from the questions.
    answers: type[BaseAnswers] | None = None
    # The values of a version (a dataclass extending Policy); StandardPolicy: none of its own.
    policy: type[Policy] = StandardPolicy
    outcomes: Outcomes = field(default_factory=Outcomes)
    # Answers the email may name: slot -> (field, "label" for its option's words, or "words" for
    # its value with spaces), as {reason} in the email's lines.
    email_slots: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A JSON object of answers, for the messages that show what answers look like.
    example: str = '{"purchase_date": "2026-05-01"}'
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self) -> None:
        fields = [question.field for question in self.questions]
        for needed in ("purchase_date", "request_date"):
            question = self.questions_by_field.get(needed)
            if question is None or question.kind is not Kind.DATE:
                raise TypeError(f"{self.name}: every policy asks for the {needed} (a date)")
        if self.answers is None:
            self.answers = answers_class("Answers", fields)
        declared = {item for item in self.answers.__dataclass_fields__} - {"given"}
        if set(fields) != declared:
            raise TypeError(
                f"{self.name}: the questions are about {sorted(fields)} but its answers have "
                f"{sorted(declared)}"
            )
        for slot, (answer, _) in self.email_slots.items():
            if answer not in self.questions_by_field:
                raise TypeError(f"{self.name}: the email's {{{slot}}} names no question")

    @property
    def answers_type(self) -> type[BaseAnswers]:
        assert self.answers is not None  # made in __post_init__
        return self.answers

    @property
    def outcome_ids(self) -> OutcomeIds:
        """The outcome texts' ids, with the email's slots, as the policy file's reader needs."""
        return replace(self.outcomes.ids, email_slots=tuple(self.email_slots))

    def supports(self, clause_id: str) -> Callable[[Predicate], Predicate]:
        """Register a clause that supports a refund ("Usually Eligible")."""
        return self._clause(clause_id, Effect.SUPPORTS)

    def against(self, clause_id: str) -> Callable[[Predicate], Predicate]:
        """Register a clause that counts against a refund ("Usually Not Eligible")."""
        return self._clause(clause_id, Effect.AGAINST)

    def _clause(self, clause_id: str, effect: Effect) -> Callable[[Predicate], Predicate]:
        if any(rule.clause_id == clause_id for rule in self.rules):
            raise TypeError(f"{self.name}: the clause {clause_id!r} is registered twice")

        def register(predicate: Predicate) -> Predicate:
            self.rules.append(Rule(clause_id, effect, predicate))
            return predicate

        return register

    @property
    def clause_ids(self) -> tuple[str, ...]:
        return tuple(rule.clause_id for rule in self.rules)

    @property
    def policy_file(self) -> Path:
        """The policy's values and words, every version (``policy.toml``)."""
        return self.folder / "policy.toml"

    @property
    def ledger_file(self) -> Path:
        """What the policy decides in every situation, reviewed (``ledger.txt``)."""
        return self.folder / "ledger.txt"

    @cached_property
    def questions_by_field(self) -> dict[str, Question]:
        return {question.field: question for question in self.questions}

    @cached_property
    def possible_values(self) -> dict[str, tuple[object, ...]]:
        """What each answer a customer may leave unsure stands for (the rules try each)."""
        return possible_values(self.questions)

    def that_apply(self, answers: Any, policy: Any) -> list[Rule]:
        """The clauses that apply to a fully known situation, in the policy's order."""
        return [rule for rule in self.rules if rule.applies(answers, policy)]

    def evaluate(self, answers: BaseAnswers, policy: Any) -> Evaluation:
        """The policy's verdict on ``answers``, trying every value of the unsure ones."""
        unsure = answers.unsure_fields(self.possible_values)
        # Each possible situation, by the values it gives the unsure answers, with its clauses.
        outcomes = [
            (tuple(getattr(possible, name) for name in unsure), self.that_apply(possible, policy))
            for possible in answers.resolutions(self.possible_values)
        ]
        verdicts = [verdict_of(fired) for _, fired in outcomes]
        always = [rule for rule in self.rules if all(rule in fired for _, fired in outcomes)]
        if len(set(verdicts)) == 1:
            return Evaluation(verdicts[0], always, [])
        # An unsure answer is missing when changing it alone changes the verdict.
        missing = []
        for position, name in enumerate(unsure):
            by_other_answers: dict[tuple[object, ...], set[Verdict]] = {}
            for (values, _), verdict in zip(outcomes, verdicts, strict=True):
                others = values[:position] + values[position + 1 :]
                by_other_answers.setdefault(others, set()).add(verdict)
            if any(len(seen) > 1 for seen in by_other_answers.values()):
                missing.append(name)
        return Evaluation(Verdict.NEEDS_REVIEW, always, missing)


def verdict_of(fired: list[Rule]) -> Verdict:
    """The verdict that a set of applying clauses gives."""
    supported = any(rule.effect is Effect.SUPPORTS for rule in fired)
    opposed = any(rule.effect is Effect.AGAINST for rule in fired)
    if supported and not opposed:
        return Verdict.LIKELY_ELIGIBLE
    if opposed and not supported:
        return Verdict.LIKELY_NOT_ELIGIBLE
    return Verdict.NEEDS_REVIEW
