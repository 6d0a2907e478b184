"""A policy's rules as its ``policy.toml`` declares them, version by version, and how they decide.

The verdict (one of the policy's outcomes) follows from the effects of the clauses that apply
(each a condition written as data, :mod:`policy_engine.conditions`), by the decision rule the
policy's file states (``[[decide]]``: the first line that holds; :mod:`policy_engine.outcomes`).
The refund policy's reads: a clause for and none against, likely eligible; against and none for,
likely not eligible; both or neither, support decides.

When the customer is unsure of an answer that a clause reads, every possible value is tried: if
all give the same verdict, that is the verdict; otherwise the verdict is the outcome the file
marks ``if_unsure``, and the unsure answers that would change it are reported as missing.

A :class:`Rulebook` is a policy's folder (its ``policy.toml`` and ``ledger.txt``) read as rules:
every question any version asks, every clause, note and outcome, and the answers' type. What one
version asks and decides is :meth:`Rulebook.of` that version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from policy_engine.model import BaseAnswers, answers_class
from policy_engine.outcomes import Decision
from policy_engine.policy import Policies, Policy, StandardPolicy, read_policies
from policy_engine.questions import Question, possible_values
from policy_engine.spans import REQUEST_DATE
from policy_engine.texts import OutcomeIds
from policy_engine.version_rules import Predicate, Rule

__all__ = ["Evaluation", "Outcomes", "Predicate", "Rule", "Rulebook", "verdict_of"]


def notes(answers: Any, policy: Any) -> list[str]:
    """The notes that fit the case, in the order the version writes them."""
    rules = policy.rules
    return [note for note, when in rules.notes if when.holds(answers, policy)]


def alternatives(answers: Any, policy: Any) -> list[str]:
    """The alternatives that fit the case, in the order the version writes them."""
    rules = policy.rules
    return [key for key, when in rules.alternatives if when.holds(answers, policy)]


def refund_timing(answers: Any, policy: Any) -> str:
    """How a refund would arrive: the first of the version's timings that fits ("": none)."""
    rules = policy.rules
    return next((key for key, when in rules.refund_timing if when.holds(answers, policy)), "")


def timing(answers: Any, policy: Any) -> str:
    """How long each span is, in the sentences its ``[spans.<name>]`` gives ({days} filled in);
    a file with [sentences] (the refund policy's) says its first span in those words, and ends
    with their window. "" for a policy that says nothing of its spans."""
    given = REQUEST_DATE in answers.given
    said = policy.texts.sentences
    parts = []
    for index, span in enumerate(policy.rules.dates.spans):
        days = span.days(answers)
        if index or not said or span.sentences:
            parts.append(span.sentence(days, given))
            continue
        if given:
            first = said["dated_same_day"] if days == 0 else said["dated_after"]
        else:
            first = said["bought_today"] if days == 0 else said["bought_ago"]
        parts.append(first.replace("{days}", f"{days:,} day{'s' if days != 1 else ''}"))
    if said and parts:
        parts.append(said["window"])
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Outcomes:
    """What a policy's result says besides its verdict and clauses: its outcome texts' ids (their
    words are its ``policy.toml``'s, per version, quoting its page) and the functions that choose
    them for a case, each reading the version's own conditions."""

    ids: OutcomeIds = field(default_factory=OutcomeIds)
    notes: Callable[[Any, Any], list[str]] = notes
    alternatives: Callable[[Any, Any], list[str]] = alternatives
    refund_timing: Callable[[Any, Any], str] = refund_timing
    timing: Callable[[Any, Any], str] = timing


@dataclass(frozen=True)
class Evaluation:
    verdict: str  # the id of one of the policy's outcomes ([outcomes.<id>])
    # Clauses that apply whatever the unsure answers turn out to be.
    clauses: list[Rule]
    # Unsure answers that would change the verdict, in question order.
    missing: list[str]


