"""The policy's parameters and clause wording, read from ``policy.toml`` (defined once).

The same file feeds the self-check's verdicts and, through the site's Markdown extension, the
sentences of the published policy. Nothing here imports anything outside the standard library: this
module also runs in the visitor's browser.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.toml")

# {{ name }}: a value of the policy in its text. Anything between the braces is a name: one that
# is not a value (a typo, a space) is an error, never text left as it was.
PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[^{}\n]*?)\s*\}\}")
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
    """``policy.toml`` is missing a value or has one of the wrong kind. The message says which."""


@dataclass(frozen=True)
class Policy:
    """Every value of the policy that the rules or the texts depend on."""

    support_email: str
    last_updated: str
    refund_window_days: int
    repeat_request_limit: int
    creem_settlement_days_min: int
    creem_settlement_days_max: int
    # The first day ImgToSTL sold anything: a purchase before it is a typing slip.
    sales_started: date
    # Clause id -> the clause's words, placeholders already filled in.
    clause_texts: dict[str, str] = field(default_factory=dict)
    source: str = "policy.toml"

    def parameters(self) -> dict[str, str]:
        """The values that ``{{ name }}`` placeholders can show, as text."""
        return {
            "support_email": self.support_email,
            "last_updated": self.last_updated,
            "refund_window_days": str(self.refund_window_days),
            "repeat_request_limit": str(self.repeat_request_limit),
            "creem_settlement_days_min": str(self.creem_settlement_days_min),
            "creem_settlement_days_max": str(self.creem_settlement_days_max),
            "sales_started": long_date(self.sales_started),
        }

    def value_of(self, name: str) -> str:
        """The text that ``{{ name }}`` shows. Raises :class:`PolicyError` for a name that is not
        a value, with the closest one if there is one."""
        values = self.parameters()
        if name in values:
            return values[name]
        close = difflib.get_close_matches(name.strip().replace(" ", "_"), values, n=1, cutoff=0.6)
        hint = f" Did you mean {{{{ {close[0]} }}}}?" if close else ""
        known = ", ".join("{{ " + known + " }}" for known in values)
        raise PolicyError(f"{{{{ {name} }}}} is not a policy value.{hint} The values are: {known}.")

    def fill(self, text: str) -> str:
        """``text`` with each ``{{ name }}`` replaced by its value; unknown names are errors."""
        return PLACEHOLDER.sub(lambda match: self.value_of(match.group("name")), text)


_INTEGERS = (
    ("refund_window_days", 1),
    ("repeat_request_limit", 1),
    ("creem_settlement_days_min", 0),
    ("creem_settlement_days_max", 0),
)


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and check a policy file (by default the one shipped with this package)."""
    policy_path = Path(path) if path is not None else DEFAULT_POLICY_FILE
    try:
        data = tomllib.loads(policy_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"{policy_path}: cannot be read ({error.strerror}).") from error
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{policy_path}: is not valid TOML: {error}.") from error
    return policy_from_mapping(data, source=str(policy_path))


def policy_from_mapping(data: dict[str, Any], source: str = "policy.toml") -> Policy:
    """Check the values of a parsed policy file and build a :class:`Policy`."""
    problems: list[str] = []
    numbers: dict[str, int] = {}
    for name, smallest in _INTEGERS:
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < smallest:
            problems.append(f"{name} must be a whole number of at least {smallest}, got {value!r}")
        else:
            numbers[name] = value
    texts: dict[str, str] = {}
    for name in ("support_email", "last_updated"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{name} must be text in quotes, got {value!r}")
        else:
            texts[name] = value.strip()
    if "support_email" in texts and not _EMAIL.match(texts["support_email"]):
        problems.append(f"support_email must be one email address, got {texts['support_email']!r}")
    sales_started = data.get("sales_started")
    if not isinstance(sales_started, date) or hasattr(sales_started, "hour"):
        problems.append(
            f"sales_started must be a date without quotes, like 2024-01-01, got {sales_started!r}"
        )
    if numbers.get("creem_settlement_days_min", 0) > numbers.get("creem_settlement_days_max", 0):
        problems.append("creem_settlement_days_min must not be more than creem_settlement_days_max")
    clauses = data.get("clauses")
    if not isinstance(clauses, dict) or not all(
        isinstance(text, str) and text.strip() for text in clauses.values()
    ):
        problems.append('[clauses] must list each clause id = "its words"')
        clauses = {}
    known = {key for key, _ in _INTEGERS} | {
        "support_email",
        "last_updated",
        "sales_started",
        "clauses",
    }
    problems.extend(
        f"{key} is not a policy value: remove it or check its spelling"
        for key in data
        if key not in known
    )
    if problems:
        raise PolicyError(f"{source}: " + "; ".join(problems) + ".")
    assert isinstance(sales_started, date)
    policy = Policy(
        support_email=texts["support_email"],
        last_updated=texts["last_updated"],
        refund_window_days=numbers["refund_window_days"],
        repeat_request_limit=numbers["repeat_request_limit"],
        creem_settlement_days_min=numbers["creem_settlement_days_min"],
        creem_settlement_days_max=numbers["creem_settlement_days_max"],
        sales_started=sales_started,
        source=source,
    )
    try:
        filled = {
            str(cid): policy.fill(" ".join(str(text).split())) for cid, text in clauses.items()
        }
    except PolicyError as error:
        raise PolicyError(f"{source}: in [clauses], {error}") from error
    return replace(policy, clause_texts=filled)
