"""What every policy's answers are made of: "not sure", and the base of each policy's typed
answers. (A policy's outcomes and its clauses' effects are its file's: see
policy_engine/outcomes.py.)"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, make_dataclass, replace
from datetime import date
from enum import Enum
from typing import Any, Self

from policy_engine.spans import Span


class Unsure(Enum):
    """The customer does not know the answer to a yes/no question."""

    UNSURE = "unsure"


UNSURE = Unsure.UNSURE
YesNoUnsure = bool | Unsure


@dataclass(frozen=True, kw_only=True)
class BaseAnswers:
    """One person's situation, validated: the typed value a policy's rules read.

    Each policy declares its answers as a frozen, keyword-only dataclass that subclasses this one,
    with one field per question (its rulebook checks them against each other), or lets its
    rulebook make one from its questions (:func:`answers_class`). Every policy has a request
    date, and a date that decides the version that judges it (its file's ``version_date``); the
    spans its file names are read as attributes too (``answers.days_since_delivery``).
    """

    # The answers that were given rather than left to the contract's defaults. Only the wording
    # reads it (what the email lists, what a link carries), never a rule.
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def unsure_fields(self, possible: Mapping[str, tuple[object, ...]]) -> list[str]:
        """The answers left as "unsure" that the rules depend on, in question order.

        ``possible`` gives, for each answer a customer may leave unsure, the values it stands for
        (the rulebook's ``possible_values``, read from the questions' options): an answer that is
        none of them is the "unsure" one.
        """
        return [name for name, values in possible.items() if getattr(self, name) not in values]

    def resolutions(self, possible: Mapping[str, tuple[object, ...]]) -> Iterator[Self]:
        """Every fully known situation this one could be, one per combination of unsure answers
        (``possible`` as for :meth:`unsure_fields`)."""
        unsure = self.unsure_fields(possible)
        for values in itertools.product(*(possible[name] for name in unsure)):
            changes: dict[str, Any] = dict(zip(unsure, values, strict=True))
            yield replace(self, **changes)

    def to_json(self) -> dict[str, object]:
        """The answers in the JSON form of the answers contract (an answer support has not
        given is left out)."""
        out: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or item.name == "given":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Enum):
                value = value.value
            out[item.name] = value
        return out


def answers_class(
    name: str, answer_fields: Sequence[str], spans: Sequence[Span] = ()
) -> type[BaseAnswers]:
    """A policy's answers made from its questions' fields: each field holds the typed answer its
    question reads, None for a question the version in force does not ask (or support's answer
    not given). Each of ``spans`` is a read-only attribute of its name, counted from its dates (so
    a predicate reads ``answers.days_since_purchase`` as a condition does)."""
    namespace = {span.name: property(span.days, doc=span.about) for span in spans}
    made: type[BaseAnswers] = make_dataclass(
        name,
        [(answer_field, Any, field(default=None)) for answer_field in answer_fields],
        bases=(BaseAnswers,),
        frozen=True,
        kw_only=True,
        namespace=namespace,
    )
    return made
