"""The words of the self-check's outcomes, as the policy's data (``policy.toml``).

What a result tells the customer besides the verdict and the clauses: the notes (what else the
policy says about their case), the warnings (said under the verdict and in the email), the
alternatives to a refund, how a refund arrives, and the email's fixed lines. Which of them applies
when is the rules' business (each rulebook's outcomes, :mod:`policy_engine.advice`); their words
are data, given per version of the policy (a later version gives only what it changes), and the
build checks them word for word
against the policy page: each text's ``quote`` is the page's own words, found in the passage the
page marks with ``{note: id}`` (or ``{warning: …}``, ``{alternative: …}``, ``{refund-timing: …}``),
or in the words of the clause it names. Its ``before`` and ``after`` are words to the customer
around the quote, which are not the policy's and are not on the page.

Standard library only: this module runs in the visitor's browser too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from policy_engine.outcomes import Decision, read_decision
from policy_engine.summary import SummaryLayout
from policy_engine.words import PolicyWords


@dataclass(frozen=True)
class Kind:
    """One kind of outcome text: its section in ``policy.toml`` (``[versions.<section>.<id>]``),
    its page marker (``{<marker>: id}``) and its ids."""

    section: str
    marker: str
    what: str  # in messages: "note"
    ids: tuple[str, ...]
    email: bool = False  # each has a line for the email too


# The kinds' sections in policy.toml, in the order a version gives them, and their page markers.
SECTIONS = ("notes", "warnings", "alternatives", "refund-timing")
MARKERS = ("note", "warning", "alternative", "refund-timing")


@dataclass(frozen=True)
class OutcomeIds:
    """A policy's outcome texts by id, as its rulebook declares them (their words are its
    ``policy.toml``'s): every note, in the order the result gives them; which notes and clauses
    carry a warning, in the order they are shown (kind "note" or "clause", id); the alternatives
    to what the customer asks for; and the ways a refund may arrive. A policy may have none."""

    notes: tuple[str, ...] = ()
    warning_sources: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[str, ...] = ()
    refund_timing: tuple[str, ...] = ()
    # The answers the email's subject and opening may name, as {slot}s (see Rulebook.email_slots).
    email_slots: tuple[str, ...] = ()
    # The policy's own sentences ([sentences] in its file), by name, for what its outcomes say
    # in words of their own (the refund policy's: how long ago the purchase was).
    sentences: tuple[str, ...] = ()

    @property
    def warning_notes(self) -> frozenset[str]:
        """The notes that are warnings: their words are under [versions.warnings]."""
        return frozenset(id for kind, id in self.warning_sources if kind == "note")

    @property
    def kinds(self) -> tuple[Kind, ...]:
        warning_notes = self.warning_notes
        return (
            Kind("notes", "note", "note", tuple(n for n in self.notes if n not in warning_notes)),
            Kind("warnings", "warning", "warning", tuple(i for _, i in self.warning_sources), True),
            Kind("alternatives", "alternative", "alternative", self.alternatives),
            Kind("refund-timing", "refund-timing", "refund timing", self.refund_timing),
        )

    @property
    def kind_by_marker(self) -> dict[str, Kind]:
        return {kind.marker: kind for kind in self.kinds}


# The sentences of the engine's timing (policy_engine.rules.timing): how long after the purchase
# the request is ({days} filled in), next to the policy's window. A policy's [sentences] gives them.
TIMING_SENTENCES = ("window", "bought_today", "bought_ago", "dated_same_day", "dated_after")
# The fields of one text, in the order it is said.
FIELDS = ("before", "quote", "after", "email", "clause")
# Parts after which the next is joined without a space: "Manual assistance" + ": help …".
_JOINS_CLOSE = re.compile(r"^[,.;:)]")


@dataclass(frozen=True)
class Quoted:
    """One outcome text: the policy's words (``quote``, placeholders filled in, as on the page),
    with words to the customer before and after them; a warning's ``email`` line; ``clause``:
    the clause whose words the quote is from (else the page marks where it is); ``where``: the
    file and line of the quote (``checker/policy.toml:57``), for messages."""

    quote: str
    before: str = ""
    after: str = ""
    email: str = ""
    clause: str = ""
    where: str = field(default="", compare=False)

    @property
    def text(self) -> str:
        """What the customer reads: before, the quote and after, as one text."""
        out = ""
        for part in (self.before, self.quote, self.after):
            if not part:
                continue
            out = f"{out}{'' if not out or _JOINS_CLOSE.match(part) else ' '}{part}"
        return out


# The email's fixed lines ([versions.email]): each name, the {slots} it may hold (filled by the
# checker, and by the page's decision table, with the same words), and whether it is a list.
EMAIL_SLOTS: dict[str, tuple[str, ...]] = {
    "subject": ("bought",),
    "blank_subject": (),
    "opening": ("bought",),
    "result": ("today", "title"),
    "version": ("effective", "last_updated"),
    "newer": ("effective", "title"),
    "link": ("link",),
    "warnings": (),
    "answers": (),
    # The answers in short lines ("Bought: {bought}, a {kind}"), each shown only when the
    # customer was asked every answer it names; and, in the email written before any answer,
    # the lines that stand in for them ("Purchase date: ").
    "answer_lines": ("bought",),
    "blank_answers": (),
    "closing": (),
}
EMAIL_LISTS = frozenset({"opening", "answer_lines", "blank_answers"})
# Lines a policy may leave out (without answer_lines, the email lists each question and answer).
EMAIL_OPTIONAL = frozenset({"answer_lines", "blank_answers"})
# The lines that may also name the policy's own answers (its rulebook's email_slots: {reason}).
EMAIL_ANSWER_LINES = frozenset({"subject", "opening", "answer_lines"})
EMAIL_NEEDS = {"link": ("link",)}
# A {slot} in an email line (filled by the checker, and by the page's table.js alike).
SLOT_PATTERN = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class EmailLines:
    """The email's fixed lines, with their ``{slots}`` (see :data:`EMAIL_SLOTS`)."""

    subject: str = ""
    blank_subject: str = ""
    opening: tuple[str, ...] = ()
    result: str = ""
    version: str = ""
    newer: str = ""
    link: str = ""
    warnings: str = ""
    answers: str = ""
    answer_lines: tuple[str, ...] = ()
    blank_answers: tuple[str, ...] = ()
    closing: str = ""


