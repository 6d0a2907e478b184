"""The policy's parameters and clause wording, read from ``policy.toml`` (defined once).

The same file feeds the self-check's verdicts and, through the site's Markdown extension, the
sentences of the published policy. Nothing here imports anything outside the standard library: this
module also runs in the visitor's browser.

The file keeps every published version of the policy, oldest first (``[[versions]]``): the date it
took effect, its values and its clause words. A version gives only what it changes; the rest it
inherits from the version before. Editors write this file, so every mistake in it is reported as
``policy.toml:LINE: what is wrong; what to write instead``, all of them at once.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, cast

from policy_engine import texts as outcome_texts
from policy_engine import version_rules
from policy_engine.spans import Dates, read_dates
from policy_engine.summary import SummaryLayout, check_summary, read_summary
from policy_engine.texts import OutcomeIds, OutcomeTexts
from policy_engine.version_rules import VersionRules
from policy_engine.words import read_words

# {{ name }}: a value of the policy in its text. Anything between the braces is a name: one that
# is not a value (a typo, a space) is an error, never text left as it was.
PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[^{}\n]*?)\s*\}\}")
# The key of a field's metadata that names the answer a policy value is a threshold for.
COMPARED_WITH = "compared_with"
_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: date) -> str:
    """A date as people write it: "1 May 2026" (ISO dates are for machines)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


class PolicyError(ValueError):
    """``policy.toml`` cannot be used. ``problems`` holds one line per mistake, each saying
    where it is, what is wrong and what to write instead."""

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# What each value of the file is, declared once -------------------------------------------------

# The key of a Policy field's metadata that holds its Parameter (see Policy).
PARAMETER = "parameter"


class Scope(Enum):
    """Where a value is given in ``policy.toml``, and whether a version may change it."""

    FILE = "file"  # once for the whole file: no version changes it
    VERSION = "version"  # the first version gives it; a later one gives it only to change it
    OWN = "own"  # each version gives its own (never inherited)


@dataclass(frozen=True)
class Parameter:
    """Everything about one value of the policy, declared once, on its :class:`Policy` field.

    The file reader's checks and messages, the ``{{ name }}`` placeholders, the ordering check,
    the history page's words, the frozen values of the review, the proofreader's numbers and the
    ledger's thresholds are all read from here (OpenFisca keeps its parameters the same way)."""

    kind: str  # "days", "count", "text", "email", "date", "list"
    scope: Scope
    example: str  # the value as a correct line writes it: 7, "May 2026", 2024-01-01
    label: str  # the value in words (the history page)
    unit: str = ""  # what a number counts, in the reader's messages ("days", "requests")
    lowest: int = 0
    highest: int = 0
    shown: str = "{}"  # how the history page shows a value
    # Words (their beginnings, lowercase) that show a sentence is about this value: a number
    # beside none of them only happens to equal it (the build's proofreader reads them).
    about: tuple[str, ...] = ()
    # The answer a rule compares this number with: the ledger (policy_review/ledger.py) draws
    # that answer's classes around it.
    compared_with: str | None = None
    # The value this one may not be more than (both in the same unit): "5-10 days".
    at_most: str | None = None
    in_text: bool = True  # whether {{ name }} can show it
    optional: bool = False  # a version may leave it out (it is then empty)
    name: str = ""  # the field's name, filled in by parameters_of()

    @property
    def example_line(self) -> str:
        return f"{self.name} = {self.example}"

    @property
    def is_number(self) -> bool:
        return self.kind in ("days", "count")

    def text(self, value: Any) -> str:
        """The value as ``{{ name }}`` shows it."""
        return long_date(value) if self.kind == "date" else str(value)


def declared(parameter: Parameter) -> dict[str, Any]:
    """The metadata of a :class:`Policy` field that declares ``parameter``."""
    metadata: dict[str, Any] = {PARAMETER: parameter}
    if parameter.compared_with is not None:
        metadata[COMPARED_WITH] = parameter.compared_with
    return metadata


def support_email() -> Any:
    """Where customers write (a value of the whole file): every policy has it."""
    return field(
        metadata=declared(
            Parameter("email", Scope.FILE, '"support@imgtostl.com"', "Where customers write")
        )
    )


def last_updated() -> Any:
    """A version's "Last updated" words."""
    return field(metadata=declared(Parameter("text", Scope.OWN, '"May 2026"', "Last updated")))


def sales_started() -> Any:
    """The first day the company sold anything: a purchase before it is a typing slip."""
    return field(metadata=declared(Parameter("date", Scope.FILE, "2024-01-01", "Sales started")))


def clause_texts() -> Any:
    """Clause id -> the clause's words, placeholders already filled in."""
    return field(default_factory=dict)


def texts() -> Any:
    """The words of the outcomes (notes, warnings, alternatives, refund timing, the email's
    lines), placeholders filled in: :mod:`policy_engine.texts`."""
    return field(default_factory=OutcomeTexts)


