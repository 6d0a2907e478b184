"""The words of the self-check's answers are the policy file's ([outcomes.<id>], [effects]):
changed there, they change everywhere the answer is said; a mistake in them is named at its line.
(How the clauses decide among the answers, [[decide]]: tests/checker/test_outcomes.py.)"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checker import PolicyError, check, check_json, read_policies
from tests.policies import edited_policy

ANSWERS = {
    "purchase_date": "2026-05-01",
    "request_date": "2026-05-03",
    "purchase_type": "credit_pack",
    "reason": "duplicate_payment",
    "credits_used": "none",
}


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    return raised.value.problems


def test_the_answers_words_come_from_the_policy_file(tmp_path: Path) -> None:
    path = edited_policy(
        tmp_path,
        'title = "You are likely eligible for a refund"',
        'title = "A refund is likely"',
    )
    path.write_text(
        path.read_text("utf-8").replace(
            'supports = "Supports a refund"', 'supports = "Speaks for it"'
        ),
        "utf-8",
    )
    result = check(ANSWERS, policy=read_policies(path), today=date(2026, 5, 3))
    assert result.title == "A refund is likely"
    assert {clause.effect_text for clause in result.clauses} == {"Speaks for it"}
    assert "The self-check said on 3 May 2026: A refund is likely." in result.email["body"]
    # The shipped file's words are the ones the page shows.
    assert json.loads(check_json(json.dumps(ANSWERS)))["title"] == (
        "You are likely eligible for a refund"
    )


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            'label = "Case by case"\n',
            "",
            '[outcomes.needs_review] needs label = "the answer in a few words, for tables"',
        ),
        (
            'role = "review"',
            'role = "amber"',
            "'amber' is not a role. Write role = one of: \"positive\"",
        ),
        (
            'supports = "Supports a refund"',
            'supports = "<b>Supports</b> a refund"',
            "the line supports of [effects] holds “<” or “>”",
        ),
        (
            'against = "Counts against a refund"',
            'againts = "x"',
            "'against' is not an effect of [effects]; a clause's effect is one of: \"supports\"",
        ),
        ('name = "Refund self-check"\n', "", '[self-check] needs name = "its name, at the start'),
        ("[self-check]", "[self_check]", "self_check is not a value of the policy file"),
        ('bought_today = "You bought it today."\n', "", '[sentences] needs bought_today = "…"'),
        (
            'window = "The refund window is {{ refund_window_days }} days',
            'window = "{{ window_days }}',
            "in the sentence window, {{ window_days }} is not a policy value",
        ),
    ],
)
def test_a_mistake_in_the_answers_words_is_named(
    tmp_path: Path, old: str, new: str, said: str
) -> None:
    found = problems(edited_policy(tmp_path, old, new))
    assert any(said in problem for problem in found), found
    assert all("policy.toml:" in problem for problem in found), found