# What the self-check says for each of its answers, and of a clause's effect, and how the clauses
# decide: the policy file's ([outcomes.<id>], [effects], [[decide]]: policy_engine/outcomes.py),
# the same for every version (the words of the self-check, not the policy's terms, which a
# version freezes).
# The self-check's own name ([self-check]): its heading on the page, and how a copied summary
# starts.
SELF_CHECK_FIELDS = {
    "heading": "the self-check's heading on the page",
    "name": "its name, at the start of a copied summary",
}


@dataclass(frozen=True)
class OutcomeTexts:
    """Every outcome text of one version, by kind and id."""

    # The self-check's answers, its clauses' effects and how they decide (the whole file's).
    decision: Decision = field(default_factory=Decision)
    self_check: Mapping[str, str] = field(default_factory=dict)
    # The table of usual outcomes' layout and words ([summary]; empty: the policy has none).
    summary: SummaryLayout = field(default_factory=SummaryLayout)
    sentences: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, Quoted] = field(default_factory=dict)
    warnings: Mapping[str, Quoted] = field(default_factory=dict)
    alternatives: Mapping[str, Quoted] = field(default_factory=dict)
    refund_timing: Mapping[str, Quoted] = field(default_factory=dict)
    email: EmailLines = field(default_factory=EmailLines)
    # What the policy is about, in its words ([words]), the same for every version.
    words: PolicyWords = field(default_factory=PolicyWords)

    def of(self, kind: Kind) -> Mapping[str, Quoted]:
        return {
            "notes": self.notes,
            "warnings": self.warnings,
            "alternatives": self.alternatives,
            "refund-timing": self.refund_timing,
        }[kind.section]


# Comparing a quote with the page ---------------------------------------------------------------