@dataclass(eq=False)  # one object per policy: compared by identity
class Rulebook:
    """A policy as the engine and the site read it: its name, its folder (``policy.toml``,
    ``ledger.txt``), the class of its values, and what its file declares: every question, clause
    and outcome of every version (:meth:`of` gives one version's).

    The site's machinery is given a rulebook (the ``RULEBOOK`` of the package that
    ``mkdocs.yml``'s ``policies`` names) and reads everything it needs of the policy from it.
    """

    name: str  # what ./run review NAME, ./run new-version and refund-check --for call it
    folder: Path
    # The values of a version (a dataclass extending Policy); StandardPolicy: none of its own.
    policy: type[Policy] = StandardPolicy
    # A JSON object of answers, for the messages that show what answers look like.
    example: str = '{"purchase_date": "2026-05-01"}'
    # The versions it reads, when not its folder's file (:meth:`for_policies`: a file an editor
    # is changing, read from elsewhere).
    given: Policies | None = field(default=None, repr=False)
    # One version's rulebook (:meth:`of`): that version alone, with the whole policy's answers.
    only: Policy | None = None
    whole: Rulebook | None = field(default=None, repr=False)
    _views: dict[int, tuple[Policy | Policies, Rulebook]] = field(default_factory=dict, repr=False)

    @property
    def policy_file(self) -> Path:
        """The policy's values, words and rules, every version (``policy.toml``)."""
        return self.folder / "policy.toml"

    @property
    def ledger_file(self) -> Path:
        """What the policy decides in every situation, reviewed (``ledger.txt``)."""
        return self.folder / "ledger.txt"

    @cached_property
    def policies(self) -> Policies:
        """Every version of the policy file (read once; raises ``PolicyError``)."""
        if self.given is not None:
            return self.given
        return read_policies(self.policy_file, policy_class=self.policy)

    def for_policies(self, policies: Policies) -> Rulebook:
        """The rulebook of another file's versions (a copy an editor is changing): its questions,
        clauses and outcomes are that file's."""
        if self.given is policies or ("policies" in self.__dict__ and self.policies is policies):
            return self
        key = -id(policies)
        if key not in self._views:
            if len(self._views) > 64:  # made afresh for each file read: keep the recent ones
                self._views.pop(next(iter(self._views)))
            view = Rulebook(self.name, self.folder, self.policy, self.example, given=policies)
            self._views[key] = (policies, view)
        return self._views[key][1]

    @property
    def versions(self) -> tuple[Policy, ...]:
        return (self.only,) if self.only is not None else self.policies.versions

    def of(self, policy: Policy) -> Rulebook:
        """What one version asks and decides, as a rulebook of its own."""
        if self.only is not None:
            return self if policy is self.only else (self.whole or self).of(policy)
        key = id(policy)
        if key not in self._views:
            view = Rulebook(
                self.name, self.folder, self.policy, self.example, only=policy, whole=self
            )
            view.__dict__["policies"] = self.policies
            self._views[key] = (policy, view)  # the policy is kept, so its id stays its own
        return self._views[key][1]

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order first asked; each as the latest version that asks it
        words it."""
        latest: dict[str, Question] = {}
        first: dict[str, str] = {}
        for index, version in enumerate(self.versions):
            for question in version.rules.questions:
                latest[question.field] = question
                # Asked from the day the first version asking it took effect (not the first's:
                # every purchase before it is judged by the first version).
                first.setdefault(question.field, version.effective.isoformat() if index else "")
        # A purchase (or order…) is asked it from that day: the day of the file's version date.
        by = self.policies.version_date
        return tuple(replace(q, asked_from=first[q.field], asked_by=by) for q in latest.values())

    @cached_property
    def questions_by_field(self) -> dict[str, Question]:
        return {question.field: question for question in self.questions}

    @cached_property
    def rules(self) -> list[Rule]:
        """Every clause (the latest version's rule for each), in the order first written."""
        latest: dict[str, Rule] = {}
        for version in self.versions:
            for rule in version.rules.clauses:
                latest[rule.clause_id] = rule
        return list(latest.values())

    @property
    def clause_ids(self) -> tuple[str, ...]:
        return tuple(rule.clause_id for rule in self.rules)

    @cached_property
    def outcomes(self) -> Outcomes:
        def union(pick: Callable[[Policy], tuple[Any, ...]]) -> tuple[Any, ...]:
            return tuple(dict.fromkeys(item for v in self.versions for item in pick(v)))

        return Outcomes(
            OutcomeIds(
                notes=union(lambda v: tuple(note for note, _ in v.rules.notes)),
                warning_sources=union(lambda v: v.rules.warnings),
                alternatives=union(lambda v: tuple(key for key, _ in v.rules.alternatives)),
                refund_timing=union(lambda v: tuple(key for key, _ in v.rules.refund_timing)),
                email_slots=tuple(self.email_slots),
            )
        )

    @property
    def outcome_ids(self) -> OutcomeIds:
        return self.outcomes.ids

    @cached_property
    def email_slots(self) -> dict[str, tuple[str, str]]:
        """Answers the email may name: slot -> (field, "label" for its option's words, or
        "words" for its value with spaces), as {reason} in the email's lines."""
        slots: dict[str, tuple[str, str]] = {}
        for version in self.versions:
            slots.update(version.rules.email_slots)
        return slots

    @cached_property
    def answers_type(self) -> type[BaseAnswers]:
        """The typed answers: one field per question any version asks (None when not given)."""
        if self.whole is not None:
            return self.whole.answers_type
        return answers_class(
            "Answers",
            [question.field for question in self.questions],
            self.policies.dates.spans,
        )

    @cached_property
    def possible_values(self) -> dict[str, tuple[object, ...]]:
        """What each answer a customer may leave unsure stands for (the rules try each)."""
        return possible_values(self.questions)

    def that_apply(self, answers: Any, policy: Any) -> list[Rule]:
        """The version's clauses that apply to a fully known situation, in its order."""
        return [rule for rule in policy.rules.clauses if rule.applies(answers, policy)]

    def evaluate(self, answers: BaseAnswers, policy: Any) -> Evaluation:
        """The version's verdict on ``answers``, trying every value of the unsure ones."""
        rules = policy.rules.clauses
        # What an unsure answer stands for is the version's (a question it asks may read it).
        possible = self.possible_values if self.only is not None else self._possible(policy)
        unsure = answers.unsure_fields(possible)
        # Each possible situation, by the values it gives the unsure answers, with its clauses.
        outcomes = [
            (
                tuple(getattr(possible_answers, name) for name in unsure),
                self.that_apply(possible_answers, policy),
            )
            for possible_answers in answers.resolutions(possible)
        ]
        decision = policy.texts.decision
        verdicts = [verdict_of(fired, decision) for _, fired in outcomes]
        always = [rule for rule in rules if all(rule in fired for _, fired in outcomes)]
        if len(set(verdicts)) == 1:
            return Evaluation(verdicts[0], always, [])
        # An unsure answer is missing when changing it alone changes the verdict.
        missing = []
        for position, name in enumerate(unsure):
            by_other_answers: dict[tuple[object, ...], set[str]] = {}
            for (values, _), verdict in zip(outcomes, verdicts, strict=True):
                others = values[:position] + values[position + 1 :]
                by_other_answers.setdefault(others, set()).add(verdict)
            if any(len(seen) > 1 for seen in by_other_answers.values()):
                missing.append(name)
        return Evaluation(decision.unsure, always, missing)

    def _possible(self, policy: Any) -> dict[str, tuple[object, ...]]:
        own = getattr(policy, "_policy", policy)  # the ledger's traced policy wraps one
        return possible_values(own.rules.questions)


def verdict_of(fired: list[Rule], decision: Decision) -> str:
    """The verdict that a set of applying clauses gives, by the policy's decision rule."""
    return decision.outcome_of(rule.effect for rule in fired)
