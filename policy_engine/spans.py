"""A policy's dates: the one that picks the version judging a case, and the spans it names.

A policy declares, once for the whole file (not per version):

    version_date = "purchase_date"        # the date question whose day picks the version

    [spans.days_since_purchase]           # a span a condition may read, by this name
    from = "purchase_date"                # two date questions: calendar days from one to the other
    to = "request_date"
    about = "the calendar days from the purchase to the request"
    staff = "since purchase"              # the CLI: "Day 7 since purchase"
    # What the answer says of it ({days}: "1 day", "12 days"), all four or none: with no request
    # date given (asked today), then with one.
    today = "It was delivered today."
    ago = "It was delivered {days} ago."
    dated_same_day = "Your request is dated the day it was delivered."
    dated_after = "Your request is dated {days} after the delivery."

A span is a whole number of calendar days (day 0 when both dates are the same day), and its two
dates must be in order: the checker refuses a ``from`` after its ``to``, in the questions' own
words. The engine knows no span of its own: each policy names its own.

Standard library only: this module runs in the visitor's browser too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Every policy asks for the date of the request (the page fills it in with the visitor's today).
REQUEST_DATE = "request_date"
# The version date of a file that names none (the refund policy's, before files named it).
DEFAULT_VERSION_DATE = "purchase_date"
# A span counts days: its name says so, and keeps it apart from every other key of a result.
_NAME = re.compile(r"days_[a-z0-9_]+")
# What the answer says of a span: asked today (day 0, or later), then with a request date given.
SENTENCES = ("today", "ago", "dated_same_day", "dated_after")
_KEYS = ("from", "to", "about", "staff", *SENTENCES)

Problem = Callable[[tuple[Any, ...], str], None]


@dataclass(frozen=True)
class Span:
    """Calendar days from one date answer (``start``) to another (``end``)."""

    name: str
    start: str  # the field of the earlier date ("from" in the file)
    end: str  # the field of the later date ("to")
    about: str  # what it is, in words (a condition's messages)
    staff: str  # after "Day 7" in the CLI ("since purchase")
    # The answer's sentences about it, by SENTENCES' names ({days} filled in); empty: none.
    sentences: Mapping[str, str] = field(default_factory=dict, compare=False)

    def sentence(self, days: int, request_given: bool) -> str:
        """What the answer says of this span ("" when the file gives no sentences)."""
        if not self.sentences:
            return ""
        if request_given:
            said = self.sentences["dated_same_day" if days == 0 else "dated_after"]
        else:
            said = self.sentences["today" if days == 0 else "ago"]
        return said.replace("{days}", f"{days:,} day{'s' if days != 1 else ''}")

    def days(self, answers: Any) -> int:
        """The span of ``answers`` (any object with the two dates as attributes)."""
        started: date = getattr(answers, self.start)
        ended: date = getattr(answers, self.end)
        return (ended - started).days


@dataclass(frozen=True)
class Dates:
    """The dates a policy file declares: which date picks the version, and its spans."""

    version_date: str = DEFAULT_VERSION_DATE
    spans: tuple[Span, ...] = ()

    @property
    def by_name(self) -> dict[str, Span]:
        return {span.name: span for span in self.spans}

    @property
    def in_order(self) -> tuple[tuple[str, str], ...]:
        """The pairs of dates that must be in order (the first on or before the second): each
        span's, and the version date's before the request's, which holds for every policy (a
        case is asked about after it happened) whether or not a span says so."""
        pairs = [(span.start, span.end) for span in self.spans]
        if (self.version_date, REQUEST_DATE) not in pairs:
            pairs.append((self.version_date, REQUEST_DATE))
        return tuple(pairs)

    @property
    def fields(self) -> tuple[str, ...]:
        """Every date field the file's dates name (the version date first)."""
        named = [self.version_date, REQUEST_DATE]
        for span in self.spans:
            named += [span.start, span.end]
        return tuple(dict.fromkeys(named))


