"""The ledger: what the self-check decides in every situation, as decision tables (build time).

The self-check's answers form a finite space once numbers and dates are grouped into the classes
that the policy's values define: the days from purchase to request by the refund window (day 0,
inside, the last day, the day after, long after) and the earlier refund requests by the repeat
limit (none, below, at, above). One class of every answer is a *situation*. For each, the ledger
records what the checker decides: the verdict and the unsure answers that would change it, each
clause that applies, each note, the alternatives, and how long a refund takes to arrive. It leaves
out the wording (summaries, the email), which is how a decision is said, not what it is.

Each part of the decision is a *decision table*. A row names only the answers that matter for it,
for example

    reason=duplicate_payment credits_used=none,minimal days=0-7  =>  likely_eligible

and any answer it does not name may have any value. Together a table's rows cover every situation
exactly once (for a clause or a note, the rows list where it applies, and it applies nowhere
else). ``tests/site/test_ledger.py`` proves both, and that the checker agrees with the ledger on
answers drawn from anywhere inside each class.

How the tables are made, quickly and exactly. Each computation of the checker runs on answers that
note which of their fields it reads. A computation that reads only ``reason`` and ``credits_used``
gives the same outcome for every situation that agrees on those two, so one run settles a whole
block of situations and the rest of the space splits into the blocks not yet settled: about
20,000 runs instead of 226,800 (:func:`_explore`). The blocks depend on the order in which the
code happens to read its answers, so the rows are then made afresh from the outcomes alone, by
one fixed rule (:func:`_rows`): a refactor that changes no outcome leaves the ledger byte for
byte the same.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, cast

from policy_engine import advice
from policy_engine.answers import parse_answers
from policy_engine.model import BaseAnswers
from policy_engine.policy import COMPARED_WITH, Policies, Policy
from policy_engine.questions import Asker, Kind, Question
from policy_engine.rules import Evaluation, Rule, Rulebook
from policy_engine.spans import Dates, Span

FORMAT = "policy-ledger/2"
# The same format under the name it had while the generator served one refund policy: ledgers
# committed then (frozen versions, compared with git) are read as they are.
FORMATS = (FORMAT, "refund-ledger/2")
# Every situation starts on this day (its version date and every date no span moves): the spans
# decide, not the dates.
PURCHASED = date(2026, 1, 1)
# The column of the span days_since_purchase: the format named it "days" before a policy named
# its own spans, and the committed ledgers (frozen versions, compared with git) keep that name.
DAYS = "days"
_LEGACY_SPAN = "days_since_purchase"
NOT_GIVEN = "not-given"
APPLIES = "applies"
NOT_APPLIES = "-"
ARROW = "  =>  "


class LedgerError(ValueError):
    """A ledger file that cannot be read. The message says where and what is wrong."""


# Classes and dimensions -----------------------------------------------------------------------


def span_dimension(span: Span | str) -> str:
    """The ledger's column of a span: its name (days_since_purchase's is :data:`DAYS`)."""
    name = span if isinstance(span, str) else span.name
    return DAYS if name == _LEGACY_SPAN else name


def spans_by_dimension(dates: Dates) -> dict[str, Span]:
    """The policy's spans by their ledger column."""
    return {span_dimension(span): span for span in dates.spans}


def spans_read(rulebook: Rulebook, policy: Policy) -> tuple[Span, ...]:
    """The spans the version's conditions read, in the file's order (every span when a named
    Python predicate may read any)."""
    rules = policy.rules
    conditions = [rule.condition for rule in rules.clauses if rule.condition is not None]
    for section in (rules.notes, rules.alternatives, rules.refund_timing):
        conditions += [when for _, when in section]
    dates = rules.dates
    if any("predicate = " in condition.text for condition in conditions):
        return dates.spans
    read = frozenset().union(*(condition.spans for condition in conditions))
    chosen = tuple(span for span in dates.spans if span.name in read)
    named = [day for span in chosen for day in (span.start, span.end)]
    shared = sorted({day for day in named if named.count(day) > 1})
    if shared:
        names = ", ".join(span.name for span in chosen if {span.start, span.end} & set(shared))
        raise LedgerError(
            f"the conditions read the spans {names}, which share {', '.join(shared)}: the "
            "ledger draws each span's days on its own, so the spans the conditions read must "
            "each have dates of their own. Read one of them only, or a span between the dates "
            "they do not share"
        )
    return chosen


@dataclass(frozen=True)
class Klass:
    """One class of an answer: one value, or a range of whole numbers (``high`` None: no end)."""

    key: str  # as the ledger writes it: "credit_pack", "1-6", "9+"
    value: object = None  # the answer, for a class of one value
    low: int | None = None
    high: int | None = None

    def sample(self) -> object:
        """The answer that stands for the class: its value, or its smallest number."""
        return self.value if self.low is None else self.low

    def contains(self, number: int) -> bool:
        assert self.low is not None
        return self.low <= number and (self.high is None or number <= self.high)


