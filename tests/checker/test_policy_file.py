"""The policy's numbers live in policy.toml: changing them moves the rules; a bad file is named."""

# The bad-value table keeps one case per line; the long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import PolicyError, default_policy, load_policy
from checker.policy import DEFAULT_POLICY_FILE
from tests.checker.support import answers, clause_ids, contract

SHIPPED = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")


def edited_policy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the shipped policy.toml with one piece of text replaced."""
    assert old in SHIPPED, f"policy.toml no longer contains {old!r}"
    path = tmp_path / "policy.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def set_value(tmp_path: Path, name: str, value: str) -> Path:
    match = re.search(rf"^{name} = .*$", SHIPPED, flags=re.MULTILINE)
    assert match, f"policy.toml has no line for {name}"
    return edited_policy(tmp_path, match.group(0), f"{name} = {value}")


# (policy value, wrong value, words the message must contain)
# fmt: off
WRONG_VALUES = [
    pytest.param("refund_window_days", "0", "refund_window_days must be a whole number of at least 1", id="zero window"),
    pytest.param("refund_window_days", "-7", "refund_window_days must be a whole number", id="negative window"),
    pytest.param("refund_window_days", '"seven"', "refund_window_days must be a whole number", id="window as text"),
    pytest.param("refund_window_days", "7.5", "refund_window_days must be a whole number", id="fractional window"),
    pytest.param("refund_window_days", "true", "refund_window_days must be a whole number", id="window as boolean"),
    pytest.param("repeat_request_limit", "0", "repeat_request_limit must be a whole number of at least 1", id="zero limit"),
    pytest.param("creem_settlement_days_min", "11", "must not be more than creem_settlement_days_max", id="min above max"),
    pytest.param("support_email", '"support at imgtostl"', "support_email must be one email address", id="not an email"),
    pytest.param("support_email", '"a@b.com, c@d.com"', "support_email must be one email address", id="two emails"),
    pytest.param("last_updated", '""', "last_updated must be text in quotes", id="empty date"),
]
# fmt: on


def test_the_shipped_policy_file_loads_as_the_default_policy() -> None:
    assert load_policy() == default_policy()


def test_a_14_day_window_keeps_day_14_inside(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "refund_window_days", "14"))
    result = contract(answers(day=14, reason="unused"), policy=policy)
    assert (result["verdict"], clause_ids(result)) == ("likely_eligible", ["recent-unused"])
    # Day 8 is no longer late with a 14-day window.
    assert contract(answers(day=8), policy=policy)["verdict"] == "likely_eligible"


def test_a_14_day_window_makes_day_15_late(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "refund_window_days", "14"))
    result = contract(answers(day=15, reason="unused"), policy=policy)
    assert (result["verdict"], clause_ids(result)) == ("likely_not_eligible", ["late-request"])
    assert result["clauses"][0]["text"] == "The request is made more than 14 days after purchase"
    assert any("within 14 days" in note for note in result["notes"])


def test_a_higher_repeat_limit_lets_two_earlier_requests_pass(tmp_path: Path) -> None:
    policy = load_policy(set_value(tmp_path, "repeat_request_limit", "3"))
    given = answers(credits_used="minimal")
    assert clause_ids(contract({**given, "previous_refund_requests": 2}, policy=policy)) == [
        "recent-unused"
    ]
    assert "repeat-requests" in clause_ids(
        contract({**given, "previous_refund_requests": 3}, policy=policy)
    )


def test_creem_settlement_days_come_from_the_file(tmp_path: Path) -> None:
    path = set_value(tmp_path, "creem_settlement_days_max", "12")
    result = contract(answers(payment_provider="creem"), policy=load_policy(path))
    assert "5–12 days" in result["processing_time"]


def test_support_email_and_date_come_from_the_file(tmp_path: Path) -> None:
    path = set_value(tmp_path, "support_email", '"refunds@example.org"')
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'last_updated = "May 2026"', 'last_updated = "June 2026"'
        ),
        encoding="utf-8",
    )
    result = contract(answers(), policy=load_policy(path))
    assert result["email"]["to"] == "refunds@example.org"
    assert result["email"]["mailto"].startswith("mailto:refunds@example.org?")
    assert "Refund policy last updated: June 2026." in result["email"]["body"]
    assert result["policy"]["last_updated"] == "June 2026"


@pytest.mark.parametrize(("name", "value", "words"), WRONG_VALUES)
def test_a_wrong_value_in_the_policy_file_is_named(
    tmp_path: Path, name: str, value: str, words: str
) -> None:
    path = set_value(tmp_path, name, value)
    with pytest.raises(PolicyError, match=re.escape(words)) as raised:
        load_policy(path)
    assert str(path) in str(raised.value)


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot be read"):
        load_policy(tmp_path / "nowhere.toml")


def test_a_policy_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "refund_window_days = 7", "refund_window_days = ")
    with pytest.raises(PolicyError, match="is not valid TOML"):
        load_policy(path)


def test_a_misspelt_value_in_the_policy_file_is_named(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "refund_window_days = 7", "refund_window_day = 7")
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert "refund_window_day is not a policy value" in str(raised.value)
    assert "refund_window_days must be a whole number" in str(raised.value)


def test_an_unknown_placeholder_in_a_clause_is_named(tmp_path: Path) -> None:
    path = edited_policy(
        tmp_path, "more than {{ refund_window_days }} days", "more than {{ refund_days }} days"
    )
    with pytest.raises(PolicyError, match=r"\{\{ refund_days \}\} is not a policy value"):
        load_policy(path)


def test_a_policy_file_without_a_clause_is_named(tmp_path: Path) -> None:
    line = next(line for line in SHIPPED.splitlines() if line.startswith("duplicate-payment ="))
    path = edited_policy(tmp_path, line + "\n", "")
    with pytest.raises(PolicyError, match=r"Missing words for duplicate-payment: add a line"):
        load_policy(path)


def test_a_policy_file_with_an_unknown_clause_is_named(tmp_path: Path) -> None:
    path = edited_policy(tmp_path, "[clauses]\n", '[clauses]\nlate-payment = "Paid late"\n')
    with pytest.raises(PolicyError, match=r"No rule uses late-payment: remove it"):
        load_policy(path)
