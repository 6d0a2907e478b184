"""The refund policy's two lists as rules: one named predicate per bullet, each citing its clause.

Read it beside the policy's "Usually Eligible" and "Usually Not Eligible" lists. The numbers (the
refund window, the repeat limit) come from ``policy.toml``; the verdict follows from which clauses
apply:

* likely eligible: at least one clause supports a refund and none is against it;
* likely not eligible: at least one is against and none supports;
* needs review: both kinds apply, or none does (the policy reviews case by case).

When the customer is unsure of an answer, every possible value is tried: if all give the same
verdict, that is the verdict; otherwise support must review, and the unsure answers that would
change it are reported as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from checker.model import Answers, CreditsUsed, Effect, Reason, Verdict
from checker.policy import Policy
from checker.questions import QUESTIONS, Question, possible_values

Predicate = Callable[[Answers, Policy], bool]


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

    name: str  # what ./run review NAME, ./run new-version and refund-check --policy call it
    questions: tuple[Question, ...]
    folder: Path
    rules: list[Rule] = field(default_factory=list)

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

    def that_apply(self, answers: Answers, policy: Policy) -> list[Rule]:
        """The clauses that apply to a fully known situation, in the policy's order."""
        return [rule for rule in self.rules if rule.applies(answers, policy)]

    def evaluate(self, answers: Answers, policy: Policy) -> Evaluation:
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


# ImgToSTL's refund policy: its clauses are registered on this object, in the page's order.
RULEBOOK = Rulebook("refund", QUESTIONS, Path(__file__).parent)
supports = RULEBOOK.supports
against = RULEBOOK.against


# Terms the clauses share.


def within_refund_window(answers: Answers, policy: Policy) -> bool:
    """Day 7 of a 7-day window is still inside it; day 8 is not."""
    return answers.days_since_purchase <= policy.refund_window_days


def used_any_credits(answers: Answers) -> bool:
    return answers.credits_used is not CreditsUsed.NONE


def meaningful_use(answers: Answers) -> bool:
    """More than a few credits: "some" or "substantial"."""
    return answers.credits_used in (CreditsUsed.SOME, CreditsUsed.SUBSTANTIAL)


# Refunds are usually eligible when:


@supports("duplicate-payment")
def duplicate_payment(answers: Answers, policy: Policy) -> bool:
    """A duplicate or accidental duplicate payment occurred."""
    return answers.reason is Reason.DUPLICATE_PAYMENT


@supports("technical-failure")
def technical_failure(answers: Answers, policy: Policy) -> bool:
    """A technical failure prevented the service from delivering any usable result."""
    return answers.reason is Reason.TECHNICAL_FAILURE


@supports("failed-job")
def failed_job(answers: Answers, policy: Policy) -> bool:
    """Credits were charged for a failed job that was not automatically refunded."""
    return answers.reason is Reason.FAILED_JOB_CHARGED


@supports("recent-unused")
def recent_unused(answers: Answers, policy: Policy) -> bool:
    """Purchased recently, not used or used only minimal credits, and contacting us promptly."""
    return within_refund_window(answers, policy) and answers.credits_used in (
        CreditsUsed.NONE,
        CreditsUsed.MINIMAL,
    )


@supports("first-purchase-unusable")
def first_purchase_unusable(answers: Answers, policy: Policy) -> bool:
    """A first-time purchase produced a clearly unusable result (support decides on goodwill)."""
    return answers.reason is Reason.UNUSABLE_RESULT and answers.first_purchase is True


# Refunds are usually not eligible when:


@against("late-request")
def late_request(answers: Answers, policy: Policy) -> bool:
    """The request is made more than the refund window's days after purchase."""
    return not within_refund_window(answers, policy)


@against("substantial-use")
def substantial_use(answers: Answers, policy: Policy) -> bool:
    """A substantial portion of credits has been used."""
    return answers.credits_used is CreditsUsed.SUBSTANTIAL


@against("outputs-used")
def outputs_used(answers: Answers, policy: Policy) -> bool:
    """Outputs have been downloaded, exported, or used in a workflow after meaningful use."""
    return answers.outputs_used is True and meaningful_use(answers)


@against("change-of-mind")
def change_of_mind(answers: Answers, policy: Policy) -> bool:
    """The issue is based only on a change of mind after using the service."""
    return answers.reason is Reason.CHANGE_OF_MIND and used_any_credits(answers)


@against("terms-violation")
def terms_violation(answers: Answers, policy: Policy) -> bool:
    """The account violated the Terms of Service or abused credits, promotions or refunds."""
    return answers.terms_violation is True


@against("repeat-requests")
def repeat_requests(answers: Answers, policy: Policy) -> bool:
    """The same user or related accounts repeatedly request refunds after using compute."""
    return answers.previous_refund_requests >= policy.repeat_request_limit and used_any_credits(
        answers
    )