@dataclass(frozen=True)
class Dimension:
    """One answer the rules can be given (or the days from purchase to request), with classes."""

    name: str
    classes: tuple[Klass, ...]

    @property
    def numeric(self) -> bool:
        return self.classes[0].low is not None

    def keys(self) -> list[str]:
        return [klass.key for klass in self.classes]


def _ranges(starts: Iterable[int]) -> tuple[Klass, ...]:
    """Classes of whole numbers from 0, one starting at each of ``starts`` (the last has no end)."""
    points = sorted({0, *(start for start in starts if start > 0)})
    classes = []
    for start, following in itertools.zip_longest(points, points[1:]):
        high = None if following is None else following - 1
        key = f"{start}+" if high is None else (str(start) if high == start else f"{start}-{high}")
        classes.append(Klass(key, low=start, high=high))
    return tuple(classes)


# The classes a threshold draws in a number, from the first class at or above it: the threshold
# itself (the last day inside a window, the limit reached) and the number after it; for the days,
# also the day after that (the day after the window from long after it).
_AROUND_A_SPAN = (0, 1, 2)
_AROUND_A_COUNT = (0, 1)


def thresholds(policy: Policy, names: Iterable[str]) -> dict[str, list[int]]:
    """The values among ``names`` (the policy values the rules read) that are thresholds, by the
    answer each is compared with (the days as :data:`DAYS`).

    A whole number the rules read must say which answer it is compared with (the field's
    ``COMPARED_WITH`` metadata): otherwise the ledger could not tell apart the situations it
    separates, and it says so."""
    declared = {item.name: item for item in fields(cast(Any, policy))}  # a policy's dataclass
    out: dict[str, list[int]] = {}
    for name in sorted(names):
        value = getattr(policy, name, None)
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        item = declared.get(name)
        answer = item.metadata.get(COMPARED_WITH) if item is not None else None
        if answer is None:
            raise LedgerError(
                f"the rules read the policy's number {name}, which does not say which answer it "
                'is compared with; declare it with compared_with="days_since_purchase" (or the '
                "answer it counts) in its Parameter, on its Policy field in checker/policy.py"
            )
        out.setdefault(span_dimension(answer), []).append(value)
    return out


def dimensions(
    rulebook: Rulebook, policy: Policy, values_read: Iterable[str] = ()
) -> tuple[Dimension, ...]:
    """Every answer the rules can be given, with its classes, in the questions' order.

    Choices and yes/no answers have a class per value, "unsure" included. The numbers (the
    earlier requests, the days from purchase to request) have the classes that the policy's
    thresholds among ``values_read`` draw (:func:`thresholds`); without one, a single class.
    """
    drawn = thresholds(policy, values_read)
    for key, number in _literals(policy):
        drawn.setdefault(span_dimension(key), []).append(number)
    numbers = [question.field for question in rulebook.questions if question.kind is Kind.COUNT]
    span_columns = [span_dimension(span) for span in spans_read(rulebook, policy)]
    unknown = set(drawn) - {*span_columns, *numbers}
    if unknown:
        raise LedgerError(
            f"a policy value is compared with {', '.join(sorted(unknown))}, which is not a "
            "number the customer answers (a span its conditions read, or a count question's "
            "field)"
        )

    def numeric(name: str, around: tuple[int, ...] = _AROUND_A_COUNT) -> Dimension:
        return Dimension(
            name, _ranges([1, *(t + step for t in drawn.get(name, []) for step in around)])
        )

    out = []
    for question in rulebook.questions:
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            values = []
            for option in question.options:
                value: object = option.value
                if question.kind is Kind.YES_NO and option.value in ("true", "false"):
                    value = option.value == "true"
                values.append(Klass(option.value, value=value))
            if question.asker is Asker.SUPPORT:
                # Only support knows it, and may not have said: the answer is then left out.
                values.append(Klass(NOT_GIVEN, value=None))
            out.append(Dimension(question.field, tuple(values)))
        elif question.kind is Kind.COUNT:
            out.append(numeric(question.field))
    # A span's classes: also the day after the day after a window (the day after the window
    # from long after it).
    out += [numeric(column, _AROUND_A_SPAN) for column in span_columns]
    return tuple(out)


def _literals(policy: Policy) -> list[tuple[str, int]]:
    """The whole numbers the version's conditions write as they are (``at_most = 30``), by the
    answer or span compared with them: thresholds as a value's are."""
    rules = policy.rules
    conditions = [rule.condition for rule in rules.clauses if rule.condition is not None]
    for section in (rules.notes, rules.alternatives, rules.refund_timing):
        conditions += [when for _, when in section]
    return sorted({item for condition in conditions for item in condition.numbers})