def plain(text: str) -> str:
    """Words as compared: Markdown links read as their text, spaces collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())


def quoted_in(quote: str, passage: str) -> bool:
    """Whether ``quote`` is word for word in ``passage``. A full stop at its end does not matter,
    nor the case of its first letter (a quote may start a sentence the page runs on)."""
    wanted = plain(quote).rstrip(".").strip()
    words = plain(passage)
    if not wanted:
        return False
    for match in re.finditer(re.escape(wanted[1:]), words):
        start = match.start() - 1
        if start < 0 or words[start].lower() != wanted[0].lower():
            continue
        if start > 0 and words[start - 1].isalnum():
            continue
        end = match.end()
        if end < len(words) and words[end].isalnum() and wanted[-1].isalnum():
            continue
        return True
    return False


# Reading the texts of policy.toml ----------------------------------------------------------------

Problem = Callable[[tuple[Any, ...], str], None]


@dataclass(frozen=True)
class Given:
    """One text as ``policy.toml`` writes it (placeholders and all), and where: the path of its
    section, in the version that gave it (a later version inherits it from there)."""

    parts: Mapping[str, str]
    path: tuple[Any, ...]


# One version's texts as written: kind section -> id -> text.
Written = dict[str, dict[str, Given]]


def _close(name: str, names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f" Did you mean {close[0]}?" if close else ""


def _markup(text: str) -> bool:
    return "<" in text or ">" in text


def plain_only(text: str) -> str | None:
    """What is wrong with ``text`` as plain text (None: nothing)."""
    return _PLAIN_ONLY if _markup(text) else None


_PLAIN_ONLY = (
    "holds “<” or “>”, which the pages would read as HTML; policy.toml holds plain text only. "
    "Remove them, or write the words (“less than”, “more than”) instead"
)


def read_version_texts(
    table: Mapping[str, Any],
    at: tuple[Any, ...],
    before: Written,
    first: bool,
    clause_ids: tuple[str, ...],
    problem: Problem,
    ids: OutcomeIds,
) -> Written:
    """One version's texts: those it gives (each whole), over those it inherits (``before``).
    The first version gives every one. Each mistake goes to ``problem(path, message)``."""
    out: Written = {kind.section: dict(before.get(kind.section, {})) for kind in ids.kinds}
    for kind in ids.kinds:
        given = table.get(kind.section, {})
        where = (*at, kind.section)
        if not isinstance(given, dict):
            problem(
                where,
                f"{kind.section} must be sections, one per {kind.what}, like "
                f'[versions.{kind.section}.{kind.ids[0]}] with a line quote = "…" under it',
            )
            continue
        for text_id, entry in given.items():
            path = (*where, text_id)
            if kind.section == "notes" and text_id in ids.warning_notes:
                continue  # it says when its warning applies; the words are the warning's
            if text_id not in kind.ids:
                continue  # not said when it applies: the rules' reader says so (version_rules)
            if not isinstance(entry, dict):
                problem(
                    path,
                    f"the {kind.what} {text_id} must be a section [versions.{kind.section}."
                    f'{text_id}] with a line quote = "the policy page\'s words" under it',
                )
                continue
            read = _entry(kind, text_id, entry, path, clause_ids, problem)
            if read is not None:
                out[kind.section][text_id] = Given(read, path)
        if first or given:
            for text_id in kind.ids:
                if text_id not in out[kind.section]:
                    problem(
                        where,
                        f"the {kind.what} {text_id} has no words; add a section "
                        f"[versions.{kind.section}.{text_id}] with a line "
                        'quote = "its words, as on the policy page"',
                    )
    return out


def _entry(
    kind: Kind,
    text_id: str,
    entry: Mapping[str, Any],
    path: tuple[Any, ...],
    clause_ids: tuple[str, ...],
    problem: Problem,
) -> dict[str, str] | None:
    allowed = [name for name in FIELDS if name != "email" or kind.email]
    read: dict[str, str] = {}
    fine = True
    for name, value in entry.items():
        if name == "when" and kind.section != "warnings":
            continue  # when it applies: the rules' reader reads it (version_rules.py)
        if name not in allowed:
            problem(
                (*path, name),
                f"{name} is not a part of a {kind.what}.{_close(name, tuple(allowed))} A "
                f"{kind.what} has {', '.join(allowed)}",
            )
            fine = False
        elif not isinstance(value, str) or not value.strip():
            problem(
                (*path, name),
                f"{name} of the {kind.what} {text_id} must be text in double quotes; it is "
                f"{'empty' if isinstance(value, str) else 'not text'}. Remove the line if it "
                "has nothing to say",
            )
            fine = False
        elif _markup(value):
            problem((*path, name), f"{name} of the {kind.what} {text_id} {_PLAIN_ONLY}")
            fine = False
        else:
            read[name] = " ".join(value.split())
    for needed in ("quote", "email") if kind.email else ("quote",):
        if needed not in entry:
            what = "the policy page's words" if needed == "quote" else "the customer's words"
            problem(
                path,
                f'the {kind.what} {text_id} has no {needed}; add a line {needed} = "{what}"',
            )
            fine = False
    clause = read.get("clause")
    if clause is not None and clause_ids and clause not in clause_ids:
        problem(
            (*path, "clause"),
            f"{clause} is not a clause of the self-check.{_close(clause, clause_ids)} The "
            f"clauses are: {', '.join(clause_ids)}",
        )
        fine = False
    return read if fine else None


def fill_texts(
    written: Written,
    email: Mapping[str, Any],
    fill: Callable[[str], str],
    clause_texts: Mapping[str, str],
    line_of: Callable[[tuple[Any, ...]], str],
    problem: Problem,
    ids: OutcomeIds,
) -> OutcomeTexts:
    """One version's texts with its values in their placeholders; a quote of a clause must be
    that clause's words."""
    made: dict[str, dict[str, Quoted]] = {}
    for kind in ids.kinds:
        made[kind.section] = {}
        for text_id, given in written.get(kind.section, {}).items():
            path = given.path
            filled: dict[str, str] = {}
            for name, value in given.parts.items():
                try:
                    filled[name] = fill(value) if name != "clause" else value
                except ValueError as error:
                    problem((*path, name), f"in the {kind.what} {text_id}, {error}")
            if "quote" not in filled:
                continue
            clause = filled.get("clause", "")
            if clause and not quoted_in(filled["quote"], clause_texts.get(clause, "")):
                problem(
                    (*path, "quote"),
                    f"the quote of the {kind.what} {text_id} is not words of clause {clause}: "
                    f"it says “{filled['quote']}”, the clause says "
                    f"“{clause_texts.get(clause, '')}”. Copy the words from the clause's line "
                    "under [versions.clauses]",
                )
            made[kind.section][text_id] = Quoted(
                quote=filled["quote"],
                before=filled.get("before", ""),
                after=filled.get("after", ""),
                email=filled.get("email", ""),
                clause=clause,
                where=line_of((*path, "quote")),
            )
    return OutcomeTexts(
        notes=made["notes"],
        warnings=made["warnings"],
        alternatives=made["alternatives"],
        refund_timing=made["refund-timing"],
        email=(
            EmailLines(**email) if set(EMAIL_SLOTS) - EMAIL_OPTIONAL <= set(email) else EmailLines()
        ),
    )