def rules() -> Any:
    """What the version asks and how it decides: its questions, clauses and when each outcome
    applies (:mod:`policy_engine.version_rules`)."""
    return field(default_factory=VersionRules)


def effective() -> Any:
    """The day a version took effect."""
    return field(
        default=date(2024, 1, 1),
        metadata=declared(Parameter("date", Scope.OWN, "2026-05-01", "Takes effect")),
    )


def changes() -> Any:
    """What the editor says changed in a version."""
    return field(
        default="",
        metadata=declared(
            Parameter(
                "text",
                Scope.OWN,
                '"The refund window is now 14 days."',
                "What changed",
                in_text=False,
            )
        ),
    )


def typo_fixes() -> Any:
    """Corrections of wording made after a version took effect, each said in words."""
    return field(
        default=(),
        metadata=declared(
            Parameter(
                "list",
                Scope.OWN,
                '["3 June 2026: “acount” → “account”"]',
                "Typo fixes",
                in_text=False,
                optional=True,
            )
        ),
    )


class Policy:
    """One version of a policy: every value its rules or its texts depend on.

    Each policy declares its values as a frozen dataclass extending this class: one field per
    value, declared with its :class:`Parameter` (the field's order is the order of the
    placeholders and of the ledger's [policy] lines), and the values every policy has declared
    by the functions above (``support_email: str = support_email()``, …), in the places the
    policy wants them. (The declaration is the field itself, not a list beside it, so that the
    name is written once and ``policy.refund_window_days`` stays typed for mypy --strict.)
    :class:`StandardPolicy` is the one of a policy with no values of its own.
    """

    support_email: str
    last_updated: str
    sales_started: date
    clause_texts: dict[str, str]
    texts: OutcomeTexts
    rules: VersionRules
    source: str
    effective: date
    changes: str
    typo_fixes: tuple[str, ...]

    def parameters(self) -> dict[str, str]:
        """The values that ``{{ name }}`` placeholders can show, as text."""
        return {
            parameter.name: parameter.text(getattr(self, parameter.name))
            for parameter in parameters_of(self)
            if parameter.in_text
        }

    def value_of(self, name: str) -> str:
        """The text that ``{{ name }}`` shows. Raises :class:`PolicyError` for a name that is not
        a value, with the closest one if there is one."""
        values = self.parameters()
        if name in values:
            return values[name]
        close = closest(name, values)
        hint = f" Did you mean {{{{ {close} }}}}?" if close else ""
        known = ", ".join("{{ " + known + " }}" for known in values)
        raise PolicyError(f"{{{{ {name} }}}} is not a policy value.{hint} The values are: {known}.")

    def fill(self, text: str) -> str:
        """``text`` with each ``{{ name }}`` replaced by its value; unknown names are errors."""
        return PLACEHOLDER.sub(lambda match: self.value_of(match.group("name")), text)


@dataclass(frozen=True, kw_only=True)
class StandardPolicy(Policy):
    """The values of a policy that has none of its own: where customers write, when sales
    started, and each version's date, words and changes."""

    support_email: str = support_email()
    last_updated: str = last_updated()
    sales_started: date = sales_started()
    clause_texts: dict[str, str] = clause_texts()
    texts: OutcomeTexts = texts()
    rules: VersionRules = rules()
    source: str = "policy.toml"
    effective: date = effective()
    changes: str = changes()
    typo_fixes: tuple[str, ...] = typo_fixes()


def closest(name: str, names: Iterable[str]) -> str | None:
    """The name an editor most likely meant (spaces and hyphens read as underscores)."""
    wanted = re.sub(r"[\s-]+", "_", name.strip()).lower()
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True)
class Policies:
    """Every published version of the policy, oldest first."""

    versions: tuple[Policy, ...]
    source: str = "policy.toml"

    @property
    def dates(self) -> Dates:
        """The file's dates: the date question that picks the version, and the spans it names
        (every version's rules carry them)."""
        return self.versions[0].rules.dates if self.versions else Dates()

    @property
    def version_date(self) -> str:
        """The date answer whose day picks the version that judges a case."""
        return self.dates.version_date

    def in_force(self, day: date) -> Policy:
        """The version in force on ``day``; before the first version, the first."""
        chosen = self.versions[0]
        for version in self.versions:
            if version.effective <= day:
                chosen = version
        return chosen

    def by_effective(self, day: date) -> Policy | None:
        """The version that took effect on ``day``, if one did."""
        return next((v for v in self.versions if v.effective == day), None)

    @property
    def first(self) -> Policy:
        return self.versions[0]

    @property
    def latest(self) -> Policy:
        return self.versions[-1]


# The declared values, and what is derived from them --------------------------------------------


def parameters_of(policy: Policy | type[Policy]) -> tuple[Parameter, ...]:
    """The values declared on the fields of ``policy`` (a Policy or a class extending it), in
    the fields' order, each with its name. Raises TypeError for a declaration that cannot be
    right (a developer's mistake, never an editor's)."""
    kind = policy if isinstance(policy, type) else type(policy)
    if kind not in _DECLARED:
        _DECLARED[kind] = _parameters(kind)
    return _DECLARED[kind]


