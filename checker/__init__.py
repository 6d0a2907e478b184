"""ImgToSTL's refund policy as one package on the engine: its values (policy.py) and, in
``policy.toml``, every version's questions, clauses, words and when each applies. What the policy
says about one customer's situation.

Standard library only. The same code runs in CPython (tests, the ``refund-check`` CLI, the site
build) and, unchanged, in the visitor's browser on Pyodide, where the page calls
:func:`check_query` or :func:`check_json`.

>>> result = check({"purchase_date": "2026-05-01", "request_date": "2026-05-03",
...                 "purchase_type": "credit_pack", "reason": "duplicate_payment",
...                 "credits_used": "none"})
>>> result.verdict, [clause.id for clause in result.clauses]
('likely_eligible', ['duplicate-payment', 'recent-unused'])
"""

from __future__ import annotations

from pathlib import Path

from checker.policy import Policy
from policy_engine.answers import InvalidAnswers, Source, answers_to_query, parse_answers
from policy_engine.checking import PolicyChecker
from policy_engine.policy import Policies, PolicyError
from policy_engine.result import Clause, Result
from policy_engine.rules import Rulebook

__all__ = [
    "CHECKER",
    "RULEBOOK",
    "Clause",
    "InvalidAnswers",
    "Policies",
    "Policy",
    "PolicyError",
    "Result",
    "Rulebook",
    "Source",
    "answers_to_query",
    "check",
    "check_json",
    "check_query",
    "default_policies",
    "default_policy",
    "load_policy",
    "parse_answers",
    "read_policies",
    "warm_up",
]

# The refund policy: its folder holds policy.toml (every version's rules and words) and ledger.txt.
RULEBOOK = Rulebook(
    "refund",
    Path(__file__).parent,
    policy=Policy,
    example='{"purchase_date": "2026-05-01", "purchase_type": "credit_pack", '
    '"reason": "duplicate_payment", "credits_used": "none"}',
)

# The engine's checking functions, bound to the refund policy's rulebook.
CHECKER = PolicyChecker(RULEBOOK)
check = CHECKER.check
check_json = CHECKER.check_json
check_query = CHECKER.check_query
warm_up = CHECKER.warm_up
read_policies = CHECKER.read_policies
load_policy = CHECKER.load_policy
default_policies = CHECKER.default_policies
default_policy = CHECKER.default_policy