def read_email(
    table: Mapping[str, Any],
    at: tuple[Any, ...],
    before: dict[str, Any],
    first: bool,
    problem: Problem,
    ids: OutcomeIds,
) -> dict[str, Any]:
    """One version's email lines ([versions.email]): those it gives, over those it inherits."""
    where = (*at, "email")
    given = table.get("email", {})
    lines = dict(before)
    if not isinstance(given, dict):
        problem(where, "email must be a section [versions.email] with one line per email line")
        return lines
    for name, value in given.items():
        path = (*where, name)
        if name not in EMAIL_SLOTS:
            problem(
                path,
                f"{name} is not a line of the email.{_close(name, tuple(EMAIL_SLOTS))} The lines "
                f"are: {', '.join(EMAIL_SLOTS)}",
            )
            continue
        if name in EMAIL_LISTS and not (
            isinstance(value, list)
            and (value or name in EMAIL_OPTIONAL)
            and all(isinstance(t, str) for t in value)
        ):
            problem(path, f'{name} must be a list of lines in quotes, like {name} = ["…", ""]')
            continue
        if name not in EMAIL_LISTS and (not isinstance(value, str) or not value.strip()):
            problem(path, f"{name} must be text in double quotes; it is empty or not text")
            continue
        texts = value if name in EMAIL_LISTS else [value]
        fine = True
        for text in texts:
            if _markup(text):
                problem(path, f"the email's line {name} {_PLAIN_ONLY}")
                fine = False
            slots = EMAIL_SLOTS[name] + (ids.email_slots if name in EMAIL_ANSWER_LINES else ())
            wrong = [slot for slot in SLOT_PATTERN.findall(text) if slot not in slots]
            if wrong:
                can = ", ".join("{" + slot + "}" for slot in slots) or "none"
                problem(
                    path,
                    f"{{{wrong[0]}}} is not something the self-check fills in the email's line "
                    f"{name}; it can fill: {can}",
                )
                fine = False
        for needed in EMAIL_NEEDS.get(name, ()):
            if not any("{" + needed + "}" in text for text in texts):
                problem(path, f"the email's line {name} must hold {{{needed}}}, where it goes")
                fine = False
        if fine:
            lines[name] = tuple(value) if name in EMAIL_LISTS else value
    if first:
        for name in EMAIL_SLOTS:
            if name not in given and name not in EMAIL_OPTIONAL:
                problem(
                    where,
                    f'the email\'s line {name} is missing; add a line {name} = "…" under '
                    "[versions.email]",
                )
    return lines