_DECLARED: dict[type[Policy], tuple[Parameter, ...]] = {}


def _parameters(kind: type[Policy]) -> tuple[Parameter, ...]:
    found = tuple(
        replace(item.metadata[PARAMETER], name=item.name)
        for item in fields(cast(Any, kind))  # a dataclass extending Policy
        if PARAMETER in item.metadata
    )
    by_name = {parameter.name: parameter for parameter in found}
    for parameter in found:
        wrong = ""
        if parameter.is_number and not (parameter.unit and parameter.lowest <= parameter.highest):
            wrong = "a number needs its unit and lowest <= highest"
        elif parameter.scope is Scope.VERSION and not parameter.label:
            wrong = "a value versions may change needs a label for the history page"
        elif parameter.at_most is not None:
            other = by_name.get(parameter.at_most)
            if other is None or other.unit != parameter.unit or not other.is_number:
                wrong = "at_most must name another number of the same unit"
        if wrong:
            raise TypeError(f"the policy value {parameter.name} is declared wrongly: {wrong}")
    return found


def versioned(parameters: Iterable[Parameter]) -> tuple[Parameter, ...]:
    """The values a version may change (the rest inherit): frozen once it takes effect, and
    shown on the history page when they change."""
    return tuple(parameter for parameter in parameters if parameter.scope is Scope.VERSION)


def ordered(parameters: Iterable[Parameter]) -> tuple[tuple[Parameter, Parameter], ...]:
    """Each pair (smaller, larger) whose first may not be more than its second."""
    given = tuple(parameters)
    by_name = {parameter.name: parameter for parameter in given}
    return tuple(
        (parameter, by_name[parameter.at_most])
        for parameter in given
        if parameter.at_most is not None
    )


def context_words(parameters: Iterable[Parameter]) -> dict[str, tuple[str, ...]]:
    """What a sentence about each value mentions (see Parameter.about), by the value's name."""
    return {parameter.name: parameter.about for parameter in parameters if parameter.about}


# Where each key is written, for messages that name its line -------------------------------------

_TABLE = re.compile(r"^\[\s*(?P<name>[^\[\]]+?)\s*\]\s*(#.*)?$")
_ARRAY_TABLE = re.compile(r"^\[\[\s*(?P<name>[^\[\]]+?)\s*\]\]\s*(#.*)?$")
_KEY = re.compile(
    r"""^(?P<key>(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.\- ])+?)\s*=(?P<rest>.*)$"""
)


def _key_path(text: str) -> tuple[str, ...]:
    """``a."b.c".d`` -> ("a", "b.c", "d")."""
    parts = re.findall(r""""((?:[^"\\]|\\.)*)"|'([^']*)'|([^.\s"']+)""", text)
    return tuple(double or single or bare for double, single, bare in parts)


class Lines:
    """Where each table and key of a TOML text is written (1-based lines).

    Paths name array tables by position: the second ``[[versions]]`` is ("versions", 1), its
    ``refund_window_days`` ("versions", 1, "refund_window_days").
    """

    def __init__(self, text: str) -> None:
        self.entries: list[tuple[int, tuple[Any, ...]]] = []
        table: tuple[Any, ...] = ()
        arrays: dict[tuple[str, ...], int] = {}
        closing: str | None = None  # the quotes of a multi-line string still open
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if closing is not None:
                if closing in line:
                    closing = None
                continue
            if not line or line.startswith("#"):
                continue
            if array := _ARRAY_TABLE.match(line):
                name = _key_path(array.group("name"))
                arrays[name] = arrays.get(name, -1) + 1
                table = (*name, arrays[name])
                self.entries.append((number, table))
            elif header := _TABLE.match(line):
                name = _key_path(header.group("name"))
                # [versions.clauses] (and [versions.notes.x]) belongs to the last [[versions]].
                owner = next(
                    (name[:n] for n in range(len(name) - 1, 0, -1) if name[:n] in arrays), ()
                )
                table = (*owner, arrays[owner], *name[len(owner) :]) if owner else name
                self.entries.append((number, table))
            elif key := _KEY.match(line):
                self.entries.append((number, (*table, *_key_path(key.group("key")))))
                rest = key.group("rest").strip()
                for quotes in ('"""', "'''"):
                    if rest.startswith(quotes) and rest.count(quotes) == 1:
                        closing = quotes

    def of(self, *path: Any) -> int:
        """The line of ``path``; else of its closest enclosing table that is written; else 1."""
        while path:
            for number, written in self.entries:
                if written == path:
                    return number
            path = path[:-1]
        return 1

    def path_at(self, line: int) -> tuple[Any, ...] | None:
        return next((path for number, path in self.entries if number == line), None)

    def first_of(self, path: tuple[Any, ...], before: int) -> int | None:
        return next((n for n, written in self.entries if written == path and n < before), None)


