"""A policy that is data: a folder holding its ``policy.toml`` and ``ledger.txt``, and no Python.

The file declares the policy's own values under ``[values.NAME]`` (what a Python policy declares
as :class:`~policy_engine.policy.Parameter` fields), and every version's values, questions,
clauses and words as any policy file does. From it the engine makes what a policy package would
declare in Python: the class of its values (:func:`policy_class`), its
:class:`~policy_engine.rules.Rulebook` and :class:`~policy_engine.checking.PolicyChecker`, and a
module exporting them (:func:`export`), which is what the site's build ships to the browser.

Standard library only: this module runs in the visitor's browser too.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import Field, field, make_dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from policy_engine import policy as engine
from policy_engine.policy import Lines, Parameter, Policy, Scope, StandardPolicy, declared

# The section of policy.toml that declares the policy's own values.
VALUES = "values"
# What a data policy's package is called where it is imported (the wheel the browser loads):
# a prefix no other top-level package of the site has, then its name with "_" for "-".
IMPORT_PREFIX = "policy_of_"

# The kinds of value a file may declare, with the Python type each value has.
KINDS: dict[str, Any] = {
    "days": int,
    "count": int,
    "text": str,
    "email": str,
    "date": date,
    "list": tuple[str, ...],
}
# What a declaration may say, each line of [values.NAME].
_KEYS = (
    "kind",
    "label",
    "unit",
    "lowest",
    "highest",
    "shown",
    "about",
    "compared_with",
    "at_most",
    "scope",
    "example",
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The values every policy has, and the Policy's own attributes: no declaration may take them.
_TAKEN = frozenset(
    {
        "support_email",
        "last_updated",
        "sales_started",
        "clause_texts",
        "texts",
        "rules",
        "source",
        "effective",
        "changes",
        "typo_fixes",
        "parameters",
        "value_of",
        "fill",
        "versions",
    }
)
# A TOML example of a value of each kind, for the reader's messages.
_EXAMPLES = {
    "text": '"May 2026"',
    "email": '"support@example.com"',
    "date": "2024-01-01",
    "list": '["a sentence"]',
}


def read_declarations(
    data: dict[str, Any], lines: Lines, source: str, problem: Callable[[tuple[Any, ...], str], None]
) -> tuple[Parameter, ...]:
    """The values ``[values.NAME]`` declares, in the file's order; each mistake is reported to
    ``problem`` (the path of its line, what is wrong and what to write)."""
    given = data.get(VALUES, {})
    if not isinstance(given, dict) or not all(isinstance(v, dict) for v in given.values()):
        problem(
            (VALUES,),
            "values must be sections, one per value, like [values.window_days] with kind = "
            '"days", label = "Return window", unit = "days", lowest = 1 and highest = 365 under '
            "it (EDITING.md, “Start a new policy”)",
        )
        return ()
    found: list[Parameter] = []
    for name, entry in given.items():
        at = (VALUES, name)
        if not _NAME.fullmatch(name) or name in _TAKEN:
            why = (
                "is a value every policy has already"
                if name in _TAKEN
                else "is not a value's name: use lower-case words joined by _"
            )
            problem(at, f"[values.{name}] {why}; name it like window_days")
            continue
        made = _declaration(name, entry, at, problem)
        if made is not None:
            found.append(made)
    by_name = {parameter.name: parameter for parameter in found}
    whole = []
    for parameter in found:
        if parameter.at_most is not None:
            other = by_name.get(parameter.at_most)
            if other is None or not other.is_number or other.unit != parameter.unit:
                problem(
                    (VALUES, parameter.name, "at_most"),
                    f"at_most of {parameter.name} must name another number of the same unit "
                    f"({parameter.unit}) declared under [values]; it is “{parameter.at_most}”",
                )
                continue
        whole.append(parameter)
    return tuple(whole)


def _declaration(
    name: str,
    entry: dict[str, Any],
    at: tuple[Any, ...],
    problem: Callable[[tuple[Any, ...], str], None],
) -> Parameter | None:
    # What is wrong with it: a declaration with any mistake is left out (each is reported).
    reported: list[str] = []

    def say(key: str, message: str) -> None:
        reported.append(message)
        problem((*at, key) if key else at, message)

    for key in entry:
        if key not in _KEYS:
            say(
                key, f"{key} is not part of a value's declaration; the parts are {', '.join(_KEYS)}"
            )
    kind = entry.get("kind")
    if kind not in KINDS:
        say(
            "kind",
            f"[values.{name}] needs its kind: one of {', '.join(f'“{k}”' for k in KINDS)}, "
            'like kind = "days"',
        )
        return None
    scope_word = entry.get("scope", "version")
    scopes = {"version": Scope.VERSION, "file": Scope.FILE}
    if scope_word not in scopes:
        say(
            "scope",
            f'scope of {name} is "version" (each version may change it) or "file" (one value '
            "for every version)",
        )
    label = entry.get("label", "")
    if not isinstance(label, str) or not label.strip():
        say("label", f'[values.{name}] needs a label in words, like label = "Return window"')
    texts = {key: entry.get(key, "") for key in ("unit", "shown", "compared_with", "at_most")}
    for key, value in texts.items():
        if not isinstance(value, str):
            say(key, f"{key} of {name} must be text in double quotes")
    shown = texts["shown"] or "{}"
    if isinstance(shown, str) and shown.count("{}") != 1:
        say("shown", f'shown of {name} must hold {{}} once, where the value goes: "{{}} days"')
    about = entry.get("about", [])
    if not isinstance(about, list) or not all(isinstance(word, str) for word in about):
        say("about", f'about of {name} must be a list of words, like about = ["return", "days"]')
    lowest, highest = entry.get("lowest", 0), entry.get("highest", 0)
    number = kind in ("days", "count")
    if number:
        for key, value in (("lowest", lowest), ("highest", highest)):
            if isinstance(value, bool) or not isinstance(value, int):
                say(key, f"[values.{name}] needs {key} = a whole number, without quotes")
        if not texts["unit"]:
            say("unit", f'[values.{name}] needs its unit, like unit = "{kind}"')
        if not reported and lowest > highest:
            say("highest", f"highest of {name} ({highest}) is less than its lowest ({lowest})")
    example = entry.get("example")
    if example is not None and not isinstance(example, str):
        say("example", f"example of {name} must be text in double quotes, as a line writes it")
    if reported:
        return None
    return Parameter(
        kind,
        scopes[scope_word],
        example or (str(lowest) if number else _EXAMPLES[kind]),
        " ".join(label.split()),
        unit=texts["unit"],
        lowest=lowest if number else 0,
        highest=highest if number else 0,
        shown=shown,
        about=tuple(word.lower() for word in about),
        compared_with=texts["compared_with"] or None,
        at_most=texts["at_most"] or None,
        name=name,
    )


# The class of a declared set of values: the same declarations give the same class.
_CLASSES: dict[tuple[Parameter, ...], type[Policy]] = {}


def policy_class(parameters: tuple[Parameter, ...]) -> type[Policy]:
    """The class of a version of a policy whose file declares ``parameters``: the values every
    policy has (in :class:`~policy_engine.policy.StandardPolicy`'s order), with the declared ones
    after "last updated", as a Python policy declares them."""
    if not parameters:
        return StandardPolicy
    if parameters not in _CLASSES:
        declared_fields: list[tuple[str, Any, Field[Any]]] = [
            (p.name, KINDS[p.kind], field(metadata=declared(p))) for p in parameters
        ]
        standard: list[tuple[str, Any, Any]] = [
            ("support_email", str, engine.support_email()),
            ("last_updated", str, engine.last_updated()),
            *declared_fields,
            ("sales_started", date, engine.sales_started()),
            ("clause_texts", dict[str, str], engine.clause_texts()),
            ("texts", Any, engine.texts()),
            ("rules", Any, engine.rules()),
            ("source", str, field(default="policy.toml")),
            ("effective", date, engine.effective()),
            ("changes", str, engine.changes()),
            ("typo_fixes", tuple[str, ...], engine.typo_fixes()),
        ]
        made = make_dataclass(
            "DeclaredPolicy", standard, bases=(Policy,), frozen=True, kw_only=True
        )
        made.declared_in_file = True  # type: ignore[attr-defined]
        _CLASSES[parameters] = made
    return _CLASSES[parameters]


def declared_in_file(kind: type[Policy]) -> bool:
    """Whether ``kind`` is the class of values a policy file declares (not a package's)."""
    return bool(getattr(kind, "declared_in_file", False))


def class_of_file(path: Path) -> type[Policy]:
    """The class of the values ``path`` declares; :class:`StandardPolicy` when it declares none
    or cannot be read (reading its versions then says what is wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return StandardPolicy
    problems: list[str] = []
    found = read_declarations(data, Lines(text), str(path), lambda _, said: problems.append(said))
    return StandardPolicy if problems else policy_class(found)


# The policy of a folder ---------------------------------------------------------------------------


def name_of(folder: Path) -> str:
    """The policy's name: its folder's (``policies/print-guarantee``: print-guarantee), or, in the
    browser's wheel, its package's (``policy_of_print_guarantee``)."""
    return folder.name.removeprefix(IMPORT_PREFIX).replace("_", "-")


def import_name(name: str) -> str:
    """What the browser imports for the policy called ``name``."""
    return IMPORT_PREFIX + name.replace("-", "_")


def rulebook(folder: Path, name: str | None = None) -> Any:
    """The :class:`~policy_engine.rules.Rulebook` of the policy in ``folder`` (its
    ``policy.toml`` and ``ledger.txt``), called ``name`` (by default its folder's)."""
    from policy_engine.rules import Rulebook

    return Rulebook(name or name_of(folder), folder, policy=class_of_file(folder / "policy.toml"))


# What a policy package exports, made from its rulebook (checker/__init__.py says each).
EXPORTS = (
    "RULEBOOK",
    "CHECKER",
    "check",
    "check_json",
    "check_query",
    "warm_up",
    "read_policies",
    "load_policy",
    "default_policies",
    "default_policy",
)


def export(namespace: dict[str, Any], folder: Path, name: str | None = None) -> None:
    """Put into ``namespace`` (a module's globals) what a policy package exports, for the policy
    in ``folder``: its ``RULEBOOK``, its ``CHECKER`` and the checker's functions."""
    from policy_engine.checking import PolicyChecker

    checker = PolicyChecker(rulebook(folder, name))
    namespace["RULEBOOK"] = checker.rulebook
    namespace["CHECKER"] = checker
    for function in EXPORTS[2:]:
        namespace[function] = getattr(checker, function)


def policy_module(folder: Path, name: str | None = None) -> ModuleType:
    """The policy in ``folder`` as a module, as if it were a package (the site's machinery reads
    every policy so); its ``__name__`` is what the browser imports."""
    module = ModuleType(import_name(name or name_of(folder)), f"The policy in {folder}.")
    export(module.__dict__, folder, name)
    module.__file__ = str(folder / "policy.toml")
    # What tells the site's machinery the policy is data (policy_site/package.py).
    setattr(module, "DATA_FOLDER", folder)  # noqa: B010 (a module made here: no declared attribute)
    return module


# The module the site's build writes into a data policy's wheel, beside its policy.toml: the same
# bytes for every policy (the tailored standard library is keyed by the code it runs).
GENERATED_MODULE = '''\
"""A policy that is data: the policy.toml beside this file, as the engine reads it. Written by
the site's build (policy_site/shipping/wheel.py); no copy is kept in the repository."""

from pathlib import Path

from policy_engine.folder import export

export(globals(), Path(__file__).parent)
'''