def read_dates(
    data: Mapping[str, Any],
    problem: Problem,
    misplaced: Callable[[str], str | None] = lambda key: None,
) -> Dates:
    """The file's ``version_date`` and ``[spans.<name>]``; each mistake goes to ``problem``
    (with the path of its key; ``misplaced`` says what to say of a version's value written
    under a span, TOML's reading of a line above ``[[versions]]``). Whether the fields named are
    date questions is checked with the versions' questions (:func:`check_fields`)."""
    version_date = data.get("version_date", DEFAULT_VERSION_DATE)
    if not isinstance(version_date, str) or not version_date:
        problem(
            ("version_date",),
            "version_date names the date question whose day picks the version that judges a "
            'case, in quotes, like version_date = "purchase_date"',
        )
        version_date = DEFAULT_VERSION_DATE
    given = data.get("spans", {})
    if not isinstance(given, dict):
        problem(("spans",), "spans must be sections, one per span, like " + _EXAMPLE)
        return Dates(version_date)
    spans = []
    for name, entry in given.items():
        path = ("spans", name)
        if not _NAME.fullmatch(name):
            problem(
                path,
                f"the span {name} must be named days_… in lower case with underscores (it counts "
                "days), like [spans.days_since_delivery]",
            )
            continue
        if not isinstance(entry, dict):
            problem(path, f"the span {name} must be a section with its lines under it: {_EXAMPLE}")
            continue
        wrong = False
        for key in entry:
            if key not in _KEYS:
                # Reported, but the span is still read: the conditions reading it stay quiet.
                said = misplaced(key) or f"{key} is not a line of a span; it has {', '.join(_KEYS)}"
                problem((*path, key), said)
        for key in ("from", "to"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                problem(
                    path if key not in entry else (*path, key),
                    f'the span {name} needs {key} = "<a date question>", like {_EXAMPLE}',
                )
                wrong = True
        if wrong:
            continue
        start, end = str(entry["from"]), str(entry["to"])
        if start == end:
            problem((*path, "to"), f"the span {name} goes from {start} to itself: name two dates")
            continue
        words = {key: entry.get(key, "") for key in ("about", "staff", *SENTENCES)}
        for key, text in words.items():
            if not isinstance(text, str):
                problem((*path, key), f"{key} must be words in quotes")
                wrong = True
        given = [key for key in SENTENCES if words[key]]
        if given and len(given) != len(SENTENCES):
            missing = ", ".join(key for key in SENTENCES if key not in given)
            problem(path, f"the span {name} gives some of its sentences: add {missing} too")
            wrong = True
        if wrong:
            continue
        spans.append(
            Span(
                name,
                start,
                end,
                str(words["about"]) or f"the calendar days from {start} to {end}",
                str(words["staff"]) or f"since {start.removesuffix('_date').replace('_', ' ')}",
                {key: str(words[key]) for key in given},
            )
        )
    return Dates(version_date, tuple(spans))


def check_fields(
    dates: Dates, is_date: Mapping[str, bool], at: tuple[Any, ...], problem: Problem
) -> None:
    """Every field the file's dates name is a date question of the version (``is_date``: its
    questions, by field, whether each is a date); the problem is reported at ``at``."""
    for name in dates.fields:
        if name not in is_date:
            why = (
                "every policy asks the date of the request (the page fills it in)"
                if name == REQUEST_DATE
                else f"the policy's dates name {name} (its version_date or a span), which this "
                "version does not ask"
            )
            problem(at, f'{why}: add a section [versions.questions.{name}] with kind = "date"')
        elif not is_date[name]:
            problem((*at, name), f'{name} is one of the policy\'s dates: kind = "date"')


_EXAMPLE = (
    '[spans.days_since_delivery] from = "delivery_date", to = "request_date", '
    'about = "the days from delivery to the request"'
)

__all__ = [
    "DEFAULT_VERSION_DATE",
    "REQUEST_DATE",
    "SENTENCES",
    "Dates",
    "Span",
    "check_fields",
    "read_dates",
]