# Reading the file --------------------------------------------------------------------------------


def display_name(path: Path) -> str:
    """The file's name as the editor knows it: relative to the working folder when inside it."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive
        return str(path)
    return str(path) if relative.parts[:1] == ("..",) else relative.as_posix()


def read_policies(
    path: str | Path,
    *,
    clause_ids: Iterable[str] | None = None,
    policy_class: type[Policy] = StandardPolicy,
    outcome_ids: OutcomeIds | None = None,
) -> Policies:
    """Read and check a policy file.

    ``clause_ids`` are the rules' clauses: each version must give words for exactly these, and
    ``outcome_ids`` its outcome texts. ``policy_class`` declares the values the file gives (a
    dataclass extending :class:`Policy`). Raises :class:`PolicyError` with every problem found.
    """
    policy_path = Path(path)
    name = display_name(policy_path)
    try:
        text = policy_path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise PolicyError(
            f"{name}: cannot be read (there is no such file). Check the policy path in "
            "mkdocs.yml, or restore the file from git."
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise PolicyError(f"{name}: cannot be read ({why}).") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(toml_problem(error, text, name)) from error
    return policies_from_mapping(
        data,
        text=text,
        source=name,
        clause_ids=clause_ids,
        policy_class=policy_class,
        outcome_ids=outcome_ids,
    )


def policies_from_mapping(
    data: dict[str, Any],
    *,
    text: str = "",
    source: str = "policy.toml",
    clause_ids: Iterable[str] | None = None,
    policy_class: type[Policy] = StandardPolicy,
    outcome_ids: OutcomeIds | None = None,
) -> Policies:
    """Check a parsed policy file and build its :class:`Policies`.

    A file that declares its own values (``[values.NAME]``, a policy that is data:
    :mod:`policy_engine.folder`) is read with the class of those values; one that declares none
    (an older version of it, from git) with ``policy_class``."""
    lines = Lines(text)
    if VALUES_SECTION in data:
        from policy_engine import folder

        problems: list[str] = []
        found = folder.read_declarations(
            data,
            lines,
            source,
            lambda path, said: problems.append(f"{source}:{lines.of(*path)}: {said}"),
        )
        if parameters_of(policy_class) != parameters_of(StandardPolicy) and not (
            folder.declared_in_file(policy_class)
        ):
            first = (
                next(iter(data[VALUES_SECTION]), "")
                if isinstance(data[VALUES_SECTION], dict)
                else ""
            )
            problems.append(
                f"{source}:{lines.of(VALUES_SECTION, first)}: this policy's values are declared "
                "in its Python package; remove the [values] sections, or the package's "
                "declarations"
            )
        if problems:
            raise PolicyError(problems)
        policy_class = folder.policy_class(found)
    return _Reader(data, lines, source, tuple(clause_ids or ()), policy_class, outcome_ids).read()


# The section of a policy file that declares the policy's own values (policy_engine/folder.py).
VALUES_SECTION = "values"


# The file's own sections besides the versions: the self-check's words, the same for every version.
# ([verdicts] is the older form of [outcomes] and [[decide]]: policy_engine/outcomes.py.)
FILE_SECTIONS = (
    "self-check",
    "outcomes",
    "effects",
    "decide",
    "verdicts",
    "sentences",
    "summary",
    "words",
    "spans",
    "version_date",
)


class _Reader:
    def __init__(
        self,
        data: dict[str, Any],
        lines: Lines,
        source: str,
        clause_ids: tuple[str, ...],
        policy_class: type[Policy] = StandardPolicy,
        outcome_ids: OutcomeIds | None = None,
    ) -> None:
        self.policy_class = policy_class
        self.outcome_ids = outcome_ids or OutcomeIds()
        if not self.outcome_ids.sentences and "sentences" in data:
            # A policy with [sentences] says how long after the purchase a request is (the
            # engine's timing sentence): the file gives each of them.
            self.outcome_ids = replace(self.outcome_ids, sentences=outcome_texts.TIMING_SENTENCES)
        self.parameters = parameters_of(policy_class)
        # Values of the whole file (not versioned): where customers write, when sales started.
        self.file_values = tuple(p for p in self.parameters if p.scope is Scope.FILE)
        # Values of each version. The first version gives every one; a later one, only what it
        # changes (its own values, the date, "last updated" and its note, it always gives).
        self.version_values = tuple(p for p in self.parameters if p.scope is not Scope.FILE)
        self.data = data
        self.lines = lines
        self.source = source
        self.clause_ids = clause_ids
        self.problems: list[str] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(f"{self.source}:{self.lines.of(*path)}: {message}")

    def read(self) -> Policies:
        shared: dict[str, Any] = {}
        for spec in self.file_values:
            value = self.value(spec, (spec.name,), self.data)
            if value is not None:
                shared[spec.name] = value
        file_names = [spec.name for spec in self.file_values]
        self.decision, self.self_check = outcome_texts.read_answer_words(
            self.data, self.problem, self.misplaced
        )
        self.summary = read_summary(
            self.data.get("summary"),
            self.problem,
            outcome_texts.plain_only,
        )
        self.sentences = outcome_texts.read_sentences(
            self.data, self.outcome_ids.sentences, self.problem, self.misplaced
        )
        self.words = read_words(self.data.get("words"), self.problem)
        self.dates = read_dates(self.data, self.problem, self.misplaced)
        for key in self.data:
            if key in shared or key in file_names or key in ("versions", *FILE_SECTIONS):
                continue
            if key == VALUES_SECTION:
                continue
            if self.misplaced(key) is not None:
                self.problem((key,), self.misplaced(key) or "")
            else:
                self.unknown((key,), key, [*file_names, "versions", *FILE_SECTIONS])
        versions = self.versions(shared)
        # Against the questions its versions ask (once they are read without a problem).
        check_summary(
            self.summary if versions and not self.problems else SummaryLayout(),
            {q.field: q for version in versions for q in version.rules.questions},
            [spec.name for spec in self.version_values],
            self.problem,
        )
        if self.problems:
            raise PolicyError(self.problems)
        return Policies(versions=tuple(versions), source=self.source)

    def misplaced(self, key: str) -> str | None:
        """What to say of a version's value written outside a version (None: it is not one)."""
        if key in {spec.name for spec in self.version_values} or key == "clauses":
            return (
                f"{key} belongs to a version of the policy; move this line under the "
                "[[versions]] heading whose values it is"
            )
        return None

    def versions(self, shared: dict[str, Any]) -> list[Policy]:
        file_names = [spec.name for spec in self.file_values]
        tables = self.data.get("versions")
        if not (isinstance(tables, list) and tables and all(isinstance(t, dict) for t in tables)):
            self.problem(
                ("versions",),
                "there is no [[versions]] section; each published version of the policy starts "
                "with a line [[versions]] followed by its values (see EDITING.md)",
            )
            return []
        made: list[Policy] = []
        resolved: dict[str, Any] = {}
        clauses: dict[str, str] = {}
        written: outcome_texts.Written = {}
        rules_written = version_rules.Written()
        kinds = {spec.name: spec.kind for spec in self.parameters}
        email: dict[str, Any] = {}
        previous: date | None = None
        for index, table in enumerate(tables):
            at = ("versions", index)
            table = self.typo_fixes_placed(table, at)
            own: dict[str, Any] = {}
            for spec in self.version_values:
                needed = index == 0 or spec.scope is Scope.OWN
                if spec.name not in table and spec.optional:
                    own[spec.name] = ()
                    continue
                if spec.name not in table and not needed:
                    continue
                value = self.value(spec, (*at, spec.name), table, where=self.version_name(index))
                if value is not None:
                    own[spec.name] = value
            version_names = [spec.name for spec in self.version_values]
            sections = ["questions", "predicates", "clauses", *outcome_texts.SECTIONS, "email"]
            for key in table:
                if key not in version_names and key not in file_names and key not in sections:
                    self.unknown((*at, key), key, [*version_names, *sections])
            effective = own.get("effective")
            if effective is not None and previous is not None and effective <= previous:
                self.problem(
                    (*at, "effective"),
                    f"this version takes effect on {effective}, not after the version before it "
                    f"({previous}); versions are listed oldest first, each with a later date",
                )
            previous = effective or previous
            resolved.update(own)
            rules = version_rules.read_version_rules(
                table,
                at,
                rules_written,
                index == 0,
                kinds,
                self.problem,
                self.decision.effects,
                self.dates,
            )
            clause_ids = tuple(rules_written.clauses)
            ids = (
                self.ids_of(rules)
                if rules is not None
                else replace(self.outcome_ids, email_slots=tuple(rules_written.slots))
            )
            clauses = self.clauses(table, at, index, clauses, clause_ids)
            written = outcome_texts.read_version_texts(
                table, at, written, index == 0, clause_ids, self.problem, ids
            )
            email = outcome_texts.read_email(table, at, email, index == 0, self.problem, ids)
            self.range_checks(resolved, at)
            if not self.problems and rules is not None:
                email = outcome_texts.with_answer_lines(email, rules.questions, rules.email_slots)
                policy = self.policy(shared, resolved, clauses, at, (written, email), ids)
                made.append(replace(cast(Any, policy), rules=rules))
        return made

    def ids_of(self, rules: VersionRules) -> OutcomeIds:
        """The outcome texts a version has, by id, as its rules declare them."""
        return OutcomeIds(
            notes=tuple(note for note, _ in rules.notes),
            warning_sources=rules.warnings,
            alternatives=tuple(key for key, _ in rules.alternatives),
            refund_timing=tuple(key for key, _ in rules.refund_timing),
            email_slots=tuple(rules.email_slots),
            sentences=self.outcome_ids.sentences,
        )

    def typo_fixes_placed(self, table: dict[str, Any], at: tuple[Any, ...]) -> dict[str, Any]:
        """The version's table with its ``typo_fixes``, wherever it stands in the version.

        Written at the end of a version, after a heading such as ``[versions.clauses]`` or
        ``[versions.notes.late-but-can-write]``, TOML reads ``typo_fixes`` as part of that
        section: it belongs to the version all the same."""
        found = _typo_fixes_in(table, ())
        if found is None:
            return table
        if "typo_fixes" in table:
            self.problem(
                (*at, *found, "typo_fixes"),
                f"typo_fixes is given twice in this version (once above its [versions."
                f"{'.'.join(found)}] heading, once below it); keep one list with every fix",
            )
            return table
        return {**_without_typo_fixes(table, found), "typo_fixes": _get(table, found)["typo_fixes"]}

    def version_name(self, index: int) -> str:
        tables = self.data.get("versions") or []
        effective = tables[index].get("effective") if index < len(tables) else None
        return f"the version of {effective}" if isinstance(effective, date) else "this version"

    def value(
        self, spec: Parameter, path: tuple[Any, ...], table: dict[str, Any], where: str = ""
    ) -> Any:
        """The checked value of ``spec`` in ``table``, or None after reporting a problem."""
        if spec.name not in table:
            place = f" in {where}" if where else ""
            self.problem(
                path[:-1] or path,
                f"{spec.name} is missing{place}; add a line {spec.example_line}",
            )
            return None
        value = table[spec.name]
        shown = _as_written(value)
        if spec.is_number:
            unit = spec.unit
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(
                    path,
                    f"{spec.name} must be a whole number of {unit}, written without quotes; it "
                    f"is {shown}. Write it like {spec.example_line}",
                )
                return None
            if not spec.lowest <= value <= spec.highest:
                self.problem(
                    path,
                    f"{spec.name} must be a whole number of {unit} from {spec.lowest} to "
                    f"{spec.highest}; it is {value}. Write it like {spec.example_line}",
                )
                return None
            return value
        if spec.kind == "date":
            if not isinstance(value, date) or hasattr(value, "hour"):
                self.problem(
                    path,
                    f"{spec.name} must be a date written as year-month-day without quotes; it is "
                    f"{shown}. Write it like {spec.example_line}",
                )
                return None
            return value
        if spec.kind == "list":
            if not isinstance(value, list) or not all(
                isinstance(item, str) and item.strip() for item in value
            ):
                self.problem(
                    path,
                    f"{spec.name} must be a list of sentences in quotes; it is {shown}. Write it "
                    f"like {spec.example_line}",
                )
                return None
            if any(_MARKUP.search(item) for item in value):
                self.problem(path, _markup_message(spec.name))
                return None
            return tuple(" ".join(item.split()) for item in value)
        if not isinstance(value, str) or not value.strip():
            self.problem(
                path,
                f"{spec.name} must be text in double quotes; it is {shown or 'empty'}. "
                f"Write it like {spec.example_line}",
            )
            return None
        text = " ".join(value.split())
        if _MARKUP.search(text):
            self.problem(path, _markup_message(spec.name))
            return None
        if spec.kind == "email" and not _EMAIL.match(text):
            self.problem(
                path,
                f"{spec.name} must be one email address; it is {shown}. Write it like "
                f"{spec.example_line}",
            )
            return None
        return text

    def clauses(
        self,
        table: dict[str, Any],
        at: tuple[Any, ...],
        index: int,
        before: dict[str, str],
        clause_ids: tuple[str, ...] = (),
    ) -> dict[str, str]:
        """The clauses' words: ``id = "words"``, or the text of a clause's section."""
        self.clause_ids = clause_ids or self.clause_ids
        given = table.get("clauses", {})
        where = (*at, "clauses")
        if not isinstance(given, dict):
            self.problem(
                where,
                "clauses must be sections, one per clause, like [versions.clauses.late-request] "
                'with effect = "against", text = "its words" and when = { … } under it',
            )
            return before
        words = dict(before)
        for clause_id, entry in given.items():
            text = entry.get("text") if isinstance(entry, dict) else entry
            if isinstance(entry, dict) and "text" not in entry:
                continue  # the rules' reader says what a clause's section needs
            if not isinstance(text, str) or not text.strip():
                self.problem(
                    (*where, clause_id),
                    f"the words of clause {clause_id} must be text in double quotes, as on the "
                    f"policy page; it is {_as_written(text) or 'empty'}",
                )
            else:
                words[clause_id] = " ".join(text.split())
        if index == 0:
            for clause_id in self.clause_ids:
                if clause_id not in words:
                    self.problem(
                        where,
                        f"clause {clause_id} has no words; add a line "
                        f'{clause_id} = "its words, as on the policy page" under '
                        "[versions.clauses]",
                    )
        return words

    def range_checks(self, resolved: dict[str, Any], at: tuple[Any, ...]) -> None:
        for smaller, larger in ordered(self.parameters):
            low, high = resolved.get(smaller.name), resolved.get(larger.name)
            if isinstance(low, int) and isinstance(high, int) and low > high:
                self.problem(
                    (*at, smaller.name),
                    f"{smaller.name} ({low}) is more than {larger.name} ({high}); the smaller "
                    f"number of {smaller.unit} comes first, like {smaller.example_line} and "
                    f"{larger.example_line}",
                )

    def policy(
        self,
        shared: dict[str, Any],
        resolved: dict[str, Any],
        clauses: dict[str, str],
        at: tuple[Any, ...],
        texts: tuple[outcome_texts.Written, dict[str, Any]] = ({}, {}),
        ids: OutcomeIds | None = None,
    ) -> Policy:
        given = {**resolved, **shared}
        make: Any = self.policy_class  # a dataclass extending Policy
        policy: Policy = make(
            source=self.source,
            **{spec.name: given[spec.name] for spec in self.parameters if spec.name in given},
        )
        filled = {}
        for clause_id, words in clauses.items():
            try:
                filled[clause_id] = policy.fill(words)
            except PolicyError as error:
                # At its words: the clause's text line (or its line id = "words").
                self.problem((*at, "clauses", clause_id, "text"), f"in clause {clause_id}, {error}")
        outcome = outcome_texts.fill_texts(
            *texts,
            policy.fill,
            filled,
            lambda path: f"{self.source}:{self.lines.of(*path)}",
            self.problem,
            ids or self.outcome_ids,
        )
        # The policy's sentences with this version's values in their placeholders.
        sentences = {}
        for name, text in self.sentences.items():
            try:
                sentences[name] = policy.fill(text)
            except PolicyError as error:
                self.problem(("sentences", name), f"in the sentence {name}, {error}")
        outcome = replace(
            outcome,
            decision=self.decision,
            self_check=self.self_check,
            summary=self.summary,
            sentences=sentences,
            words=self.words,
        )
        made: Policy = replace(cast(Any, policy), clause_texts=filled, texts=outcome)
        return made

    def unknown(self, path: tuple[Any, ...], key: str, known: list[str]) -> None:
        close = closest(key, known)
        hint = f"; did you mean {close}?" if close else "; remove the line or check its spelling"
        self.problem(path, f"{key} is not a value of the policy file{hint}")