def _lines(
    given: object,
    path: tuple[Any, ...],
    lines: Mapping[str, str],
    what: str,
    problem: Problem,
    misplaced: Callable[[str], str | None] = lambda key: None,
) -> dict[str, str]:
    """A section of named lines of plain text (``lines``: each name and what it says), each
    required; ``what`` names the section for a message when it is missing. A value of a version
    written just above [[versions]] lands in the section before it: ``misplaced`` says so."""
    heading = "[" + ".".join(str(part) for part in path) + "]"
    listed = ", ".join(f'{name} = "…"' for name in lines)
    if not isinstance(given, dict):
        problem(path[:1], f"{what} are missing; add a section {heading} with the lines {listed}")
        return {}
    out: dict[str, str] = {}
    for key in given:
        if key not in lines:
            problem(
                (*path, key),
                misplaced(key)
                or f"{key} is not a line of {heading}.{_close(key, tuple(lines))} The lines "
                f"are: {', '.join(lines)}",
            )
    for name, says in lines.items():
        value = given.get(name)
        if not isinstance(value, str) or not value.strip():
            where = (*path, name) if name in given else path
            problem(where, f'{heading} needs {name} = "{says}", in double quotes')
        elif _markup(value):
            problem((*path, name), f"the line {name} of {heading} {_PLAIN_ONLY}")
        else:
            out[name] = value
    return out


def read_answer_words(
    data: Mapping[str, Any], problem: Problem, misplaced: Callable[[str], str | None]
) -> tuple[Decision, dict[str, str]]:
    """The file's self-check answers and how its clauses decide among them ([outcomes.<id>],
    [effects], [[decide]]: :func:`policy_engine.outcomes.read_decision`) and the self-check's own
    words ([self-check]: heading, name). Each mistake goes to ``problem(path, message)``."""
    effects = _effects(data.get("effects"), problem, misplaced)
    decision = read_decision(
        data, effects, problem, lambda text: _PLAIN_ONLY if _markup(text) else None
    )
    self_check = _lines(
        data.get("self-check"),
        ("self-check",),
        SELF_CHECK_FIELDS,
        "the self-check's heading and name",
        problem,
        misplaced,
    )
    return decision, self_check


def _effects(
    given: object, problem: Problem, misplaced: Callable[[str], str | None]
) -> dict[str, str]:
    """[effects]: each effect a clause may have, by its id, with the words the answer says it in
    (a phrase that finishes "It …": "Supports a refund")."""
    example = 'a section [effects] with a line per effect, like supports = "Supports a refund"'
    if not isinstance(given, dict) or not given:
        problem(("effects",), f"the words for what a clause does are missing; add {example}")
        return {}
    out: dict[str, str] = {}
    for name, value in given.items():
        if (wrong := misplaced(name)) is not None:
            problem(("effects", name), wrong)
        elif not isinstance(value, str) or not value.strip():
            problem(("effects", name), f'[effects] needs {name} = "its words", in double quotes')
        elif _markup(value):
            problem(("effects", name), f"the line {name} of [effects] {_PLAIN_ONLY}")
        else:
            out[name] = value
    return out


def read_sentences(
    data: Mapping[str, Any],
    names: tuple[str, ...],
    problem: Problem,
    misplaced: Callable[[str], str | None],
) -> dict[str, str]:
    """The policy's own sentences ([sentences]: one line per name its rulebook declares, each
    with ``{{ value }}`` placeholders and the ``{slots}`` its outcomes fill), as written."""
    given = data.get("sentences")
    if not names and given is None:
        return {}
    return _lines(
        given,
        ("sentences",),
        dict.fromkeys(names, "…"),
        "the policy's sentences",
        problem,
        misplaced,
    )


def with_answer_lines(
    email: dict[str, Any], questions: Sequence[Any], slots: Mapping[str, tuple[str, str]]
) -> dict[str, Any]:
    """The email's lines, with a line for each question the customer answers that no answer line
    names (a question a version adds: "Where did you buy it? {bought_from}"). A policy without
    answer lines lists every answer anyway."""
    lines = tuple(email.get("answer_lines", ()))
    if not lines:
        return email
    named = {slot for line in lines for slot in SLOT_PATTERN.findall(line)}
    named |= {slots[slot][0] for slot in named if slot in slots}
    added = []
    for question in questions:
        slot = next((s for s, (field, _) in slots.items() if field == question.field), None)
        if (
            question.asker.value != "customer"
            or question.kind.value == "date"
            or question.field in named
            or slot is None
            or slot in named
        ):
            continue
        added.append(f"{question.label} {{{slot}}}")
    return {**email, "answer_lines": (*lines, *added)} if added else email
