"""A policy value is declared once, on its Policy field (checker/policy.py), and everything else is
read from that declaration: the file reader's checks and messages, the placeholders, the ordering
check, the history page, the frozen values of the review, the proofreader's numbers, the ledger's
lines and thresholds, and the build's log line.

The proof: a policy that declares one more value (as a new rule would bring it) and nothing else
gets that value in every one of those places, without any list being typed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pytest

from checker import RULEBOOK, Policies, Policy, PolicyError
from checker.policy import PARAMETERS
from policy_engine.policy import Parameter, Scope, declared, parameters_of, read_policies
from policy_review import ledger as ledgers
from policy_review import review
from policy_site.pages import blocks, proofread, versions
from tests.policies import POLICY_FILE, edited_policy


@dataclass(frozen=True)
class _PolicyWithGoodwillDays(Policy):
    """The refund policy with one more value: its one declaration."""

    goodwill_days: int = field(
        default=0,
        metadata=declared(
            Parameter(
                "days",
                Scope.VERSION,
                "3",
                "Days a goodwill refund may be asked for",
                unit="days",
                lowest=0,
                highest=30,
                shown="{} days",
                about=("goodwill",),
                compared_with="days_since_purchase",
                at_most="refund_window_days",
            )
        ),
    )


@dataclass(frozen=True)
class _PolicyWithAWrongDeclaration(Policy):
    goodwill_days: int = field(
        default=0,
        metadata=declared(
            Parameter("days", Scope.VERSION, "3", "Goodwill", unit="days", at_most="goodwill")
        ),
    )


SECOND_VERSION = """
[[versions]]
effective = 2099-01-01
last_updated = "January 2099"
changes = "Goodwill refunds may be asked for longer."
goodwill_days = 5
"""


def goodwill_file(tmp_path: Path, days: str = "3", later: str = SECOND_VERSION) -> Path:
    path = edited_policy(
        tmp_path, "refund_window_days = 7", f"refund_window_days = 7\ngoodwill_days = {days}"
    )
    path.write_text(path.read_text(encoding="utf-8") + later, encoding="utf-8")
    return path


def read_goodwill(path: Path) -> Policies:
    return read_policies(
        path,
        clause_ids=RULEBOOK.clause_ids,
        policy_class=_PolicyWithGoodwillDays,
        outcome_ids=RULEBOOK.outcome_ids,
    )


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        read_goodwill(path)
    return raised.value.problems


def test_the_file_reader_reads_and_checks_a_new_value_from_its_declaration(tmp_path: Path) -> None:
    first, second = read_goodwill(goodwill_file(tmp_path)).versions
    assert (first.goodwill_days, second.goodwill_days) == (3, 5)
    assert second.refund_window_days == 7  # the rest is inherited as before
    assert first.value_of("goodwill_days") == "3"

    (tmp_path / "wide").mkdir()
    wide = problems_of(goodwill_file(tmp_path / "wide", "40"))
    assert any(
        "goodwill_days must be a whole number of days from 0 to 30; it is 40. Write it like "
        "goodwill_days = 3" in problem
        for problem in wide
    ), wide

    (tmp_path / "longer").mkdir()
    longer = problems_of(goodwill_file(tmp_path / "longer", "9"))
    assert any(
        "goodwill_days (9) is more than refund_window_days (7); the smaller number of days comes "
        "first, like goodwill_days = 3 and refund_window_days = 7" in problem
        for problem in longer
    ), longer

    missing = problems_of(edited_policy(tmp_path, "x", "x"))
    assert any("goodwill_days is missing" in p and "goodwill_days = 3" in p for p in missing)


def test_the_history_page_shows_a_new_value_and_its_change(tmp_path: Path) -> None:
    policies = read_goodwill(goodwill_file(tmp_path))
    first, second = policies.versions
    html = blocks.render_version_history(policies, second, first, date(2026, 6, 1), "v.html")
    assert (
        "<li>Days a goodwill refund may be asked for: <del>3 days</del> <ins>5 days</ins>" in html
    )
    assert "Days a goodwill refund may be asked for: 5 days" in html


def test_a_frozen_version_may_not_change_a_new_value(tmp_path: Path) -> None:
    policies = read_goodwill(goodwill_file(tmp_path, later=""))
    version = policies.versions[0]
    day = version.effective.isoformat()

    def book(policy: Policy) -> ledgers.Book:
        return ledgers.Book({day: ledgers.Ledger((), ledgers.policy_lines(policy))})

    changed = replace(version, goodwill_days=4)
    assert "goodwill_days = 3" in ledgers.policy_lines(version)
    problems = review.frozen_problems(
        book(version),
        book(changed),
        date(2030, 1, 1),
        "policy.toml",
        policy_class=_PolicyWithGoodwillDays,
    )
    assert len(problems) == 1
    assert "its values changed (goodwill_days 3 → 4)" in problems[0], problems


def test_the_proofreader_knows_a_new_value_typed_as_a_number(tmp_path: Path) -> None:
    version = read_goodwill(goodwill_file(tmp_path)).versions[0]
    assert proofread.literal_values("Ask for a goodwill refund within 3 days.", version) == [
        "“3 days” is policy.toml's goodwill_days (3) typed as a number, so it would not change "
        "when policy.toml does. Write “{{ goodwill_days }} days”; if it must stay as it is "
        "whatever the policy says, write {literal: 3 days}."
    ]
    by_chance = proofread.literal_values("The team meets every 3 days.", version)
    assert by_chance and "happens to equal policy.toml's goodwill_days (3)" in by_chance[0]
    # The refund policy itself has no such value: the same line is fine there.
    assert (
        proofread.literal_values(
            "The team meets every 3 days.",
            Policy(**{p.name: getattr(version, p.name) for p in PARAMETERS}),
        )
        == []
    )


def test_the_log_line_and_the_ledger_read_a_new_value(tmp_path: Path) -> None:
    version = read_goodwill(goodwill_file(tmp_path)).versions[0]
    assert "goodwill_days = 3" in versions.summary(version)
    assert ledgers.thresholds(version, ["goodwill_days", "refund_window_days"]) == {
        ledgers.DAYS: [3, 7]
    }


def test_the_refund_policys_lists_are_those_the_site_used_before() -> None:
    """The derived lists for the refund policy, as they were typed by hand before."""
    assert review.frozen_values(RULEBOOK.policy) == (
        "refund_window_days",
        "repeat_request_limit",
        "creem_settlement_days_min",
        "creem_settlement_days_max",
    )
    assert versions.value_words(Policy) == {
        "refund_window_days": ("Refund window", "{} days"),
        "repeat_request_limit": ("Earlier refund requests that count as asking repeatedly", "{}"),
        "creem_settlement_days_min": ("Fewest days a Creem refund may take", "{} days"),
        "creem_settlement_days_max": ("Most days a Creem refund may take", "{} days"),
    }
    numbers = proofread.numbers(PARAMETERS)
    assert numbers.days == (
        "refund_window_days",
        "creem_settlement_days_min",
        "creem_settlement_days_max",
    )
    assert numbers.counts == ("repeat_request_limit",)
    assert numbers.ranges == (("creem_settlement_days_min", "creem_settlement_days_max"),)
    # The build's log line, in the fields' order, for the first version (frozen for good).
    policy = read_policies(POLICY_FILE, policy_class=RULEBOOK.policy).first
    assert versions.summary(policy) == (
        "refund_window_days = 7, repeat_request_limit = 2, creem_settlement_days_min = 5, "
        f"creem_settlement_days_max = 10, last updated {policy.last_updated}"
    )


def test_a_declaration_that_cannot_be_right_is_refused_with_its_name() -> None:
    with pytest.raises(TypeError, match="goodwill_days is declared wrongly: at_most"):
        parameters_of(_PolicyWithAWrongDeclaration)
    assert parameters_of(Policy) == PARAMETERS
