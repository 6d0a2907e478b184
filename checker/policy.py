"""The refund policy's values: one field each, declared once with its label, unit, range and
format (the engine's :class:`policy_engine.policy.Parameter`), and whether versions may change it.
Every list that names them (the proofreading, the review, the history page) is derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from policy_engine import policy as engine
from policy_engine.policy import Parameter, Scope, declared
from policy_engine.texts import OutcomeTexts
from policy_engine.version_rules import VersionRules

# The policy file shipped with this package.
DEFAULT_POLICY_FILE = Path(__file__).with_name("policy.toml")

_CREEM_WORDS = ("creem", "settle", "bank", "statement", "card", "arrive", "appear", "paid back")


@dataclass(frozen=True, kw_only=True)
class Policy(engine.Policy):
    """One version of the refund policy: every value the rules or the texts depend on, in the
    order of the placeholders and of the ledger's [policy] lines. Adding a value is one field here
    plus the rule that reads it."""

    support_email: str = engine.support_email()
    last_updated: str = engine.last_updated()
    refund_window_days: int = field(
        metadata=declared(
            Parameter(
                "days",
                Scope.VERSION,
                "7",
                "Refund window",
                unit="days",
                lowest=1,
                highest=365,
                shown="{} days",
                about=(
                    "refund",
                    "request",
                    "purchase",
                    "bought",
                    "buy",
                    "window",
                    "ask",
                    "eligible",
                    "contact",
                ),
                compared_with="days_since_purchase",
            )
        )
    )
    repeat_request_limit: int = field(
        metadata=declared(
            Parameter(
                "count",
                Scope.VERSION,
                "2",
                "Earlier refund requests that count as asking repeatedly",
                unit="requests",
                lowest=1,
                highest=100,
                about=("request", "refund", "repeat", "earlier", "previous", "ask", "times"),
                compared_with="previous_refund_requests",
            )
        )
    )
    creem_settlement_days_min: int = field(
        metadata=declared(
            Parameter(
                "days",
                Scope.VERSION,
                "5",
                "Fewest days a Creem refund may take",
                unit="days",
                lowest=0,
                highest=90,
                shown="{} days",
                about=_CREEM_WORDS,
                at_most="creem_settlement_days_max",
            )
        )
    )
    creem_settlement_days_max: int = field(
        metadata=declared(
            Parameter(
                "days",
                Scope.VERSION,
                "10",
                "Most days a Creem refund may take",
                unit="days",
                lowest=0,
                highest=90,
                shown="{} days",
                about=_CREEM_WORDS,
            )
        )
    )
    sales_started: date = engine.sales_started()
    clause_texts: dict[str, str] = engine.clause_texts()
    texts: OutcomeTexts = engine.texts()
    rules: VersionRules = engine.rules()
    source: str = "policy.toml"
    effective: date = engine.effective()
    changes: str = engine.changes()
    typo_fixes: tuple[str, ...] = engine.typo_fixes()


# The refund policy's values.
PARAMETERS = engine.parameters_of(Policy)