# Text from policy.toml lands in the pages (the footer, the history, placeholders): it is plain
# text, so nothing in it can be read as HTML. (A clause's words are the page's bullet too: the
# build proofreads them as it does the page's Markdown, policy_site/pages/proofread.py.)
_MARKUP = re.compile(r"[<>]")


def _markup_message(name: str) -> str:
    return (
        f"{name} holds “<” or “>”, which the pages would read as HTML; policy.toml holds plain "
        "text only. Remove them, or write the words (“less than”, “more than”) instead"
    )


def _typo_fixes_in(table: dict[str, Any], path: tuple[str, ...]) -> tuple[str, ...] | None:
    """Where under a version's sections ``typo_fixes`` was read, if it was."""
    for key, value in table.items():
        if isinstance(value, dict):
            if "typo_fixes" in value:
                return (*path, key)
            inner = _typo_fixes_in(value, (*path, key))
            if inner is not None:
                return inner
    return None


def _get(table: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        table = table[key]
    return table


def _without_typo_fixes(table: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    if not path:
        return {k: v for k, v in table.items() if k != "typo_fixes"}
    return {**table, path[0]: _without_typo_fixes(table[path[0]], path[1:])}


def _as_written(value: Any) -> str:
    """A value as the editor wrote it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if value.strip() else ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a section"
    return str(value)


# TOML's own errors, in an editor's words ---------------------------------------------------------

_AT = re.compile(r"\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)\s*$")
_QUOTE_FIX = 'end the text with a double quote (") on the same line'
# (the start of tomllib's message, what it means, what to do)
_TOML_MESSAGES: tuple[tuple[str, str, str], ...] = (
    ("Illegal character '\\n'", "a text in quotes is not closed", _QUOTE_FIX),
    ("Unterminated string", "a text in quotes is not closed", _QUOTE_FIX),
    (
        "Illegal character",
        "this line holds a character TOML does not allow here (a tab or an invisible one)",
        "retype the line",
    ),
    (
        "Expected '=' after a key",
        "this line is neither name = value, a [heading] nor a # comment",
        "add the = and the value, or start a comment with #",
    ),
    (
        "Invalid initial character for a key part",
        "a name on this line starts with a character names cannot have",
        "names use letters, digits, _ and - only; start a comment with #",
    ),
    (
        "Invalid statement",
        "this line is neither name = value, a [heading] nor a # comment",
        "fix it, or start it with # to make it a comment",
    ),
    (
        "Invalid value",
        "the value after = is not one TOML understands",
        'put text in double quotes ("May 2026"), write numbers without quotes (7) and dates '
        "as 2024-01-01",
    ),
    (
        "Invalid date or datetime",
        "this date does not exist",
        "write a real date as year-month-day, like 2024-01-01",
    ),
    (
        "Expected ']' at the end of a table declaration",
        "a heading is not closed",
        "end it with ], like [versions.clauses]",
    ),
    (
        "Expected ']]' at the end of an array declaration",
        "a heading is not closed",
        "end it with ]], like [[versions]]",
    ),
    (
        "Expected newline or end of document after a statement",
        "this line goes on after its value",
        "put each value on a line of its own, and start a comment with #",
    ),
    ("Unclosed array", "a list in [ ] is not closed", "end it with ]"),
    ("Unclosed inline table", "a { } group is not closed", "end it with }"),
    (
        "Unescaped '\\' in a string",
        "a backslash (\\) in quoted text starts a special character",
        "write \\\\ for a backslash, or leave it out",
    ),
    (
        "Invalid hex value",
        "a backslash (\\) in quoted text starts a special character",
        "write \\\\ for a backslash, or leave it out",
    ),
    (
        "Escaped character is not a Unicode scalar value",
        "a backslash (\\) in quoted text starts a special character",
        "write \\\\ for a backslash, or leave it out",
    ),
)
_TWICE = ("Cannot overwrite a value", "Cannot declare", "Cannot redefine", "Cannot mutate")


# Mistakes that TOML notices only where the text goes on: the editor's line is where it opened.
_UNCLOSED = ("Unclosed array", "Unclosed inline table", "Unterminated string", "Illegal character")
_UNCLOSED_LITERAL = "Expected \"'''\""  # a ''' text never closed
_OPENERS = (("[", "]"), ("{", "}"))


def _opening_line(text: str, line: int) -> int:
    """The line, at or before ``line``, whose value opens a list, a group or a text that the
    file never closes; ``line`` if there is none."""
    lines = text.splitlines()
    opened: tuple[int, str] | None = None  # a multi-line text: where it opened, its quotes
    for number, raw in enumerate(lines, 1):
        if opened is not None:
            if opened[1] in raw:
                opened = None
            continue
        key = _KEY.match(raw.strip())
        rest = key.group("rest").strip() if key else ""
        for quotes in ('"""', "'''"):
            if rest.startswith(quotes) and quotes not in rest[3:]:
                opened = (number, quotes)
    if opened is not None:
        return opened[0]
    for number in range(min(line, len(lines)), 0, -1):
        key = _KEY.match(lines[number - 1].strip())
        if key is None:
            continue
        value = key.group("rest").strip()
        for opener, closer in _OPENERS:
            inner = value[1:]
            if value.startswith(opener) and inner.count(closer) <= inner.count(opener):
                return number
        if number < line:  # the statement before the error is whole: the error is on its line
            break
    return line


def _message_and_line(error: tomllib.TOMLDecodeError) -> tuple[str, int | None]:
    """What TOML says is wrong, and its line (None: at the end of the document).

    Python 3.14's ``TOMLDecodeError`` carries them as ``msg``, ``lineno`` and ``pos``; before
    3.14 they are read from its English message, "… (at line 3, column 5)".
    """
    message, line, pos, doc = (
        getattr(error, name, None) for name in ("msg", "lineno", "pos", "doc")
    )
    if (
        isinstance(message, str)
        and isinstance(line, int)
        and isinstance(pos, int)
        and isinstance(doc, str)
    ):
        return message, None if pos >= len(doc) else line
    raw = str(error)
    at = _AT.search(raw)
    return (raw[: at.start()] if at else raw), (
        int(at.group("line")) if at and at.group("line") else None
    )


def toml_problem(error: tomllib.TOMLDecodeError, text: str, name: str) -> str:
    """One ``name:LINE: what is wrong; what to do`` line for a TOML syntax error."""
    message, found = _message_and_line(error)
    # At the end of the document: the last line written.
    line = found if found is not None else max(1, len(text.rstrip("\n").splitlines()))
    if message.startswith(_TWICE) or message.startswith("Duplicate inline table key"):
        lines = Lines(text)
        path = lines.path_at(line)
        first = lines.first_of(path, line) if path else None
        written = text.splitlines()[line - 1].strip() if line <= len(text.splitlines()) else ""
        inline = re.match(r"Duplicate inline table key '(.*)'", message)
        if inline:
            shown = inline.group(1)
        elif written.startswith("["):
            shown = f"the heading {written.split('#')[0].strip()}"
        else:
            shown = str(path[-1]) if path else "this name"
        where = f" (first at line {first})" if first else ""
        return (
            f"{name}:{line}: {shown} is given twice in the same place{where}; keep one of the "
            "two lines (a later version that changes it goes under its own [[versions]] heading)"
        )
    if message.startswith(_UNCLOSED) or message == _UNCLOSED_LITERAL:
        line = _opening_line(text, line)
        message = "Unterminated string" if message == _UNCLOSED_LITERAL else message
    for start, what, fix in _TOML_MESSAGES:
        if message.startswith(start):
            return f"{name}:{line}: {what}; {fix}"
    return (
        f"{name}:{line}: this line is not valid TOML ({message}); compare it with the lines "
        "around it"
    )