def form_answers(
    rulebook: Rulebook, dims: Sequence[Dimension], longest_count: int
) -> Iterator[dict[str, str]]:
    """Every combination of answers the self-check's form can give, as text: each question the
    customer is asked given the answers before it (shown_when), with each of its options, or for
    a count each class's sample and ``longest_count`` (the longest a customer may type). Dates
    are left out: the caller chooses them."""
    by_name = {dim.name: dim for dim in dims}
    asked = [
        question
        for question in rulebook.questions
        if question.asker is Asker.CUSTOMER and question.kind is not Kind.DATE
    ]

    def choices(question: Question) -> list[str]:
        if question.kind is Kind.COUNT:
            samples = [str(klass.sample()) for klass in by_name[question.field].classes]
            return list(dict.fromkeys([*samples, str(longest_count)]))
        return [option.value for option in question.options]

    def walk(index: int, given: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(asked):
            yield dict(given)
            return
        question = asked[index]
        if not question.shown(given):
            yield from walk(index + 1, given)
            return
        for value in choices(question):
            given[question.field] = value
            yield from walk(index + 1, given)
            del given[question.field]

    return walk(0, {})


Situation = tuple[int, ...]  # a class index per dimension


def situation_answers(
    dims: Sequence[Dimension], situation: Situation, dates: Dates, date_fields: Sequence[str] = ()
) -> dict[str, object]:
    """The answers (in the JSON form of the contract) that stand for a situation: every date (the
    file's, and ``date_fields``: every date question) on :data:`PURCHASED`, but each span's end
    that many days after its start (and a span no condition reads no shorter than 0 days, so its
    dates stay in order)."""
    raw: dict[str, object] = {}
    by_column = spans_by_dimension(dates)
    lengths: dict[str, int] = {}
    for dim, index in zip(dims, situation, strict=True):
        sample = dim.classes[index].sample()
        if dim.name in by_column:
            assert isinstance(sample, int)
            lengths[by_column[dim.name].name] = sample
        elif sample is not None:
            raw[dim.name] = sample
    days = dict.fromkeys([*dates.fields, *date_fields], PURCHASED)
    for _ in dates.spans:  # a chain of spans settles in as many rounds as it has spans
        for span in dates.spans:
            if span.name in lengths:
                days[span.end] = days[span.start] + timedelta(days=lengths[span.name])
            elif span.end not in {s.end for s in dates.spans if s.name in lengths}:
                days[span.end] = max(days[span.end], days[span.start])
    raw.update({name: day.isoformat() for name, day in days.items()})
    return raw


def classify(dims: Sequence[Dimension], answers: BaseAnswers, dates: Dates) -> Situation:
    """The situation that fully given answers fall into."""
    values = answers.to_json()
    by_column = spans_by_dimension(dates)
    out = []
    for dim in dims:
        if dim.numeric:
            span = by_column.get(dim.name)
            number = span.days(answers) if span else values[dim.name]
            assert isinstance(number, int)
            out.append(next(i for i, k in enumerate(dim.classes) if k.contains(number)))
        elif dim.name not in values:
            out.append(dim.keys().index(NOT_GIVEN))
        else:
            value = values[dim.name]
            key = ("true" if value else "false") if isinstance(value, bool) else str(value)
            out.append(dim.keys().index(key))
    return tuple(out)


# The parts of a decision ----------------------------------------------------------------------


def _verdict(evaluation: Evaluation) -> str:
    words = evaluation.verdict
    if evaluation.missing:
        words += " missing=" + ",".join(evaluation.missing)
    return words


def _ids(values: Sequence[str]) -> str:
    return ",".join(values) or "none"


@dataclass(frozen=True)
class Part:
    """One table of the ledger: a name, a title, and its outcome from one computation's result."""

    name: str
    title: str
    outcome: Callable[[Any], str]
    only_where_it_applies: bool = False  # list only the rows where the outcome is APPLIES


def _flag(present: bool) -> str:
    return APPLIES if present else NOT_APPLIES


def _clause_applies(rule: Rule, evaluation: Evaluation) -> str:
    return _flag(rule in evaluation.clauses)


def _note_added(note: str, ids: list[str]) -> str:
    return _flag(note in ids)


def _effect(rulebook: Rulebook, rule: Rule) -> str:
    """What the clause does, in its file's words ([effects]: a phrase that finishes "It …")."""
    words = rulebook.versions[-1].texts.decision.effects[rule.effect]
    return words[:1].lower() + words[1:]


Computation = tuple[Callable[[Any, Policy], Any], list[Part]]


@functools.cache
def computations(rulebook: Rulebook) -> list[Computation]:
    """The checker's computations, as check() makes them, each with the parts of the ledger it
    decides."""
    outcomes = rulebook.outcomes
    timing = outcomes.refund_timing
    return [
        (
            rulebook.evaluate,
            [
                Part(
                    "verdict",
                    "The verdict, and the unsure answers that would change it (missing).",
                    _verdict,
                ),
                *(
                    Part(
                        f"clause {rule.clause_id}",
                        f"Where it applies. It {_effect(rulebook, rule)}.",
                        functools.partial(_clause_applies, rule),
                        only_where_it_applies=True,
                    )
                    for rule in rulebook.rules
                ),
            ],
        ),
        (
            outcomes.notes,
            [
                Part(
                    f"note {note}",
                    "Where the self-check adds this note.",
                    functools.partial(_note_added, note),
                    only_where_it_applies=True,
                )
                for note in outcomes.ids.notes
            ],
        ),
        (
            outcomes.alternatives,
            [Part("alternatives", "What support may offer instead of a refund.", _ids)],
        ),
        *(
            [
                (
                    timing,
                    [
                        Part(
                            "refund-arrives", "How long an approved refund may take to arrive.", str
                        )
                    ],
                )
            ]
            if outcomes.ids.refund_timing
            else []
        ),
        (
            lambda answers, policy: advice.support_checks(rulebook, answers),
            [Part("support-checks", "What only support knows and still checks.", _ids)],
        ),
    ]


def parts(rulebook: Rulebook) -> dict[str, Part]:
    """The ledger's parts (its tables), by name, in the file's order."""
    return {part.name: part for _, made in computations(rulebook) for part in made}


def only_where_it_applies(part: str) -> bool:
    """A clause's or a note's table lists only where it applies."""
    return part.startswith(("clause ", "note "))


# Tracing which answers and which policy values a computation reads ----------------------------


class _Reads:
    """What the computation being traced has read: answers' fields and the policy's values."""

    def __init__(self) -> None:
        self.fields: set[str] = set()
        self.values: set[str] = set()


def _traced_answers(reads: _Reads, answers: type[BaseAnswers]) -> type[BaseAnswers]:
    """A subclass of the policy's ``answers`` whose fields note their names in ``reads`` when
    read."""

    def traced(name: str) -> property:
        def read(self: BaseAnswers) -> object:
            reads.fields.add(name)
            return self.__dict__[name]

        return property(read)

    def __init__(self: BaseAnswers, **values: object) -> None:
        # Every field, always given (by answers_for, or by dataclasses.replace): straight into
        # the instance, past the properties, which only read.
        self.__dict__.update(values)

    def resolutions(
        self: BaseAnswers, possible_values: Mapping[str, tuple[object, ...]]
    ) -> Iterator[BaseAnswers]:
        # Which answers are unsure is read (and decides); copying every other field into each
        # resolution is not: the copies' own reads are traced when the rules make them. The
        # resolutions are those of BaseAnswers.resolutions, in its order, made from the instance's
        # own values rather than through dataclasses.replace, which would read (and so trace)
        # every field: the ledger's one hot loop.
        unsure = self.unsure_fields(possible_values)
        values = self.__dict__
        for chosen in itertools.product(*(possible_values[name] for name in unsure)):
            yield type(self)(**{**values, **dict(zip(unsure, chosen, strict=True))})

    namespace: dict[str, Any] = {
        item.name: traced(item.name) for item in fields(answers) if item.name != "given"
    }
    namespace["__init__"] = __init__
    namespace["resolutions"] = resolutions
    return type("TracedAnswers", (answers,), namespace)


class _TracedPolicy:
    """A policy that notes in ``reads`` the name of each value read from it."""

    def __init__(self, policy: Policy, reads: _Reads) -> None:
        self._policy = policy
        self._reads = reads

    def __getattr__(self, name: str) -> object:
        self._reads.values.add(name)
        return getattr(self._policy, name)


class _RememberedClauses:
    """:meth:`Rulebook.that_apply` for the situations of one ledger, each worked out once: the
    clauses that apply, and the answers read to find them, which a situation met again notes as
    read again (the trace must see every read the rules would have made)."""

    def __init__(self, rulebook: Rulebook, reads: _Reads) -> None:
        self._that_apply = rulebook.that_apply
        self._reads = reads
        self._found: dict[tuple[object, ...], tuple[list[Rule], set[str]]] = {}

    def __call__(self, answers: BaseAnswers, policy: Any) -> list[Rule]:
        # Every traced answers object holds every field, in the same order (_results).
        key = tuple(answers.__dict__.values())
        if key not in self._found:
            outer, self._reads.fields = self._reads.fields, set()
            try:
                fired = self._that_apply(answers, policy)
                self._found[key] = (fired, self._reads.fields)
            finally:
                self._reads.fields = outer | self._reads.fields
            return list(fired)
        fired, read = self._found[key]
        self._reads.fields |= read
        return list(fired)


Block = tuple[frozenset[int], ...]  # the class indexes allowed, per dimension


def _explore(
    compute: Callable[[Situation], tuple[Any, frozenset[int]]], everything: Block
) -> list[tuple[Block, Any]]:
    """Split ``everything`` into blocks on which ``compute`` gives one result, each with it.

    ``compute`` returns its result and the dimensions it read. Every situation of a block that
    agrees with the one computed on those dimensions gets the same result (the code takes the same
    path through the same values), so what is left of the block is what disagrees on one of them.
    """
    out = []
    waiting = [everything]
    while waiting:
        block = waiting.pop()
        point = tuple(min(allowed) for allowed in block)
        result, read = compute(point)
        out.append(
            (
                tuple(frozenset({point[d]}) if d in read else block[d] for d in range(len(block))),
                result,
            )
        )
        settled = list(block)
        for d in sorted(read):
            rest = block[d] - {point[d]}
            if rest:
                waiting.append((*settled[:d], rest, *settled[d + 1 :]))
            settled[d] = frozenset({point[d]})
    return out


# Decision tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """The situations where each named dimension has one of the allowed classes (None: any)."""

    when: tuple[tuple[int, ...] | None, ...]
    outcome: str

    def matches(self, situation: Situation) -> bool:
        return all(
            allowed is None or index in allowed
            for allowed, index in zip(self.when, situation, strict=True)
        )

    def size(self, dims: Sequence[Dimension]) -> int:
        return math.prod(
            len(dim.classes) if allowed is None else len(allowed)
            for dim, allowed in zip(dims, self.when, strict=True)
        )


def _rows(n_dims: int, sizes: dict[int, int], outcome_of: dict[Situation, str]) -> list[Row]:
    """Disjoint rows with wildcards covering every situation, made from the outcomes alone.

    ``outcome_of`` gives the outcome of every combination of the classes of the dimensions in
    ``sizes`` (dimension -> number of classes), in that order. At each step the rows split on the
    dimension whose values, grouped by how they behave, leave the fewest different outcomes to
    tell apart below them (ties: the questions' order); then rows that differ in one dimension only
    and agree on the outcome are joined. Only the outcomes decide, never the code that made them.
    """
    relevant = list(sizes)
    found: list[tuple[list[tuple[int, ...]], str]] = []

    def outcomes(block: Sequence[tuple[int, ...]]) -> Iterator[str]:
        return (outcome_of[point] for point in itertools.product(*block))

    def split(block: list[tuple[int, ...]]) -> None:
        seen = set(outcomes(block))
        if len(seen) == 1:
            found.append((block, seen.pop()))
            return
        best: tuple[int, int, list[tuple[int, ...]]] | None = None
        for position, allowed in enumerate(block):
            if len(allowed) < 2:
                continue
            groups: dict[tuple[str, ...], list[int]] = {}
            for value in allowed:
                narrowed = [*block[:position], (value,), *block[position + 1 :]]
                groups.setdefault(tuple(outcomes(narrowed)), []).append(value)
            if len(groups) < 2:
                continue
            left = sum(len(set(signature)) for signature in groups)
            if best is None or left < best[0]:
                best = (left, position, [tuple(values) for values in groups.values()])
        assert best is not None, "an outcome that changes must change with some dimension"
        _, position, value_groups = best
        for values in value_groups:
            split([*block[:position], values, *block[position + 1 :]])

    split([tuple(range(sizes[d])) for d in relevant])
    joined = True
    while joined:
        joined = False
        for i, j in itertools.combinations(range(len(found)), 2):
            (first, outcome), (second, other) = found[i], found[j]
            differ = [k for k in range(len(first)) if first[k] != second[k]]
            if outcome == other and len(differ) == 1:
                k = differ[0]
                first[k] = tuple(sorted(first[k] + second[k]))
                del found[j]
                joined = True
                break
    rows = []
    for block, outcome in found:
        when: list[tuple[int, ...] | None] = [None] * n_dims
        for d, allowed in zip(relevant, block, strict=True):
            when[d] = None if len(allowed) == sizes[d] else allowed
        rows.append(Row(tuple(when), outcome))
    return rows


def _table(dims: Sequence[Dimension], read: list[int], outcomes: list[str]) -> list[Row]:
    """The canonical rows of one part, from its outcome on every combination of the classes of
    the ``read`` dimensions (in :func:`itertools.product` order)."""
    sizes = [len(dims[d].classes) for d in read]
    relevant = []
    for position, size in enumerate(sizes):
        # Changing this dimension alone changes the outcome somewhere: compare, within each run
        # of the others, the slice of its first class with those of its other classes.
        stride = math.prod(sizes[position + 1 :])
        span = stride * size
        if any(
            outcomes[start : start + stride]
            != outcomes[start + value * stride : start + (value + 1) * stride]
            for start in range(0, len(outcomes), span)
            for value in range(1, size)
        ):
            relevant.append(position)
    points = itertools.product(*(range(size) for size in sizes))
    projected = {
        tuple(point[i] for i in relevant): o for point, o in zip(points, outcomes, strict=True)
    }
    return _rows(len(dims), {read[i]: sizes[i] for i in relevant}, projected)


# The ledger ------------------------------------------------------------------------------------


@dataclass
class Ledger:
    """The policy's values and clause words, the classes, and one table per part of the
    decision."""

    dims: tuple[Dimension, ...]
    policy: list[str] = field(default_factory=list)  # "name = value" lines
    tables: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def situations(self) -> int:
        return math.prod(len(dim.classes) for dim in self.dims)

    @property
    def dims_by_name(self) -> dict[str, Dimension]:
        return {dim.name: dim for dim in self.dims}

    def outcome(self, part: str, situation: Situation) -> str:
        """The outcome that the table ``part`` records for ``situation``."""
        found = [row.outcome for row in self.tables[part] if row.matches(situation)]
        if only_where_it_applies(part):
            return APPLIES if found else NOT_APPLIES
        if len(found) != 1:
            raise LedgerError(f"{len(found)} rows of [{part}] cover one situation")
        return found[0]


def policy_lines(policy: Policy) -> list[str]:
    """The version's values, clause words, note and typo fixes, as the ledger records them."""
    lines = [f"{name} = {value}" for name, value in policy.parameters().items()]
    lines += [f"clause {cid} = {text}" for cid, text in policy.clause_texts.items()]
    lines.append(f"changes = {policy.changes}")
    lines += [f"typo_fix {n} = {fix}" for n, fix in enumerate(policy.typo_fixes, 1)]
    return lines


@dataclass
class Book:
    """The ledger of every version of the policy, by the ISO date each took effect."""

    versions: dict[str, Ledger] = field(default_factory=dict)


def make_book(rulebook: Rulebook, policies: Policies) -> Book:
    """The ledger of each version of ``policies`` under the rulebook's current rules."""
    return Book({v.effective.isoformat(): make_ledger(rulebook, v) for v in policies.versions})


def make_ledger(rulebook: Rulebook, policy: Policy) -> Ledger:
    """The ledger of ``policy`` under the checker's current rules.

    The numbers' classes come from the policy values the computations read: first with every
    number in one class, then again with the classes their thresholds draw, until no new value is
    read (a value read only past a threshold adds its own classes)."""
    rulebook = rulebook.of(policy)
    values_read: set[str] = set()
    while True:
        dims = dimensions(rulebook, policy, values_read)
        results, read_now = _results(rulebook, policy, dims)
        if read_now <= values_read:
            break
        values_read |= read_now
    ledger = Ledger(dims, policy_lines(policy))
    for (_, made), (read, ordered) in zip(computations(rulebook), results, strict=True):
        for part in made:
            outcomes = [part.outcome(result) for result in ordered]
            ledger.tables[part.name] = _table(dims, read, outcomes)
    return ledger


def _results(
    rulebook: Rulebook, policy: Policy, dims: Sequence[Dimension]
) -> tuple[list[tuple[list[int], list[Any]]], set[str]]:
    """Each computation's result on every combination of the classes of the dimensions it reads
    (those, and the results in :func:`itertools.product` order), and the policy values read."""
    dates = policy.rules.dates
    by_column = spans_by_dimension(dates)

    def fields_of(dim: Dimension) -> tuple[str, ...]:
        span = by_column.get(dim.name)
        return (span.start, span.end) if span else (dim.name,)

    # A date no span reads is asked all the same: on the day every situation starts.
    date_questions = [q.field for q in rulebook.questions if q.kind is Kind.DATE]
    field_dims: dict[str, tuple[int, ...]] = {}
    for index, dim in enumerate(dims):
        for name in fields_of(dim):
            field_dims[name] = (*field_dims.get(name, ()), index)
    reads = _Reads()
    traced_class = _traced_answers(reads, rulebook.answers_type)
    traced_policy: Any = _TracedPolicy(policy, reads)
    # Each class's answer as the contract's parser reads it: parsed once, not once per situation
    # (the parser reads each answer on its own; a span's days are its two dates together).
    first = tuple(0 for _ in dims)
    typed: list[list[dict[str, object]]] = []
    for d, dim in enumerate(dims):
        names = fields_of(dim)
        typed.append([])
        for index in range(len(dim.classes)):
            situation = (*first[:d], index, *first[d + 1 :])
            raw = situation_answers(dims, situation, dates, date_questions)
            parsed = parse_answers(
                raw, PURCHASED + timedelta(days=10_000), policy=policy, rulebook=rulebook
            )
            typed[d].append({name: getattr(parsed, name) for name in names})
    defaults = {item.name: getattr(parsed, item.name) for item in fields(parsed)}
    answers_of: dict[Situation, BaseAnswers] = {}

    def answers_for(situation: Situation) -> BaseAnswers:
        if situation not in answers_of:
            values = dict(defaults)
            for d, index in enumerate(situation):
                values.update(typed[d][index])
            answers_of[situation] = traced_class(**values)
        return answers_of[situation]

    everything: Block = tuple(frozenset(range(len(dim.classes))) for dim in dims)
    # The verdict tries each value of every unsure answer: most of the fully known situations it
    # tries, it has tried before (ten times each, for the refund policy). A copy of the rulebook
    # whose clauses remember them, each with the answers read to find it, noted again as read.
    remembering = copy.copy(rulebook)
    remembering.that_apply = _RememberedClauses(rulebook, reads)  # type: ignore[method-assign]
    out = []
    for computation, _ in computations(rulebook):
        if computation == rulebook.evaluate:
            computation = remembering.evaluate

        def compute(situation: Situation, computation: Any = computation) -> tuple[Any, Any]:
            answers = answers_for(situation)
            reads.fields.clear()
            result = computation(answers, traced_policy)
            return result, frozenset(d for name in reads.fields for d in field_dims.get(name, ()))

        blocks = _explore(compute, everything)
        read = sorted(
            {d for block, _ in blocks for d, allowed in enumerate(block) if len(allowed) == 1}
        )
        result_at: dict[Situation, Any] = {}
        for block, result in blocks:
            for point in itertools.product(*(block[d] for d in read)):
                result_at[point] = result
        ordered = [
            result_at[p] for p in itertools.product(*(range(len(dims[d].classes)) for d in read))
        ]
        out.append((read, ordered))
    return out, reads.values


# Writing and reading the file -----------------------------------------------------------------

HEADER = """\
# The ledger of the {name} policy's self-check: what it decides in every situation.
#
# Made by `./run review --accept` from the policy file beside it (policy.toml) and the engine.
# Do not edit it by hand. `./run review` explains what a change to either would change here, and
# the site's build stops while this file is out of date.
#
# A situation is one class of each answer in [classes]. A row names only the answers that matter
# for it; an answer it does not name may have any value. Each table's rows cover every situation
# exactly once; a clause or a note applies where its rows say, and nowhere else.
"""


def _cell(dim: Dimension, allowed: tuple[int, ...]) -> str:
    """Classes as the ledger writes them: numbers as one range where they are contiguous."""
    if dim.numeric and list(allowed) == list(range(allowed[0], allowed[-1] + 1)):
        low, high = dim.classes[allowed[0]].low, dim.classes[allowed[-1]].high
        return f"{low}+" if high is None else (str(low) if low == high else f"{low}-{high}")
    return ",".join(dim.classes[i].key for i in allowed)


def _condition(dims: Sequence[Dimension], row: Row) -> str:
    named = [
        f"{dim.name}={_cell(dim, allowed)}"
        for dim, allowed in zip(dims, row.when, strict=True)
        if allowed is not None
    ]
    return " ".join(named) or "always"


def render_version(rulebook: Rulebook, ledger: Ledger) -> list[str]:
    """One version's part of the file: its policy, classes and tables (``rulebook``: that
    version's, :meth:`Rulebook.of`)."""
    dims = ledger.dims
    sizes = " × ".join(str(len(dim.classes)) for dim in dims)
    lines = ["[policy]", *ledger.policy, "", "[classes]"]
    width = max(len(dim.name) for dim in dims)
    lines += [f"{dim.name:<{width}} : {' | '.join(dim.keys())}" for dim in dims]
    lines.append(f"# {ledger.situations:,} situations ({sizes})")
    for name, rows in ledger.tables.items():
        part = parts(rulebook)[name]
        shown = [r for r in rows if r.outcome == APPLIES] if part.only_where_it_applies else rows
        covered = sum(row.size(dims) for row in shown)
        lines += ["", f"[{name}]", f"# {part.title}"]
        count = f"{len(shown)} row{'s' if len(shown) != 1 else ''}"
        if part.only_where_it_applies:
            lines.append(f"# {count}, {covered:,} of {ledger.situations:,} situations")
        else:
            lines.append(f"# {count}, all {covered:,} situations")
        lines += [_condition(dims, row) + ARROW + row.outcome for row in shown]
    return lines


def render(rulebook: Rulebook, book: Book) -> str:
    """The ledger as the text of its file: each version under its own ``[[version …]]``."""
    return assemble(
        {
            effective: "\n".join(render_version(rulebook, ledger))
            for effective, ledger in book.versions.items()
        },
        rulebook,
    )


def assemble(bodies: dict[str, str], rulebook: Rulebook) -> str:
    """The file's text from each version's part (:func:`render_version`, joined by lines)."""
    lines = [HEADER.format(name=rulebook.name), f"format {FORMAT}"]
    for effective, body in bodies.items():
        lines += ["", f"{_VERSION_MARK}{effective}]]", body]
    return "\n".join(lines) + "\n"


_VERSION_MARK = "[[version "


_SECTION = re.compile(r"^\[(.+)\]$")


def parse(text: str) -> Book:
    """Read a ledger file back (for the review). Raises :class:`LedgerError`."""
    lines = text.splitlines()
    if not any(f"format {name}" in lines for name in FORMATS):
        raise LedgerError(f"this is not a ledger of the format {FORMAT}")
    book = Book()
    starts = [n for n, line in enumerate(lines) if line.startswith(_VERSION_MARK)]
    if not starts:
        raise LedgerError("it records no version of the policy ([[version YYYY-MM-DD]])")
    for first, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        effective = lines[first].removeprefix(_VERSION_MARK).removesuffix("]]").strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", effective) or effective in book.versions:
            raise LedgerError(f"line {first + 1}: “{lines[first]}” is not a new version's date")
        book.versions[effective] = _parse_version(lines[first + 1 : end], first + 2)
    return book


def _parse_version(lines: list[str], first_line: int) -> Ledger:
    section = ""
    dims: list[Dimension] = []
    ledger = Ledger(())
    raw_rows: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(lines, start=first_line):
        if not line.strip() or line.startswith("#"):
            continue
        header = _SECTION.match(line)
        if header:
            section = header.group(1)
            if section not in ("policy", "classes"):
                raw_rows[section] = []
            continue
        if section == "policy":
            ledger.policy.append(line)
        elif section == "classes":
            name, colon, keys = line.partition(":")
            if not colon:
                raise LedgerError(f"line {number}: a class line is “name : a | b | …”")
            dims.append(_dimension(name.strip(), [key.strip() for key in keys.split("|")], number))
        elif section:
            raw_rows[section].append((number, line))
        else:
            raise LedgerError(f"line {number}: text before the first [section]")
    ledger.dims = tuple(dims)
    for name, rows in raw_rows.items():
        ledger.tables[name] = [_row(ledger.dims, number, line) for number, line in rows]
    return ledger


def _dimension(name: str, keys: list[str], number: int) -> Dimension:
    if all(re.fullmatch(r"\d+(-\d+|\+)?", key) for key in keys):
        classes = []
        for key in keys:
            low, _, high = key.rstrip("+").partition("-")
            classes.append(
                Klass(key, low=int(low), high=None if key.endswith("+") else int(high or low))
            )
        return Dimension(name, tuple(classes))
    return Dimension(name, tuple(Klass(key, value=key) for key in keys))


def _row(dims: Sequence[Dimension], number: int, line: str) -> Row:
    condition, arrow, outcome = line.partition(ARROW)
    if not arrow:
        raise LedgerError(f"line {number}: a row is “answer=classes …{ARROW}outcome”")
    by_name = {dim.name: index for index, dim in enumerate(dims)}
    when: list[tuple[int, ...] | None] = [None] * len(dims)
    for item in condition.split() if condition.strip() != "always" else []:
        name, equals, cell = item.partition("=")
        if not equals or name not in by_name:
            raise LedgerError(f"line {number}: “{item}” names no answer of [classes]")
        dim = dims[by_name[name]]
        when[by_name[name]] = _allowed(dim, cell, number)
    return Row(tuple(when), outcome.strip())


def _allowed(dim: Dimension, cell: str, number: int) -> tuple[int, ...]:
    allowed: list[int] = []
    for item in cell.split(","):
        keys = dim.keys()
        if item in keys:
            allowed.append(keys.index(item))
            continue
        span = re.fullmatch(r"(\d+)(?:-(\d+)|(\+))?", item) if dim.numeric else None
        if span is None:
            raise LedgerError(f"line {number}: “{item}” is not a class of {dim.name}")
        low = int(span.group(1))
        high = None if span.group(3) else int(span.group(2) or low)
        inside = [
            i
            for i, k in enumerate(dim.classes)
            if k.low is not None
            and k.low >= low
            and (high is None or (k.high is not None and k.high <= high))
        ]
        if not inside or dim.classes[inside[0]].low != low:
            raise LedgerError(f"line {number}: “{item}” does not match the classes of {dim.name}")
        allowed += inside
    return tuple(sorted(set(allowed)))
